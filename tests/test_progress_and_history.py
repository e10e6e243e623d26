"""Status changes: one progress row and one history row, written together or not at all, and
refused when the client's copy is stale."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from recommendations.history import services as history_services
from recommendations.models import ChangeRecord, ProgressUpdate, Recommendation

from .factories import RecommendationFactory, ResponsibleBodyFactory


def detail_url(recommendation) -> str:
    return f"/api/v1/recommendations/{recommendation.pk}/"


def progress_url(recommendation) -> str:
    return f"/api/v1/recommendations/{recommendation.pk}/progress/"


def history_url(recommendation) -> str:
    return f"/api/v1/recommendations/{recommendation.pk}/history/"


def stored_state(recommendation) -> dict:
    """Everything a failed or refused write must leave untouched."""
    row = Recommendation.objects.get(pk=recommendation.pk)
    return {
        "status": row.status,
        "status_changed_at": row.status_changed_at,
        "version": row.version,
        "action": row.action,
        "year_start": row.year_start,
        "year_end": row.year_end,
        "area": row.area,
        "progress": list(ProgressUpdate.objects.filter(recommendation=row).values_list("pk", flat=True)),
        "history": list(ChangeRecord.objects.filter(object_id=row.pk).values_list("pk", flat=True)),
    }


def history_rows(recommendation):
    return ChangeRecord.objects.filter(
        object_type__model="recommendation", object_id=recommendation.pk, action=ChangeRecord.Action.UPDATE
    )


@pytest.mark.parametrize("role", ["ngo_staff", "admin"])
def test_status_change_writes_one_progress_row_and_one_history_row(client_for, users, recommendation, role):
    before = stored_state(recommendation)
    response = client_for(role).post(
        progress_url(recommendation),
        {"status": "in_progress", "note": "Nazirlik işçi qrupu yaratdı.", "occurred_on": "2024-03-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status_before"] == "not_assessed"
    assert body["status_after"] == "in_progress"
    assert body["note"] == "Nazirlik işçi qrupu yaratdı."
    assert body["occurred_on"] == "2024-03-01"
    assert body["author_username"] == users[role].username

    progress = ProgressUpdate.objects.filter(recommendation=recommendation)
    assert progress.count() == len(before["progress"]) + 1
    (change,) = history_rows(recommendation)
    assert change.before == {"status": "not_assessed", "status_changed_at": change.before["status_changed_at"]}
    assert change.after["status"] == "in_progress"
    assert change.username == users[role].username

    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert stored.status == "in_progress"
    # The status holds since the day the progress happened (progress/timeline.py).
    assert timezone.localtime(stored.status_changed_at) == timezone.make_aware(datetime.datetime(2024, 3, 1))
    assert (
        response["ETag"]
        == f'"r{recommendation.pk}v{stored.version}-az"'
        != f'"r{recommendation.pk}v{before["version"]}-az"'
    )

    history = client_for("analyst").get(history_url(recommendation)).json()["results"]
    assert [row["action"] for row in history] == ["create", "update"]
    assert history[-1]["after"]["status"] == "in_progress"
    log = client_for("analyst").get(progress_url(recommendation)).json()["results"]
    assert [row["id"] for row in log] == [body["id"]]


def test_progress_without_a_date_happened_today(client_for, recommendation):
    response = client_for("ngo_staff").post(progress_url(recommendation), {"status": "not_started"}, format="json")
    assert response.status_code == 201
    assert response.json()["occurred_on"] == timezone.localdate().isoformat()


def test_reporting_the_same_status_logs_progress_without_a_status_history_row(client_for, recommendation):
    client = client_for("ngo_staff")
    client.post(progress_url(recommendation), {"status": "in_progress"}, format="json")
    response = client.post(progress_url(recommendation), {"status": "in_progress", "note": "Davam edir"}, format="json")
    assert response.status_code == 201
    assert ProgressUpdate.objects.filter(recommendation=recommendation).count() == 2
    assert history_rows(recommendation).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "done"}, "status"),
        ({}, "status"),
        ({"status": "in_progress", "occurred_on": "2024-02-30"}, "occurred_on"),
        ({"status": "in_progress", "occurred_on": "yesterday"}, "occurred_on"),
        ({"status": "in_progress", "note": "x" * 20001}, "note"),
    ],
)
def test_bad_progress_is_a_400_naming_the_field_and_stores_nothing(client_for, recommendation, body, field):
    before = stored_state(recommendation)
    response = client_for("ngo_staff").post(progress_url(recommendation), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert stored_state(recommendation) == before


def test_progress_dated_in_the_future_is_refused(client_for, recommendation):
    before = stored_state(recommendation)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for("ngo_staff").post(
        progress_url(recommendation), {"status": "in_progress", "occurred_on": tomorrow.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert "occurred_on" in response.json()
    assert stored_state(recommendation) == before


def test_progress_on_a_missing_recommendation_is_a_404(client_for, db):
    response = client_for("ngo_staff").post(
        "/api/v1/recommendations/999999/progress/", {"status": "in_progress"}, format="json"
    )
    assert response.status_code == 404


def test_status_change_is_atomic_when_the_history_write_fails(client_for, recommendation, monkeypatch):
    before = stored_state(recommendation)

    def failing_history_write(**kwargs):
        raise IntegrityError("history table refused the row")

    monkeypatch.setattr(history_services, "change_record_create", failing_history_write)
    response = client_for("ngo_staff").post(
        progress_url(recommendation), {"status": "implemented", "note": "Tamamlandı"}, format="json"
    )
    assert response.status_code == 409
    assert stored_state(recommendation) == before


def test_ngo_status_patch_is_atomic_when_the_history_write_fails(client_for, recommendation, monkeypatch):
    before = stored_state(recommendation)
    monkeypatch.setattr(
        history_services, "change_record_create", lambda **kwargs: (_ for _ in ()).throw(IntegrityError("refused"))
    )
    response = client_for("ngo_staff").patch(detail_url(recommendation), {"status": "implemented"}, format="json")
    assert response.status_code == 409
    assert stored_state(recommendation) == before


def test_detail_has_an_etag_that_changes_with_every_write(client_for, recommendation):
    client = client_for("ngo_staff")
    first = client.get(detail_url(recommendation))
    assert first.status_code == 200
    assert first["ETag"] == first.json()["etag"]
    client.post(progress_url(recommendation), {"status": "in_progress"}, format="json")
    second = client.get(detail_url(recommendation))
    assert second["ETag"] != first["ETag"]


@pytest.mark.parametrize(
    ("method", "path", "body", "role"),
    [
        ("post", progress_url, {"status": "implemented", "note": "Köhnə məlumatla"}, "ngo_staff"),
        ("patch", detail_url, {"status": "implemented", "note": "Köhnə məlumatla"}, "ngo_staff"),
        ("patch", detail_url, {"action": "Köhnə nüsxə əsasında dəyişiklik"}, "admin"),
        ("patch", detail_url, {"status": "implemented"}, "admin"),
    ],
)
def test_stale_if_match_is_a_412_with_the_current_etag_and_changes_nothing(
    client_for, recommendation, method, path, body, role
):
    client = client_for(role)
    stale_etag = client.get(detail_url(recommendation))["ETag"]
    # Someone else records progress meanwhile.
    client_for("ngo_staff").post(progress_url(recommendation), {"status": "in_progress"}, format="json")
    current_etag = client.get(detail_url(recommendation))["ETag"]
    before = stored_state(recommendation)

    response = getattr(client, method)(path(recommendation), body, format="json", HTTP_IF_MATCH=stale_etag)
    assert response.status_code == 412
    assert response["ETag"] == current_etag
    assert stored_state(recommendation) == before

    retried = getattr(client, method)(path(recommendation), body, format="json", HTTP_IF_MATCH=current_etag)
    assert retried.status_code in (200, 201), retried.content
    assert retried["ETag"] != current_etag


@pytest.mark.parametrize("if_match", ['"r999999v1"', '"garbage"', 'W/"r{pk}v0"'])
def test_if_match_for_another_object_never_matches(client_for, recommendation, if_match):
    before = stored_state(recommendation)
    response = client_for("ngo_staff").post(
        progress_url(recommendation),
        {"status": "implemented"},
        format="json",
        HTTP_IF_MATCH=if_match.format(pk=recommendation.pk),
    )
    assert response.status_code == 412
    assert stored_state(recommendation) == before


def test_if_match_star_is_accepted_and_a_weak_current_etag_is_not(client_for, recommendation):
    """If-Match compares strongly: a weak tag never matches, even the current version's."""
    client = client_for("ngo_staff")
    response = client.post(progress_url(recommendation), {"status": "not_started"}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 201
    current = response["ETag"]
    before = stored_state(recommendation)
    response = client.post(
        progress_url(recommendation), {"status": "in_progress"}, format="json", HTTP_IF_MATCH="W/" + current
    )
    assert response.status_code == 412
    assert stored_state(recommendation) == before
    response = client.post(
        progress_url(recommendation), {"status": "in_progress"}, format="json", HTTP_IF_MATCH=current
    )
    assert response.status_code == 201


def test_ngo_staff_patch_of_status_goes_through_the_progress_log(client_for, users, recommendation):
    response = client_for("ngo_staff").patch(
        detail_url(recommendation), {"status": "partially_implemented", "note": "Qismən icra olunub"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "partially_implemented"
    assert response["ETag"] == Recommendation.objects.get(pk=recommendation.pk).etag[:-1] + '-az"'
    (update,) = ProgressUpdate.objects.filter(recommendation=recommendation)
    assert (update.status_before, update.status_after) == ("not_assessed", "partially_implemented")
    assert update.note == "Qismən icra olunub"
    assert update.author == users["ngo_staff"]
    assert history_rows(recommendation).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"action": "Başqa mətn"},
        {"status": "in_progress", "year_start": 2000},
        {"area": "prevention"},
        {"priority": True},
        {"status": "in_progress", "responsible_bodies": []},
    ],
)
def test_ngo_staff_may_patch_only_status_and_note(client_for, recommendation, body):
    before = stored_state(recommendation)
    response = client_for("ngo_staff").patch(detail_url(recommendation), body, format="json")
    assert response.status_code == 400
    forbidden = set(body) - {"status"}
    assert forbidden <= set(response.json()), response.json()
    assert stored_state(recommendation) == before


