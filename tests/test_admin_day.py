"""Issue 32 §3: what an admin expects of the lists, searches and bulk actions, driven as an
admin does (CSRF-checked forms, the served pages)."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from recommendations.choices import Role
from recommendations.evidence.services import evidence_add
from recommendations.history.services import change_record_create
from recommendations.models import ChangeRecord, ProgressUpdate, Recommendation
from recommendations.progress.services import progress_record
from recommendations.roles import has_role

from .admin_forms import admin_client, csrf_token
from .factories import RecommendationFactory, ResponsibleBodyFactory, SourceFactory, UserFactory

RECOMMENDATIONS = "/admin/recommendations/recommendation/"
USERS = "/admin/auth/user/"


@pytest.fixture
def admin_user(db):
    return UserFactory(role="admin", username="aysel")


@pytest.fixture
def admin(admin_user):
    return admin_client(admin_user)


def listed(response) -> list:
    assert response.status_code == 200, response.status_code
    return list(response.context["cl"].result_list)


def act(client, url: str, action: str, selected, **values):
    data = {"csrfmiddlewaretoken": csrf_token(client, url), "action": action, "index": "0", **values}
    data["_selected_action"] = [str(obj.pk) for obj in selected]
    return client.post(url, data)


# Searches fold Azerbaijani letters everywhere, not only on recommendations.


def test_every_admin_search_folds_azerbaijani_letters(admin, db):
    source = SourceFactory(title="Uşaq əməyi haqqında hesabat", publisher="ABŞ Əmək Nazirliyi")
    body = ResponsibleBodyFactory(name="Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi")
    recommendation = RecommendationFactory(source=source)
    evidence_add(
        recommendation_id=recommendation.pk, kind="excerpt", title="Müfəttişliyin hesabatı", excerpt="Mətn", user=None
    )
    change_record_create(
        obj=recommendation, action=ChangeRecord.Action.UPDATE, user=None, before={}, after={}, message="Düzəliş edildi"
    )

    assert listed(admin.get("/admin/recommendations/source/", {"q": "usaq emeyi"})) == [source]
    assert listed(admin.get("/admin/recommendations/responsiblebody/", {"q": "sosial mudafie"})) == [body]
    assert [e.title for e in listed(admin.get("/admin/recommendations/evidence/", {"q": "mufettis"}))] == [
        "Müfəttişliyin hesabatı"
    ]
    found = listed(admin.get("/admin/recommendations/changerecord/", {"q": "duzelis"}))
    assert [record.message for record in found] == ["Düzəliş edildi"]
    assert listed(admin.get("/admin/recommendations/source/", {"q": "xyzzy"})) == []


def test_the_recommendation_picker_finds_a_recommendation_by_its_number(admin, db):
    # Texts without digits: a number is also searched for in the text.
    wanted = RecommendationFactory(action="Müfəttişləri öyrədin.")
    RecommendationFactory(action="Qanunu dəyişin.")
    for query in (str(wanted.pk), f"#{wanted.pk}"):
        assert listed(admin.get(RECOMMENDATIONS, {"q": query})) == [wanted]
    picked = admin.get(
        "/admin/autocomplete/",
        {
            "term": str(wanted.pk),
            "app_label": "recommendations",
            "model_name": "evidence",
            "field_name": "recommendation",
        },
    )
    assert [item["id"] for item in picked.json()["results"]] == [str(wanted.pk)]


# Lists: filters and columns.


def test_recommendation_list_filters_by_country_due_and_responsible_body(admin, db):
    today = timezone.localdate()
    body = ResponsibleBodyFactory(abbreviation="ƏƏSMN")
    overdue = RecommendationFactory(due_on=today - datetime.timedelta(days=3), responsible_bodies=[body])
    later = RecommendationFactory(due_on=today + datetime.timedelta(days=30))
    undated = RecommendationFactory(source=SourceFactory(country="GE"))

    assert listed(admin.get(RECOMMENDATIONS, {"due": "overdue"})) == [overdue]
    assert listed(admin.get(RECOMMENDATIONS, {"due": "due"})) == [later]
    assert listed(admin.get(RECOMMENDATIONS, {"due": "none"})) == [undated]
    assert listed(admin.get(RECOMMENDATIONS, {"country": "GE"})) == [undated]
    assert listed(admin.get(RECOMMENDATIONS, {"responsible_bodies__id__exact": body.pk})) == [overdue]
    html = admin.get(RECOMMENDATIONS).content.decode()
    assert "ƏƏSMN" in html and "column-country_code" in html


def test_the_english_admin_lists_the_english_text_where_it_exists(db, admin_user):
    source = SourceFactory(language="az", translations={"en": {"document": "", "sha256": ""}})
    RecommendationFactory(
        source=source, action="Müfəttişləri öyrədin.", action_translations={"en": "Train inspectors."}
    )
    assert "Train inspectors." in admin_client(admin_user, "en").get(RECOMMENDATIONS).content.decode()
    assert "Müfəttişləri öyrədin." in admin_client(admin_user, "az").get(RECOMMENDATIONS).content.decode()


def test_users_list_shows_role_active_and_last_sign_in_and_filters_by_role(admin, admin_user):
    staff = UserFactory(role="ngo_staff", username="rauf")
    response = admin.get(USERS, {"role": "ngo_staff"})
    assert listed(response) == [staff]
    html = admin.get(USERS).content.decode()
    for column in ("column-role", "column-is_active", "column-last_login"):
        assert column in html


def test_progress_list_is_newest_first_and_filters_by_author(admin, db):
    recommendation = RecommendationFactory()
    rauf, leyla = UserFactory(username="rauf", role="ngo_staff"), UserFactory(username="leyla", role="ngo_staff")
    first = progress_record(recommendation_id=recommendation.pk, status="in_progress", user=rauf)
    second = progress_record(recommendation_id=recommendation.pk, status="implemented", user=leyla)
    assert listed(admin.get("/admin/recommendations/progressupdate/")) == [second, first]
    assert listed(admin.get("/admin/recommendations/progressupdate/", {"author": "rauf"})) == [first]


def test_change_records_filter_by_who_changed(admin, db):
    recommendation = RecommendationFactory()
    mine = change_record_create(
        obj=recommendation, action=ChangeRecord.Action.UPDATE, user=UserFactory(username="leyla"), before={}, after={}
    )
    assert listed(admin.get("/admin/recommendations/changerecord/", {"username": "leyla"})) == [mine]


def test_sources_list_counts_and_links_the_document_and_links_both_ways(admin, db):
    source = SourceFactory(slug="dol-2018-az")
    recommendation = RecommendationFactory(source=source)
    RecommendationFactory(source=source)
    html = admin.get("/admin/recommendations/source/").content.decode()
    assert f'?source__id__exact={source.pk}">2</a>' in html
    change = admin.get(f"/admin/recommendations/source/{source.pk}/change/").content.decode()
    assert "/sources/dol-2018-az/" in change  # view on site
    page = admin.get(f"/admin/recommendations/recommendation/{recommendation.pk}/change/").content.decode()
    assert f"/recommendations/{recommendation.pk}/" in page
    assert f"/admin/recommendations/evidence/add/?recommendation={recommendation.pk}" in page


# Bulk actions, each through the service one change would use.


def test_bulk_status_records_a_progress_entry_each_with_the_day_and_note(admin, db):
    chosen = [RecommendationFactory(), RecommendationFactory()]
    untouched = RecommendationFactory()
    day = timezone.localdate() - datetime.timedelta(days=10)

    response = act(
        admin, RECOMMENDATIONS, "status_record", chosen, status="in_progress", occurred_on=day.isoformat(), note="Görüş"
    )

    assert response.status_code == 302
    entries = ProgressUpdate.objects.order_by("recommendation_id")
    assert [(e.recommendation_id, e.status_after, e.occurred_on, e.note) for e in entries] == [
        (r.pk, "in_progress", day, "Görüş") for r in chosen
    ]
    assert Recommendation.objects.get(pk=untouched.pk).status == "not_assessed"


def test_a_bulk_status_refused_for_one_changes_none(admin, db):
    early = RecommendationFactory(year_start=2014)
    late = RecommendationFactory(source=SourceFactory(report_year=2024), year_start=2024, year_end=2024)
    response = act(
        admin, RECOMMENDATIONS, "status_record", [early, late], status="in_progress", occurred_on="2020-01-01"
    )
    assert response.status_code == 302
    assert not ProgressUpdate.objects.exists()
    messages = [str(message) for message in admin.get(RECOMMENDATIONS).context["messages"]]
    assert any("Nothing was changed" in message for message in messages), messages


def test_bulk_due_date_area_and_responsible_body_leave_history(admin, db):
    chosen = [RecommendationFactory(), RecommendationFactory()]
    body = ResponsibleBodyFactory()
    due = timezone.localdate() + datetime.timedelta(days=60)
    act(admin, RECOMMENDATIONS, "due_date_set", chosen, due_on=due.isoformat())
    act(admin, RECOMMENDATIONS, "area_set", chosen, area="prevention")
    act(admin, RECOMMENDATIONS, "responsible_body_add", chosen, responsible_body=str(body.pk))
    for recommendation in Recommendation.objects.filter(pk__in=[r.pk for r in chosen]):
        assert (recommendation.due_on, recommendation.area) == (due, "prevention")
        assert list(recommendation.responsible_bodies.all()) == [body]
        assert ChangeRecord.objects.filter(object_id=recommendation.pk, action="update").count() == 3


def test_export_of_the_selection_holds_only_the_selected(admin, db):
    chosen = [RecommendationFactory(), RecommendationFactory()]
    RecommendationFactory()
    response = act(admin, RECOMMENDATIONS, "export_csv", chosen)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(int(row["id"]) for row in rows) == sorted(r.pk for r in chosen)


def test_users_get_a_role_and_are_deactivated_in_bulk(admin, admin_user):
    rauf, leyla = UserFactory(username="rauf"), UserFactory(username="leyla", role="analyst")
    act(admin, USERS, "set_role", [rauf, leyla], role="ngo_staff")
    for user in User.objects.filter(pk__in=[rauf.pk, leyla.pk]):
        assert has_role(user, Role.NGO_STAFF) and not has_role(user, Role.ADMIN)
        assert ChangeRecord.objects.filter(object_id=user.pk, message="Role changed").exists()

    act(admin, USERS, "deactivate", [rauf])
    assert not User.objects.get(pk=rauf.pk).is_active
    act(admin, USERS, "deactivate", [admin_user])
    assert User.objects.get(pk=admin_user.pk).is_active  # not oneself


# Small things (§4).


def test_evidence_shows_who_added_it_once_and_its_size_with_a_unit(admin, admin_user, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    recommendation = RecommendationFactory()
    evidence = evidence_add(
        recommendation_id=recommendation.pk,
        kind="file",
        title="Protokol",
        file=SimpleUploadedFile("protokol.pdf", b"%PDF-1.4\n" + b"x" * 2048 + b"\n%%EOF\n"),
        user=admin_user,
    )
    html = admin_client(admin_user, "en").get(f"/admin/recommendations/evidence/{evidence.pk}/change/").content.decode()
    assert html.count("Added by") == 1, html.count("Added by")
    assert "2.0\xa0KB" in html


def test_the_source_page_prints_each_rows_text_once(admin, db):
    recommendation = RecommendationFactory(action="Yeganə mətn burada.")
    html = admin.get(f"/admin/recommendations/source/{recommendation.source_id}/change/").content.decode()
    assert html.count("Yeganə mətn burada.") == 1


def test_a_status_change_in_the_admin_takes_a_day_and_evidence(admin_user, db):
    from .admin_forms import open_form, submit

    recommendation = RecommendationFactory()
    client = admin_client(admin_user, "en")
    url = f"/admin/recommendations/recommendation/{recommendation.pk}/change/"
    day = timezone.localdate() - datetime.timedelta(days=5)
    data = {
        **open_form(client, url),
        "status": "in_progress",
        "status_on": day.isoformat(),
        "status_evidence_link": "https://gov.az/xeber/123",
        "change_note": "Nazirlik bildirdi.",
    }

    assert submit(client, url, data).status_code == 302

    (entry,) = ProgressUpdate.objects.filter(recommendation=recommendation)
    assert (entry.status_after, entry.occurred_on, entry.note) == ("in_progress", day, "Nazirlik bildirdi.")
    assert [item.url for item in entry.evidence.all()] == ["https://gov.az/xeber/123"]


def test_an_admin_status_evidence_link_that_is_not_http_is_refused_beside_it(admin_user, db):
    from .admin_forms import open_form, submit

    recommendation = RecommendationFactory()
    client = admin_client(admin_user, "en")
    url = f"/admin/recommendations/recommendation/{recommendation.pk}/change/"
    data = {**open_form(client, url), "status": "in_progress", "status_evidence_link": "ftp://gov.az/a.pdf"}
    response = submit(client, url, data)
    assert response.status_code == 200
    assert "Only http and https" in str(response.context["adminform"].form.errors["status_evidence_link"])
    assert not ProgressUpdate.objects.exists()


def test_the_site_links_to_the_admin_for_admins_only_and_the_admin_switches_language(admin_user, db):
    from django.test import Client

    recommendation = RecommendationFactory()
    edit = f"/admin/recommendations/recommendation/{recommendation.pk}/change/"
    assert edit in admin_client(admin_user).get(f"/recommendations/{recommendation.pk}/").content.decode()
    source_edit = f"/admin/recommendations/source/{recommendation.source_id}/change/"
    assert source_edit in admin_client(admin_user).get(f"/sources/{recommendation.source.slug}/").content.decode()
    staff = Client()
    staff.force_login(UserFactory(role="ngo_staff"))
    assert edit not in staff.get(f"/recommendations/{recommendation.pk}/").content.decode()

    client = admin_client(admin_user, "en")
    page = client.get("/admin/").content.decode()
    assert 'name="language" value="az"' in page
    switched = client.post(
        "/i18n/setlang/",
        {"language": "az", "next": "/admin/", "csrfmiddlewaretoken": csrf_token(client, "/admin/")},
    )
    assert switched.status_code == 302
    assert "İstifadəçilər" in client.get("/admin/").content.decode()


def test_an_evidence_is_corrected_and_its_file_replaced_through_the_service(
    admin_user, db, settings, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from .admin_forms import open_form, submit

    recommendation = RecommendationFactory()
    evidence = evidence_add(
        recommendation_id=recommendation.pk,
        kind="file",
        title="Protokol",
        file=SimpleUploadedFile("protokol.pdf", b"%PDF-1.4\nfirst\n%%EOF\n"),
        user=admin_user,
    )
    old_name = str(evidence.file.name)
    client = admin_client(admin_user, "en")
    url = f"/admin/recommendations/evidence/{evidence.pk}/change/"
    data = {**open_form(client, url), "title": "Protokol (düzəldilmiş)"}
    data["file"] = SimpleUploadedFile("protokol-2.pdf", b"%PDF-1.4\nsecond\n%%EOF\n")

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    evidence.refresh_from_db()
    assert (evidence.title, evidence.file_name) == ("Protokol (düzəldilmiş)", "protokol-2.pdf")
    assert evidence.file.name != old_name
    assert not (Path(settings.MEDIA_ROOT) / old_name).exists()
    record = ChangeRecord.objects.filter(object_id=evidence.pk, action="update").get()
    assert {"title", "file_sha256"} <= set(record.after or {}) and record.related_object_id == recommendation.pk

    # A link that is not http is refused beside it, nothing saved.
    link = evidence_add(
        recommendation_id=recommendation.pk, kind="link", title="Xəbər", url="https://gov.az/a", user=admin_user
    )
    link_url = f"/admin/recommendations/evidence/{link.pk}/change/"
    shown = {name: value for name, value in open_form(client, link_url).items() if name != "file"}  # no upload
    refused = submit(client, link_url, {**shown, "url": "ftp://gov.az/a"})
    assert refused.status_code == 200
    assert "Only http and https" in str(refused.context["adminform"].form.errors["url"])


def test_the_area_filter_lists_the_areas_of_the_kinds_of_report_held(admin, db):
    """Seen on the screenshots: every area (UPR's ~50 headings) under the list for two DOL rows."""
    RecommendationFactory(area="enforcement")
    page = admin.get("/admin/recommendations/recommendation/")
    area_filter = next(
        spec for spec in page.context["cl"].filter_specs if getattr(spec, "parameter_name", "") == "area__exact"
    )
    codes = {code for code, _label in area_filter.lookup_choices}
    assert "enforcement" in codes and not any(code.startswith("upr_") for code in codes), codes
    assert (
        len(admin.get("/admin/recommendations/recommendation/?area__exact=enforcement").context["cl"].result_list) == 1
    )
