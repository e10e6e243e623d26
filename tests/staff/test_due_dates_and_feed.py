"""Due dates (set by admins; an API field; list, stats, exports and dashboard filters) and
the public Atom feed of status changes, which never carries notes, evidence or authors."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from recommendations.catalog.services import recommendation_update
from recommendations.evidence.services import evidence_add
from recommendations.progress.services import progress_record
from tests.factories import RecommendationFactory, SourceFactory, UserFactory

ATOM = "{http://www.w3.org/2005/Atom}"
NOTE = "Gizli qeyd: qurbanın adı Aynur."


@pytest.fixture
def dated(db):
    today = timezone.localdate()
    admin = UserFactory(role="admin")
    late = RecommendationFactory(action="Gecikən")
    soon = RecommendationFactory(action="Yaxında")
    done = RecommendationFactory(action="Bitən")
    undated = RecommendationFactory(action="Tarixsiz")
    for item, days in ((late, -10), (soon, 20), (done, -40)):
        recommendation_update(
            recommendation_id=item.pk, data={"due_on": today + datetime.timedelta(days=days)}, user=admin
        )
    progress_record(recommendation_id=done.pk, status="implemented", user=admin)
    return {"late": late, "soon": soon, "done": done, "undated": undated, "today": today}


def ids(response):
    return sorted(item["id"] for item in response.json()["results"])


def test_due_on_is_an_api_field_admins_set_and_staff_cannot(dated, client_for):
    item = dated["soon"]
    detail = client_for("anonymous").get(f"/api/v1/recommendations/{item.pk}/").json()
    assert detail["due_on"] == (dated["today"] + datetime.timedelta(days=20)).isoformat()
    new = "2027-06-30"
    assert (
        client_for("admin").patch(f"/api/v1/recommendations/{item.pk}/", {"due_on": new}, format="json").status_code
        == 200
    )
    assert client_for("anonymous").get(f"/api/v1/recommendations/{item.pk}/").json()["due_on"] == new
    refused = client_for("ngo_staff").patch(
        f"/api/v1/recommendations/{item.pk}/", {"due_on": "2030-01-01"}, format="json"
    )
    assert refused.status_code == 400 and "due_on" in refused.json()
    assert client_for("anonymous").get(f"/api/v1/recommendations/{item.pk}/").json()["due_on"] == new


def test_list_filters_due_before_due_after_and_overdue(dated, api_client):
    today = dated["today"]
    late, soon, done, undated = (dated[key].pk for key in ("late", "soon", "done", "undated"))
    assert ids(api_client.get("/api/v1/recommendations/", {"overdue": "true"})) == [late]
    assert ids(api_client.get("/api/v1/recommendations/", {"overdue": "false"})) == sorted([soon, done, undated])
    assert ids(api_client.get("/api/v1/recommendations/", {"due_before": today.isoformat()})) == sorted([late, done])
    assert ids(api_client.get("/api/v1/recommendations/", {"due_after": today.isoformat()})) == [soon]
    bad = api_client.get("/api/v1/recommendations/", {"due_before": "tomorrow"})
    assert bad.status_code == 400 and "due_before" in bad.json()
    crossed = api_client.get("/api/v1/recommendations/", {"due_after": "2030-01-01", "due_before": "2020-01-01"})
    assert crossed.status_code == 400 and "due_before" in crossed.json()


def test_stats_exports_and_dashboard_take_the_due_filters(dated, api_client):
    stats = api_client.get("/api/v1/stats/", {"overdue": "true"}).json()
    assert stats["total"] == 1
    export = api_client.get("/api/v1/recommendations/export.csv", {"overdue": "true"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    header, *rows = [line for line in text.splitlines() if line]
    assert "due_on" in header.split(",") and len(rows) == 1 and "Gecikən" in rows[0]
    page = Client().get("/", {"overdue": "true"})
    assert page.status_code == 200
    assert page.context["stats"]["total"] == 1
    assert "gecikib" in page.content.decode()
    assert Client().get("/", {"due_before": "abc"}).status_code == 400


def test_the_recommendation_page_shows_the_due_date(dated):
    html = Client().get(f"/recommendations/{dated['late'].pk}/").content.decode()
    assert f'datetime="{(dated["today"] - datetime.timedelta(days=10)).isoformat()}"' in html
    assert "gecikib" in html


@pytest.fixture
def changes(db):
    staff = UserFactory(username="gizli.işçi", role="ngo_staff")
    az_source = SourceFactory(country="AZ")
    ge_source = SourceFactory(country="GE", slug="tip-2022-ge")
    az = RecommendationFactory(source=az_source, area="enforcement", action="Müfəttişliyi gücləndirin.")
    ge = RecommendationFactory(source=ge_source, area="coordination", action="Georgia item")
    update = progress_record(recommendation_id=az.pk, status="in_progress", note=NOTE, user=staff)
    evidence_add(
        recommendation_id=az.pk,
        progress_update_id=update.pk,
        kind="link",
        title="Gizli sübut",
        url="https://x.az/",
        user=staff,
    )
    progress_record(recommendation_id=az.pk, status="in_progress", note="Yalnız qeyd", user=staff)  # no change
    progress_record(recommendation_id=ge.pk, status="implemented", user=staff)
    return {"az": az, "ge": ge}


def feed_entries(response):
    root = ET.fromstring(response.content)  # noqa: S314 - the app's own feed, not untrusted input
    return root.findall(f"{ATOM}entry")


def test_the_feed_carries_status_changes_only_and_no_private_data(changes):
    response = Client().get("/feeds/changes/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = feed_entries(response)
    assert len(entries) == 2  # the note-only entry is not a status change
    xml = response.content.decode()
    for secret in (NOTE, "Yalnız qeyd", "Gizli sübut", "https://x.az/", "gizli.işçi"):
        assert secret not in xml
    assert "<author>" not in xml
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert f"Tövsiyə {changes['az'].pk}: Qiymətləndirilməyib → İcra olunur" in titles


def test_the_feed_takes_the_list_filters(changes):
    entries = feed_entries(Client().get("/feeds/changes/", {"country": "AZ", "area": "enforcement"}))
    assert len(entries) == 1
    assert f"/recommendations/{changes['az'].pk}/" in entries[0].find(f"{ATOM}link").get("href")
    bad = Client().get("/feeds/changes/", {"country": "XX"})
    assert bad.status_code == 400 and "country" in bad.content.decode()


def test_the_feed_summary_is_plain_text_so_markup_in_a_document_is_shown_not_run(db):
    """Issue 30 §4: as `type="html"` a reader rendered `<img onerror=…>` from an imported
    document, and `<`/`&` came out garbled; as text they read as stored."""
    action = 'Qanunu dəyişin <img src=x onerror="alert(1)"> ki, a < b & c olsun.'
    recommendation = RecommendationFactory(action=action, source=SourceFactory(title="Hesabat <b>2024</b> & əlavə"))
    progress_record(recommendation_id=recommendation.pk, status="in_progress", user=UserFactory(role="ngo_staff"))
    (entry,) = feed_entries(Client().get("/feeds/changes/"))
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert action in summary.text
    assert "Hesabat <b>2024</b> & əlavə" in summary.text
