"""The progress log and the change history are the record NGOs and analysts rely on: no API
route, admin page or service may change or remove a row of them, and they outlive the users
who wrote them."""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from recommendations.append_only import AppendOnlyError
from recommendations.catalog import services as catalog_services
from recommendations.choices import EvidenceKind, Status
from recommendations.evidence import services as evidence_services
from recommendations.models import ChangeRecord, Evidence, ProgressUpdate, Recommendation
from recommendations.progress import services as progress_services
from recommendations.users import services as users_services

from .factories import RecommendationFactory, UserFactory

ROLES = ("anonymous", "analyst", "ngo_staff", "admin")


def audit_rows() -> dict[str, list[dict]]:
    """Every column of every progress and history row, in id order."""
    return {
        "progress": [dict(row) for row in ProgressUpdate.objects.order_by("id").values()],
        "history": [dict(row) for row in ChangeRecord.objects.order_by("id").values()],
    }


@pytest.fixture
def logged(db, users):
    """A recommendation with a progress row and history rows made through the API."""
    recommendation = RecommendationFactory()
    staff = APIClient()
    staff.force_authenticate(users["ngo_staff"])
    progress = staff.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/",
        {"status": Status.IN_PROGRESS, "note": "Nazirlik layihəyə başladı."},
        format="json",
    )
    assert progress.status_code == 201
    history = ChangeRecord.objects.filter(object_id=recommendation.pk).order_by("id").last()
    return {"recommendation": recommendation.pk, "progress": progress.json()["id"], "history": history.pk}


