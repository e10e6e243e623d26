"""Issue 32 §3: a recommendation or a report can be withdrawn — hidden from the public, kept
with its history — and restored. Every public read leaves a withdrawn row out; signed-in
roles open it, marked, and list withdrawn rows when they ask (`withdrawn=true`)."""

import csv
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from rest_framework.test import APIClient

from recommendations.history.selectors import recommendation_history
from recommendations.importing import services as importing_services
from recommendations.importing.parsers import DocumentRejected
from recommendations.models import ChangeRecord, Recommendation, Source
from recommendations.progress.services import progress_record
from recommendations.withdrawal.services import (
    recommendation_restore,
    recommendation_withdraw,
    source_restore,
    source_withdraw,
)

from .admin_forms import admin_client, csrf_token
from .factories import RecommendationFactory, SourceFactory, recommendation_batch

KEPT_TEXT = "Saxlanılan tövsiyə: əmək müfəttişliyini gücləndirin."
HIDDEN_TEXT = "Səhv idxal edilmiş tövsiyə: İlahə Şükürova gizli-3391."


@pytest.fixture
def world(db, users):
    """A report with a kept and a withdrawn recommendation, each with a status change."""
    source = SourceFactory(slug="dol-2016-az", report_year=2016)
    kept = RecommendationFactory(source=source, action=KEPT_TEXT, year_start=2015, year_end=2016)
    hidden = RecommendationFactory(source=source, action=HIDDEN_TEXT, year_start=2015, year_end=2016)
    for recommendation in (kept, hidden):
        progress_record(recommendation_id=recommendation.pk, status="in_progress", user=users["ngo_staff"])
    recommendation_withdraw(recommendation_id=hidden.pk, reason="Səhv ölkəyə yazılıb", user=users["admin"])
    return {"source": source, "kept": kept, "hidden": hidden}


@pytest.fixture
def signed_in(users):
    """A client signed in as the role (a session: the pages and the API both read it)."""

    def make(role: str) -> APIClient:
        client = APIClient()
        if users[role] is not None:
            client.force_login(users[role])
        return client

    return make


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig", errors="replace")
    return response.content.decode("utf-8-sig", errors="replace")


# Every public read: (path, how the kept row shows in it). Each must show the kept row and
# not the withdrawn one, to anonymous visitors and to signed-in roles alike (by default).
PUBLIC_READS = {
    "api-list": "/api/v1/recommendations/",
    "api-list-search": "/api/v1/recommendations/?q=tövsiyə",
    "api-export-csv": "/api/v1/recommendations/export.csv",
    "api-export-xlsx-as-csv-columns": "/api/v1/recommendations/export/?format=csv",
    "dashboard": "/",
    "dashboard-search": "/?q=tövsiyə",
    "source-page": "/sources/dol-2016-az/",
    "feed": "/feeds/changes/",
    "submission-page": "/sources/dol-2016-az/submission/",
}


@pytest.mark.parametrize("role", ["anonymous", "analyst"])
@pytest.mark.parametrize("name", list(PUBLIC_READS))
def test_each_public_read_leaves_the_withdrawn_recommendation_out(world, signed_in, role, name):
    response = signed_in(role).get(PUBLIC_READS[name], HTTP_ACCEPT_LANGUAGE="az")
    assert response.status_code == 200, (response.status_code, _text(response)[:300])
    text = _text(response)
    if name.startswith("feed"):
        # The feed names the recommendation by its number, not its text.
        assert f"/recommendations/{world['kept'].pk}/" in text
        assert f"/recommendations/{world['hidden'].pk}/" not in text
    else:
        assert "Saxlanılan tövsiyə" in text or f'"id":{world["kept"].pk}' in text.replace(" ", "")
        assert "gizli-3391" not in text


def test_the_xlsx_export_leaves_it_out(world, client_for):
    from openpyxl import load_workbook

    response = client_for("anonymous").get("/api/v1/recommendations/export/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(_text_bytes(response))).active
    assert sheet is not None
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row]
    assert any("Saxlanılan tövsiyə" in cell for cell in cells)
    assert not any("gizli-3391" in cell for cell in cells)


