"""Invariants the database keeps even when application code is bypassed."""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, connection, transaction

from recommendations.append_only import AppendOnlyError
from recommendations.choices import EvidenceKind, Status
from recommendations.history.selectors import recommendation_history
from recommendations.models import ChangeRecord, Evidence, ProgressUpdate, Recommendation
from recommendations.progress import services as progress_services

from .factories import RecommendationFactory, SourceFactory


def refused_by_database(statement) -> bool:
    """Run a write in its own savepoint; True when the database refused it."""
    try:
        with transaction.atomic():
            statement()
    except DatabaseError:
        return True
    return False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year_start": 2016}, "year_end"),
        ({"year_end": 2013}, "year_end"),
        ({"year_start": 2020, "year_end": 2019}, "year_end"),
    ],
)
def test_api_refuses_year_start_after_year_end(client_for, recommendation, body, field):
    response = client_for("admin").patch(f"/api/v1/recommendations/{recommendation.pk}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert (stored.year_start, stored.year_end) == (2014, 2015)


def test_api_accepts_a_single_year(client_for, recommendation):
    response = client_for("admin").patch(
        f"/api/v1/recommendations/{recommendation.pk}/", {"year_start": 2015, "year_end": 2015}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["year_start"], response.json()["year_end"]) == (2015, 2015)


def test_service_refuses_year_start_after_year_end(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        RecommendationFactory(year_start=2016, year_end=2015)
    assert not Recommendation.objects.exists()


def test_database_refuses_year_start_after_year_end_on_update(recommendation):
    assert refused_by_database(
        lambda: Recommendation.objects.filter(pk=recommendation.pk).update(year_start=2016, year_end=2015)
    )
    assert Recommendation.objects.get(pk=recommendation.pk).year_start == 2014


def test_database_refuses_year_start_after_year_end_on_insert(db):
    source = SourceFactory()
    row = Recommendation(
        source=source, country=source.country, action="Tərs illər", year_start=2016, year_end=2011, position=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.bulk_create([row])
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize(("column", "value"), [("area", "nope"), ("status", "done")])
def test_database_refuses_unknown_vocabulary(recommendation, column, value):
    assert refused_by_database(lambda: Recommendation.objects.filter(pk=recommendation.pk).update(**{column: value}))


@pytest.fixture
def logged(recommendation, users):
    """A recommendation with one progress update and its history rows."""
    update = progress_services.progress_record(
        recommendation_id=recommendation.pk, status=Status.IN_PROGRESS, note="İlkin qeyd", user=users["ngo_staff"]
    )
    return {"update": update, "change": ChangeRecord.objects.filter(object_id=recommendation.pk).last()}


@pytest.mark.parametrize(
    ("model", "key", "changes"),
    [
        (ProgressUpdate, "update", {"note": "Sonradan dəyişdirilmiş qeyd"}),
        (ProgressUpdate, "update", {"status_after": Status.IMPLEMENTED}),
        (ProgressUpdate, "update", {"author_username": "başqası"}),
        (ProgressUpdate, "update", {"author": None, "note": "gizlicə"}),
        (ChangeRecord, "change", {"after": {"status": "implemented"}}),
        (ChangeRecord, "change", {"username": "başqası"}),
        (ChangeRecord, "change", {"message": "yenidən yazılıb"}),
    ],
)
def test_append_only_rows_cannot_be_updated_even_past_the_orm_guard(logged, model, key, changes):
    # The base manager skips the model's append-only queryset, so this reaches the database.
    row = logged[key]
    assert refused_by_database(lambda: model._base_manager.filter(pk=row.pk).update(**changes))
    stored = model.objects.get(pk=row.pk)
    for name in changes:
        assert getattr(stored, name) == getattr(row, name)


def test_append_only_rows_cannot_be_saved_over(logged):
    update = logged["update"]
    update.note = "save() ilə dəyişiklik"
    with pytest.raises(AppendOnlyError):
        update.save()
    assert ProgressUpdate.objects.get(pk=update.pk).note == "İlkin qeyd"


@pytest.mark.parametrize(
    ("table", "key", "assignment"),
    [
        ("recommendations_progressupdate", "update", "note = 'raw SQL'"),
        ("recommendations_progressupdate", "update", "occurred_on = '2000-01-01'"),
        ("recommendations_changerecord", "change", "username = 'raw SQL'"),
    ],
)
def test_append_only_rows_cannot_be_updated_with_raw_sql(logged, table, key, assignment):
    def raw_update():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {assignment} WHERE id = %s", [logged[key].pk])  # noqa: S608

    assert refused_by_database(raw_update)


@pytest.mark.parametrize(
    ("model", "table", "key"),
    [
        (ProgressUpdate, "recommendations_progressupdate", "update"),
        (ChangeRecord, "recommendations_changerecord", "change"),
    ],
)
def test_append_only_rows_cannot_be_deleted_on_postgresql(logged, model, table, key):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite guards only UPDATE: its test-database flush deletes rows one table at a time")
    row = logged[key]
    assert refused_by_database(lambda: model._base_manager.filter(pk=row.pk)._raw_delete(connection.alias))

    def raw_delete():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row.pk])  # noqa: S608

    assert refused_by_database(raw_delete)
    assert model.objects.filter(pk=row.pk).exists()


def test_deleting_a_user_keeps_their_rows_with_the_copied_username(client_for, users, recommendation):
    author = users["ngo_staff"]
    username = author.username
    client = client_for("ngo_staff")
    response = client.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/",
        {"status": "in_progress", "note": "Müəllif sonra silinəcək"},
        format="json",
    )
    assert response.status_code == 201
    response = client.post(
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        {"kind": EvidenceKind.LINK, "title": "Mənbə", "url": "https://example.org/a"},
        format="json",
    )
    assert response.status_code == 201

    get_user_model().objects.filter(pk=author.pk).delete()

    (update,) = ProgressUpdate.objects.filter(recommendation=recommendation)
    assert update.author is None
    assert update.author_username == username
    assert update.note == "Müəllif sonra silinəcək"
    # The status change and the evidence (a row of the evidence, related to the recommendation).
    changes = recommendation_history(recommendation).filter(username=username)
    assert changes.count() == 2
    assert all(change.user is None for change in changes)
    (evidence,) = Evidence.objects.filter(recommendation=recommendation)
    assert evidence.added_by is None and evidence.added_by_username == username

    log = client_for("analyst").get(f"/api/v1/recommendations/{recommendation.pk}/progress/").json()["results"]
    assert log[0]["author_username"] == username
    history = client_for("analyst").get(f"/api/v1/recommendations/{recommendation.pk}/history/").json()["results"]
    assert [row["username"] for row in history][-2:] == [username, username]