def test_admin_patch_of_fields_leaves_history_with_before_and_after(client_for, users, recommendation):
    body_a, body_b = ResponsibleBodyFactory(), ResponsibleBodyFactory()
    response = client_for("admin").patch(
        detail_url(recommendation),
        {
            "action": "Əmək müfəttişliyinin səlahiyyətlərini bərpa edin.",
            "area": "legal_framework",
            "year_start": 2012,
            "responsible_bodies": [body_a.pk, body_b.pk],
            "note": "Mətn hesabatla tutuşduruldu",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["action"] == "Əmək müfəttişliyinin səlahiyyətlərini bərpa edin."
    assert {body["id"] for body in response.json()["responsible_bodies"]} == {body_a.pk, body_b.pk}

    (change,) = history_rows(recommendation)
    assert change.user == users["admin"]
    assert change.username == users["admin"].username
    assert change.message == "Mətn hesabatla tutuşduruldu"
    assert change.before == {
        "action": recommendation.action,
        "area": "enforcement",
        "year_start": 2014,
        "responsible_bodies": [],
    }
    assert change.after == {
        "action": "Əmək müfəttişliyinin səlahiyyətlərini bərpa edin.",
        "area": "legal_framework",
        "year_start": 2012,
        "responsible_bodies": sorted([body_a.pk, body_b.pk]),
    }
    # Editing fields is not progress.
    assert not ProgressUpdate.objects.filter(recommendation=recommendation).exists()

    history = client_for("analyst").get(history_url(recommendation)).json()["results"]
    assert history[-1]["before"]["area"] == "enforcement"
    assert history[-1]["after"]["area"] == "legal_framework"
    assert history[-1]["username"] == users["admin"].username


def test_admin_patch_with_status_also_logs_progress(client_for, recommendation):
    response = client_for("admin").patch(
        detail_url(recommendation),
        {"priority": True, "status": "implemented", "note": "Qanun qəbul edildi"},
        format="json",
    )
    assert response.status_code == 200, response.content
    (update,) = ProgressUpdate.objects.filter(recommendation=recommendation)
    assert update.status_after == "implemented"
    assert update.note == "Qanun qəbul edildi"
    changes = list(history_rows(recommendation))
    assert [set(change.after) for change in changes] == [{"priority"}, {"status", "status_changed_at"}]


def test_admin_patch_that_changes_nothing_leaves_no_history(client_for, recommendation):
    response = client_for("admin").patch(detail_url(recommendation), {"area": "enforcement"}, format="json")
    assert response.status_code == 200
    assert not history_rows(recommendation).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"area": "nope"}, "area"),
        ({"year_start": "abc"}, "year_start"),
        ({"year_end": 1800}, "year_end"),
        ({"action": ""}, "action"),
        ({"responsible_bodies": [999999]}, "responsible_bodies"),
        ({"status": "done"}, "status"),
        ({"repeats": 999999}, "repeats"),
        ({"version": 99}, "version"),
        ({"acton": "Yazı səhvi ilə sahə"}, "acton"),
        ({"source": "tip-2022-az"}, "source"),
        ({"status_changed_at": "2020-01-01T00:00:00Z"}, "status_changed_at"),
    ],
)
def test_bad_admin_patch_is_a_400_naming_the_field(client_for, recommendation, body, field):
    before = stored_state(recommendation)
    response = client_for("admin").patch(detail_url(recommendation), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert stored_state(recommendation) == before


def test_admin_patch_of_position_onto_an_existing_one_is_a_clear_error(client_for, recommendation):
    other = RecommendationFactory(source=recommendation.source)
    before = stored_state(recommendation)
    response = client_for("admin").patch(detail_url(recommendation), {"position": other.position}, format="json")
    assert response.status_code in (400, 409)
    assert stored_state(recommendation) == before
