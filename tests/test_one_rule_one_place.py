"""Issue 31 §1: rules that lived in one client now live in the service every client calls, so
the API, the pages and the admin refuse the same things the same way."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.utils import timezone

from recommendations.models import ChangeRecord, Evidence, ProgressUpdate
from recommendations.progress import timeline
from recommendations.progress.services import progress_record

from .admin_forms import admin_client, open_form, submit
from .factories import RecommendationFactory, UserFactory


def test_the_api_refuses_a_progress_entry_that_records_nothing(client_for, recommendation):
    staff = client_for("ngo_staff")
    url = f"/api/v1/recommendations/{recommendation.pk}/progress/"

    response = staff.post(url, {"status": recommendation.status}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400, response.content
    assert "Nothing to record" in str(response.json()["status"])
    assert not ProgressUpdate.objects.exists()
    # A note, or a change of status, is something to record.
    assert (
        staff.post(url, {"status": recommendation.status, "note": "Görüş keçirildi."}, format="json").status_code == 201
    )
    assert staff.post(url, {"status": "in_progress"}, format="json").status_code == 201


def test_the_recommendation_page_tells_before_through_the_timeline_rule(monkeypatch, recommendation):
    staff = UserFactory(role="ngo_staff")
    update = progress_record(recommendation_id=recommendation.pk, status="in_progress", user=staff)
    calls = []

    def befores(entries):
        calls.append([entry.id for entry in entries])
        return {entry.id: "implemented" for entry in entries}

    monkeypatch.setattr(timeline, "befores", befores)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)

    response = client.get(f"/recommendations/{recommendation.pk}/")

    assert calls == [[update.pk]]
    (entry,) = response.context["timeline"]
    assert entry["status_before"] == "implemented"


def test_a_lone_note_in_the_admin_is_refused_beside_the_note_not_dropped(db):
    recommendation = RecommendationFactory()
    admin = admin_client(UserFactory(role="admin"))
    url = f"/admin/recommendations/recommendation/{recommendation.pk}/change/"
    records_before = ChangeRecord.objects.count()

    response = submit(admin, url, {**open_form(admin, url), "change_note": "Nazirliklə danışıldı."})

    assert response.status_code == 200, response.status_code
    errors = response.context["adminform"].form.errors
    assert "A note is kept with a status change or a field edit" in str(errors.get("change_note")), errors
    assert not LogEntry.objects.exists()
    assert ChangeRecord.objects.count() == records_before
    assert not ProgressUpdate.objects.exists()


def test_a_note_with_a_field_edit_in_the_admin_is_kept_on_its_history_row(db):
    recommendation = RecommendationFactory()
    admin = admin_client(UserFactory(role="admin"))
    url = f"/admin/recommendations/recommendation/{recommendation.pk}/change/"

    response = submit(admin, url, {**open_form(admin, url), "priority": "on", "change_note": "Prioritetdir."})

    assert response.status_code == 302
    assert ChangeRecord.objects.filter(object_id=recommendation.pk, message="Prioritetdir.").exists()


def test_the_api_refuses_a_lone_note_through_the_service(client_for, recommendation):
    response = client_for("admin").patch(
        f"/api/v1/recommendations/{recommendation.pk}/",
        {"note": "Yalnız qeyd."},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "A note is kept with a status change" in str(response.json()["note"])


@pytest.mark.parametrize("link", ["ftp://example.org/report.pdf", "javascript:alert(1)"])
def test_the_admin_refuses_an_evidence_link_that_is_not_http(db, link):
    recommendation = RecommendationFactory()
    admin = admin_client(UserFactory(role="admin"))
    url = "/admin/recommendations/evidence/add/"
    data = {
        **open_form(admin, url),
        "recommendation": str(recommendation.pk),
        "title": "Hesabat",
        "kind": "link",
        "url": link,
        "evidence_date": timezone.localdate().isoformat(),
    }

    response = submit(admin, url, data)

    assert response.status_code == 200, response.status_code
    errors = response.context["adminform"].form.errors
    assert "Only http and https links are accepted." in str(errors.get("url")), errors
    assert not Evidence.objects.exists()


def test_the_api_and_the_page_refuse_an_ftp_link_with_the_same_words(client_for, recommendation):
    response = client_for("ngo_staff").post(
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        {"kind": "link", "title": "Hesabat", "url": "ftp://example.org/a.pdf"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["url"] == ["Only http and https links are accepted."]

    staff = UserFactory(role="ngo_staff")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    page = client.post(
        f"/recommendations/{recommendation.pk}/progress/",
        {
            "status": "in_progress",
            "occurred_on": datetime.date.today().isoformat(),
            "note": "",
            "version": str(recommendation.version),
            "opened_at": timezone.now().isoformat(),
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-MIN_NUM_FORMS": "0",
            "evidence-MAX_NUM_FORMS": "20",
            "evidence-0-title": "",
            "evidence-0-url": "ftp://example.org/a.pdf",
            "evidence-0-excerpt": "",
        },
    )
    assert page.status_code == 400
    assert "Only http and https links are accepted." in page.content.decode()
    assert not ProgressUpdate.objects.exists()