def _text_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def test_counts_agree_list_stats_csv_and_the_source_without_the_withdrawn(world, client_for):
    client = client_for("analyst")
    listed = client.get("/api/v1/recommendations/?count=true").json()["count"]
    stats = client.get("/api/v1/stats/").json()["total"]
    rows = list(csv.DictReader(io.StringIO(_text(client.get("/api/v1/recommendations/export.csv")))))
    source = client.get("/api/v1/sources/dol-2016-az/").json()
    areas = {row["code"]: row["recommendation_count"] for row in client.get("/api/v1/areas/").json()}
    assert listed == stats == len(rows) == source["recommendation_count"] == areas["enforcement"] == 1
    withdrawn = client.get("/api/v1/recommendations/?withdrawn=true&count=true").json()
    assert [item["id"] for item in withdrawn["results"]] == [world["hidden"].pk]
    assert client.get("/api/v1/stats/?withdrawn=true").json()["total"] == withdrawn["count"] == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/recommendations/?withdrawn=true",
        "/api/v1/stats/?withdrawn=true",
        "/api/v1/recommendations/export.csv?withdrawn=true",
        "/api/v1/stats/changes/?withdrawn=true",
        "/?withdrawn=true",
        "/feeds/changes/?withdrawn=true",
    ],
)
def test_the_public_cannot_list_withdrawn_rows_and_is_told_why(world, client_for, path):
    # A well-formed request its asker may not make: 403, not a 400 calling it malformed.
    response = client_for("anonymous").get(path)
    assert response.status_code == 403
    assert "withdrawn" in _text(response)
    assert "gizli-3391" not in _text(response)