def audit_urls(logged) -> list[str]:
    rec = logged["recommendation"]
    return [
        f"/api/v1/recommendations/{rec}/progress/",
        f"/api/v1/recommendations/{rec}/progress/{logged['progress']}/",
        f"/api/v1/recommendations/{rec}/history/",
        f"/api/v1/recommendations/{rec}/history/{logged['history']}/",
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_no_api_route_changes_or_removes_audit_rows(role, method, logged, users):
    client = APIClient()
    if users[role] is not None:
        client.force_authenticate(users[role])
    before = audit_rows()
    for url in audit_urls(logged):
        response = getattr(client, method)(url, {"note": "rewritten", "status_after": "implemented"}, format="json")
        assert response.status_code in (401, 403, 404, 405), (url, response.status_code)
        if role == "admin" and url.endswith(("/progress/", "/history/")):
            assert response.status_code == 405  # even the most trusted role: the method does not exist
    assert audit_rows() == before


def test_history_cannot_be_posted_to(logged, users):
    client = APIClient()
    client.force_authenticate(users["admin"])
    before = audit_rows()
    response = client.post(
        f"/api/v1/recommendations/{logged['recommendation']}/history/", {"action": "delete"}, format="json"
    )
    assert response.status_code == 405
    assert audit_rows() == before


@pytest.mark.parametrize("model_name", ["progressupdate", "changerecord"])
def test_admin_refuses_to_add_change_or_delete_audit_rows(model_name, logged, users):
    admin = Client()
    admin.force_login(users["admin"])  # a superuser: only the model admin's own rules stop it
    row = logged["progress"] if model_name == "progressupdate" else logged["history"]
    base = f"/admin/recommendations/{model_name}/"
    before = audit_rows()

    change_page = admin.get(f"{base}{row}/change/")
    assert change_page.status_code == 200  # readable ...
    assert b'name="_save"' not in change_page.content  # ... but offers no save
    assert admin.post(f"{base}{row}/change/", {"note": "rewritten", "message": "x"}).status_code == 403
    assert admin.get(f"{base}{row}/delete/").status_code == 403
    assert admin.post(f"{base}{row}/delete/", {"post": "yes"}).status_code == 403
    assert admin.get(f"{base}add/").status_code == 403
    bulk = admin.post(base, {"action": "delete_selected", "_selected_action": [row], "post": "yes"})
    assert bulk.status_code in (200, 302, 403)
    assert audit_rows() == before


def test_admin_recommendation_page_shows_the_log_read_only(logged, users):
    admin = Client()
    admin.force_login(users["admin"])
    page = admin.get(f"/admin/recommendations/recommendation/{logged['recommendation']}/change/").content.decode()
    assert "Nazirlik layihəyə başladı." in page
    assert 'name="progress_updates-0-note"' not in page
    assert 'name="progress_updates-0-DELETE"' not in page


def test_every_service_leaves_existing_audit_rows_untouched(logged, users, tmp_path):
    """Run each write the product has; rows already in the log and history stay as they were."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = users["admin"]
    recommendation_id = logged["recommendation"]
    before = audit_rows()

    progress_services.progress_record(
        recommendation_id=recommendation_id, status=Status.IMPLEMENTED, note="Bitdi", user=admin
    )
    catalog_services.recommendation_update(
        recommendation_id=recommendation_id,
        data={"priority": True, "year_start": 2011, "status": Status.PARTIALLY_IMPLEMENTED},
        note="Düzəliş",
        user=admin,
    )
    recommendation = Recommendation.objects.get(pk=recommendation_id)
    catalog_services.source_update(source_id=recommendation.source_id, data={"title": "Yeni ad"}, user=admin)
    link = evidence_services.evidence_add(
        recommendation_id=recommendation_id,
        kind=EvidenceKind.LINK,
        title="Xəbər",
        url="https://example.org/xeber",
        user=admin,
        progress_update_id=logged["progress"],
    )
    evidence_services.evidence_add(
        recommendation_id=recommendation_id,
        kind=EvidenceKind.FILE,
        title="Sənəd",
        file=SimpleUploadedFile("sened.txt", "Mətn".encode()),
        user=admin,
    )
    evidence_services.evidence_delete(evidence_id=link.pk, user=admin)
    catalog_services.recommendation_create(
        source=recommendation.source, action="Yeni tövsiyə", year_start=2014, year_end=2015, position=999, user=admin
    )
    users_services.user_create(username="yeni_analitik", role="analyst", password="uzun və çətin parol 2024")

    after = audit_rows()
    for table in ("progress", "history"):
        assert after[table][: len(before[table])] == before[table]
        assert len(after[table]) > len(before[table])


def test_orm_refuses_to_change_or_remove_audit_rows(logged):
    progress = ProgressUpdate.objects.get(pk=logged["progress"])
    history = ChangeRecord.objects.get(pk=logged["history"])
    before = audit_rows()
    for row in (progress, history):
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
        manager = type(row).objects
        with pytest.raises(AppendOnlyError):
            manager.filter(pk=row.pk).update(pk=row.pk)
        with pytest.raises(AppendOnlyError):
            manager.filter(pk=row.pk).delete()
        with pytest.raises(AppendOnlyError):
            manager.bulk_update([row], ["pk"])
    assert audit_rows() == before


def test_database_refuses_updates_that_bypass_the_orm(logged):
    """Below the ORM (raw SQL, another tool), a trigger refuses any change but clearing the user."""
    before = audit_rows()
    for table, column, row in (
        ("recommendations_progressupdate", "note", logged["progress"]),
        ("recommendations_changerecord", "message", logged["history"]),
    ):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = 'rewritten' WHERE id = %s", [row])  # noqa: S608
    assert audit_rows() == before


@pytest.mark.postgres
def test_database_refuses_deletes_that_bypass_the_orm(logged):
    before = audit_rows()
    for table, row in (
        ("recommendations_progressupdate", logged["progress"]),
        ("recommendations_changerecord", logged["history"]),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row])  # noqa: S608
    assert audit_rows() == before


@pytest.mark.parametrize("how", ["orm", "admin"])
def test_deleting_a_user_keeps_their_history_under_the_copied_name(how, db, users):
    author = UserFactory(role="ngo_staff", username="leyla.mammadova")
    recommendation = RecommendationFactory()
    staff = APIClient()
    staff.force_authenticate(author)
    staff.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/",
        {"status": Status.NOT_STARTED, "note": "Heç nə edilməyib."},
        format="json",
    )
    staff.post(
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        {"kind": "excerpt", "title": "Hesabatdan", "excerpt": "Sitat"},
        format="json",
    )
    progress_ids = list(ProgressUpdate.objects.filter(author=author).values_list("id", flat=True))
    history_ids = list(ChangeRecord.objects.filter(user=author).values_list("id", flat=True))
    assert progress_ids and history_ids

    if how == "orm":
        author.delete()
    else:
        admin = Client()
        admin.force_login(users["admin"])
        response = admin.post(f"/admin/auth/user/{author.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
    assert not get_user_model().objects.filter(username="leyla.mammadova").exists()

    for row in ProgressUpdate.objects.filter(id__in=progress_ids):
        assert (row.author_id, row.author_username) == (None, "leyla.mammadova")
    for row in ChangeRecord.objects.filter(id__in=history_ids):
        assert (row.user_id, row.username) == (None, "leyla.mammadova")
    assert Evidence.objects.get(recommendation=recommendation).added_by_username == "leyla.mammadova"
    analyst = APIClient()
    analyst.force_authenticate(users["analyst"])
    log = analyst.get(f"/api/v1/recommendations/{recommendation.pk}/progress/").json()["results"]
    assert [row["author_username"] for row in log] == ["leyla.mammadova"]
    history = analyst.get(f"/api/v1/recommendations/{recommendation.pk}/history/").json()["results"]
    assert "leyla.mammadova" in [row["username"] for row in history]