def test_the_public_does_not_find_a_withdrawn_one_signed_in_roles_see_it_marked(world, client_for, signed_in):
    hidden = world["hidden"]
    for path in (f"/api/v1/recommendations/{hidden.pk}/", f"/recommendations/{hidden.pk}/"):
        assert client_for("anonymous").get(path).status_code == 404
    detail = client_for("analyst").get(f"/api/v1/recommendations/{hidden.pk}/").json()
    assert detail["withdrawal_reason"] == "Səhv ölkəyə yazılıb" and detail["withdrawn_at"]
    page = signed_in("analyst").get(f"/recommendations/{hidden.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Withdrawn on" in _text(page) and "Səhv ölkəyə yazılıb" in _text(page)


@translation.override("en")
def test_withdrawing_and_restoring_is_history_with_the_reason_and_a_new_version(db, users):
    recommendation = RecommendationFactory()
    version = recommendation.version
    recommendation_withdraw(recommendation_id=recommendation.pk, reason="Dublikat", user=users["admin"])
    recommendation.refresh_from_db()
    assert recommendation.version == version + 1 and recommendation.is_withdrawn
    recommendation_restore(recommendation_id=recommendation.pk, reason="Səhv çıxarılıb", user=users["admin"])
    recommendation.refresh_from_db()
    assert recommendation.version == version + 2 and not recommendation.is_withdrawn
    rows = list(recommendation_history(recommendation).filter(action=ChangeRecord.Action.UPDATE).order_by("id"))
    assert [row.message for row in rows] == ["Withdrawn: Dublikat", "Restored: Səhv çıxarılıb"]
    assert rows[0].after["withdrawal_reason"] == "Dublikat" and rows[0].before["withdrawn_at"] is None
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()  # nothing deleted


def test_a_reason_is_required_and_a_double_withdrawal_is_refused(db, users):
    recommendation = RecommendationFactory()
    with pytest.raises(ValidationError) as error:
        recommendation_withdraw(recommendation_id=recommendation.pk, reason="  ", user=users["admin"])
    assert "withdrawal_reason" in error.value.message_dict
    recommendation_withdraw(recommendation_id=recommendation.pk, reason="Səhv", user=users["admin"])
    with pytest.raises(ValidationError) as error:
        recommendation_withdraw(recommendation_id=recommendation.pk, reason="Yenə", user=users["admin"])
    assert "withdrawn" in error.value.message_dict


@translation.override("en")
def test_a_report_takes_its_recommendations_with_it_and_brings_back_only_those(db, users, client_for):
    source = SourceFactory(slug="dol-2017-az")
    earlier = RecommendationFactory(source=source)
    others = [RecommendationFactory(source=source), RecommendationFactory(source=source)]
    recommendation_withdraw(recommendation_id=earlier.pk, reason="Dublikat", user=users["admin"])
    source_withdraw(source_id=source.pk, reason="Başqa ölkənin hesabatı", user=users["admin"])
    assert not Recommendation.objects.public().filter(source=source).exists()
    assert client_for("anonymous").get("/api/v1/sources/dol-2017-az/").status_code == 404
    assert client_for("anonymous").get("/sources/dol-2017-az/").status_code == 404
    assert "dol-2017-az" not in _text(client_for("analyst").get("/api/v1/sources/"))
    assert client_for("analyst").get("/api/v1/sources/dol-2017-az/").json()["withdrawn_at"]
    with pytest.raises(ValidationError):
        recommendation_restore(recommendation_id=others[0].pk, reason="Tez", user=users["admin"])
    source_restore(source_id=source.pk, reason="Düzgün hesabatdır", user=users["admin"])
    public = set(Recommendation.objects.public().filter(source=source).values_list("pk", flat=True))
    assert public == {r.pk for r in others}  # the one withdrawn on its own stays withdrawn
    messages = set(ChangeRecord.objects.filter(object_id=others[0].pk).values_list("message", flat=True))
    assert "Withdrawn with its report dol-2017-az: Başqa ölkənin hesabatı" in messages
    assert not Source.objects.get(pk=source.pk).is_withdrawn


# The API: a PATCH of `withdrawn` with its reason, admins only, If-Match as every write.


def test_an_admin_withdraws_through_the_api_with_if_match(world, client_for):
    kept = world["kept"]
    client = client_for("admin")
    etag = client.get(f"/api/v1/recommendations/{kept.pk}/").headers["ETag"]
    body = {"withdrawn": True, "withdrawal_reason": "Səhv idxal"}
    response = client.patch(f"/api/v1/recommendations/{kept.pk}/", body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert response.headers["ETag"] != etag and response.json()["withdrawal_reason"] == "Səhv idxal"
    stale = client.patch(
        f"/api/v1/recommendations/{kept.pk}/",
        {"withdrawn": False, "withdrawal_reason": "x"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert stale.status_code == 412
    assert client_for("anonymous").get(f"/api/v1/recommendations/{kept.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"withdrawn": True}, "withdrawal_reason"),
        ({"withdrawn": True, "withdrawal_reason": " "}, "withdrawal_reason"),
        ({"withdrawn": True, "withdrawal_reason": "Səhv", "area": "prevention"}, "withdrawn"),
        ({"withdrawal_reason": "Səhv"}, "withdrawal_reason"),
        ({"withdrawn": "bəli", "withdrawal_reason": "Səhv"}, "withdrawn"),
    ],
)
def test_a_bad_withdrawal_is_a_400_naming_the_field(world, client_for, body, field):
    response = client_for("admin").patch(f"/api/v1/recommendations/{world['kept'].pk}/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 401), ("analyst", 403), ("ngo_staff", 400)])
def test_only_admins_withdraw(world, client_for, role, expected):
    body = {"withdrawn": True, "withdrawal_reason": "Səhv"}
    response = client_for(role).patch(f"/api/v1/recommendations/{world['kept'].pk}/", body, format="json")
    assert response.status_code == expected
    assert not Recommendation.objects.get(pk=world["kept"].pk).is_withdrawn


# The admin: actions with the reason beside them, a filter, the state on the change page.


def _act(client, url, action, selected, **values):
    data = {"csrfmiddlewaretoken": csrf_token(client, url), "action": action, "index": "0", **values}
    data["_selected_action"] = [str(obj.pk) for obj in selected]
    return client.post(url, data)


def test_the_admin_withdraws_and_restores_with_a_reason_and_shows_the_state(db, users):
    admin = admin_client(users["admin"])
    url = "/admin/recommendations/recommendation/"
    chosen = [RecommendationFactory(), RecommendationFactory()]
    _act(admin, url, "recommendations_withdraw", chosen)  # no reason: nothing changes
    assert not Recommendation.objects.withdrawn().exists()
    _act(admin, url, "recommendations_withdraw", chosen, withdrawal_reason="Dublikat sətirlər")
    assert set(Recommendation.objects.withdrawn().values_list("pk", flat=True)) == {r.pk for r in chosen}
    listed = admin.get(url + "?withdrawn=yes").context["cl"].result_list
    assert {r.pk for r in listed} == {r.pk for r in chosen}
    assert _text(admin.get(url)).count('<strong class="withdrawn">Withdrawn:</strong>') == 2
    page = admin.get(f"{url}{chosen[0].pk}/change/")
    assert "Withdrawn on" in _text(page) and "Dublikat sətirlər" in _text(page)
    warnings = [str(message) for message in page.context["messages"] if message.level_tag == "warning"]
    assert warnings and "Dublikat sətirlər" in warnings[0]  # at the top, not only among the fields
    _act(admin, url, "recommendations_restore", chosen, withdrawal_reason="Səhv çıxarılıb")
    assert not Recommendation.objects.withdrawn().exists()


def test_the_admin_withdraws_a_report_with_its_rows(db, users):
    admin = admin_client(users["admin"])
    url = "/admin/recommendations/source/"
    recommendation = RecommendationFactory()
    response = _act(admin, url, "sources_withdraw", [recommendation.source], withdrawal_reason="Səhv idxal")
    assert response.status_code == 302
    assert Recommendation.objects.get(pk=recommendation.pk).is_withdrawn
    assert [s.pk for s in admin.get(url + "?withdrawn=yes").context["cl"].result_list] == [recommendation.source_id]
    assert "Səhv idxal" in _text(admin.get(f"{url}{recommendation.source_id}/change/"))
    _act(admin, url, "sources_restore", [recommendation.source], withdrawal_reason="Düzgündür")
    assert not Recommendation.objects.get(pk=recommendation.pk).is_withdrawn


def test_the_withdrawal_moment_is_the_reports_own(db, users):
    source = SourceFactory()
    recommendation = RecommendationFactory(source=source)
    before = timezone.now()
    source_withdraw(source_id=source.pk, reason="Səhv", user=users["admin"])
    source.refresh_from_db()
    recommendation.refresh_from_db()
    assert source.withdrawn_at is not None and source.withdrawn_at >= before
    assert recommendation.withdrawn_at == source.withdrawn_at


# Importing a withdrawn report's document again: refused, naming the way back (a restore).

SEED = (
    Path(__file__).resolve().parent.parent / "seeds" / "dol-2015-azerbaijan-child-labor-findings.az.txt"
).read_bytes()


@translation.override("en")
def test_importing_a_withdrawn_reports_document_again_is_refused_with_the_way_back(db, users):
    importing_services.report_import(data=SEED, kind="dol", country="AZ", report_year=2015)
    source = Source.objects.get(slug="dol-2015-az")
    source_withdraw(source_id=source.pk, reason="Səhv idxal", user=users["admin"])
    for slug in ("dol-2015-az", "dol-2015-az-again"):  # by its slug, or the same file under another
        with pytest.raises(DocumentRejected, match="was withdrawn: restore it in the administration"):
            importing_services.report_import(data=SEED, kind="dol", country="AZ", report_year=2015, slug=slug)
    assert not Recommendation.objects.public().filter(source=source).exists()
    source_restore(source_id=source.pk, reason="Düzgündür", user=users["admin"])
    report = importing_services.report_import(data=SEED, kind="dol", country="AZ", report_year=2015)
    assert report.source_operation == "unchanged"


def test_signed_in_roles_list_withdrawn_ones_on_the_dashboard_when_they_ask(world, signed_in):
    page = _text(signed_in("analyst").get("/?withdrawn=true"))
    assert 'name="withdrawn"' in page
    assert "gizli-3391" in page and "Saxlanılan tövsiyə" not in page
    assert 'name="withdrawn"' not in _text(signed_in("anonymous").get("/"))


def test_a_withdrawn_repeat_does_not_hide_the_earlier_one_from_the_latest_only_count(db, users, client_for):
    earlier = RecommendationFactory(source=SourceFactory(slug="dol-2014-az", report_year=2014), year_end=2014)
    later = RecommendationFactory(source=SourceFactory(slug="dol-2016-az", report_year=2016), repeats=earlier)
    client = client_for("anonymous")
    assert client.get("/api/v1/stats/?distinct=latest").json()["total"] == 1
    recommendation_withdraw(recommendation_id=later.pk, reason="Səhv idxal", user=users["admin"])
    listed = client.get("/api/v1/recommendations/?distinct=latest").json()["results"]
    assert [item["id"] for item in listed] == [earlier.pk]
    assert client.get("/api/v1/stats/?distinct=latest").json()["total"] == 1
    assert client.get("/api/v1/stats/?distinct=latest&as_of=2020-01-01").json()["total"] == 1


def test_the_other_years_of_a_recommendation_do_not_name_a_withdrawn_one(db, users, client_for):
    first = RecommendationFactory(
        source=SourceFactory(slug="dol-2013-az", report_year=2013), year_start=2013, year_end=2013
    )
    middle = RecommendationFactory(
        source=SourceFactory(slug="dol-2014-az", report_year=2014), repeats=first, year_start=2014, year_end=2014
    )
    last = RecommendationFactory(source=SourceFactory(slug="dol-2015-az", report_year=2015), repeats=middle)
    recommendation_withdraw(recommendation_id=middle.pk, reason="Səhv idxal", user=users["admin"])
    detail = client_for("anonymous").get(f"/api/v1/recommendations/{last.pk}/").json()
    assert [item["id"] for item in detail["also_suggested_in"]] == [first.pk]  # through the withdrawn one
    page = _text(client_for("anonymous").get(f"/recommendations/{last.pk}/"))
    assert "dol-2014" not in page and f"/recommendations/{middle.pk}/" not in page


def test_withdrawing_a_report_takes_the_same_queries_for_ten_rows_as_for_a_hundred(
    db, users, django_assert_max_num_queries
):
    """Each row's new version and history row are written in bulk: before, a whole snapshot of
    each row read its responsible bodies and indicators (1,212 queries for 300 rows)."""
    for size in (10, 100):
        source = SourceFactory()
        recommendation_batch(source=source, rows=[{"position": n} for n in range(1, size + 1)])
        with django_assert_max_num_queries(12):
            source_withdraw(source_id=source.pk, reason="Səhv idxal", user=users["admin"])
        with django_assert_max_num_queries(12):
            source_restore(source_id=source.pk, reason="Düzgündür", user=users["admin"])
        assert Recommendation.objects.public().filter(source=source).count() == size
