"""Measures through their services: a government action linked to recommendations of several
reports, its own status and progress log under the timeline rule, and one submission that
records its progress, a status on each recommendation it answers and the evidence once — or
nothing at all. Also the bulk entry on several recommendations, and the history both sides keep."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.http import QueryDict

from recommendations.analytics.exports import recommendation_export_values
from recommendations.evidence.selectors import evidence_by_recommendation, recommendation_evidence
from recommendations.history.readable import readable_history
from recommendations.history.selectors import measure_history, recommendation_history
from recommendations.listing import selectors
from recommendations.measures.models import Measure, MeasureLink
from recommendations.measures.services import (
    LinkedStatus,
    measure_delete,
    measure_link_remove,
    measure_links_add,
    measure_progress_record,
    measure_update,
)
from recommendations.models import ChangeRecord, Evidence, ProgressUpdate, Recommendation
from recommendations.progress.bulk import RecommendationRefused, RecommendationStale, progress_record_many
from recommendations.progress.log import entries_of_recommendations, entry_rows
from recommendations.progress.services import EvidenceItem, StaleVersion, progress_record
from tests.jobs import queued_tasks

from .factories import MeasureFactory, RecommendationFactory, SourceFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MAIL_TASK = "recommendations.notifications.tasks.status_change_mail"
NOTE = "Milli Fəaliyyət Planı Nazirlər Kabinetinin qərarı ilə təsdiqləndi (ə, ı, İ, ş, ğ, ö, ü, ç)."


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def stored_files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def pdf(name="Milli Fəaliyyət Planı 2020-2024.pdf") -> EvidenceItem:
    return EvidenceItem(kind="file", title=name, file=SimpleUploadedFile(name, PDF))


@pytest.fixture
def world(db):
    """Three recommendations of two reports (DOL 2019 and TIP 2022), a staff member, an analyst."""
    dol = SourceFactory(slug="dol-2019-az", report_year=2019)
    tip = SourceFactory(slug="tip-2022-az", kind="tip", report_year=2022)
    return {
        "staff": UserFactory(username="aysel", role="ngo_staff"),
        "analyst": UserFactory(username="elvin", role="analyst"),
        "first": RecommendationFactory(source=dol, year_start=2018, year_end=2019),
        "second": RecommendationFactory(source=dol, year_start=2019, year_end=2019),
        "third": RecommendationFactory(source=tip, area="protection", year_start=2021, year_end=2022),
        "other": RecommendationFactory(source=tip, area="prevention", year_start=2022, year_end=2022),
    }


@pytest.fixture
def measure(world):
    return MeasureFactory(
        recommendations=[world["first"], world["second"], world["third"]],
        user=world["staff"],
        start_on=datetime.date(2020, 1, 1),
        end_on=datetime.date(2024, 12, 31),
    )


def test_a_measure_links_recommendations_of_several_reports_and_each_side_has_its_history(world, measure):
    linked = [world["first"], world["second"], world["third"]]
    assert sorted(measure.recommendations.values_list("pk", flat=True)) == sorted(r.pk for r in linked)
    created = measure_history(measure).get(action=ChangeRecord.Action.CREATE)
    assert created.after["recommendations"] == sorted(r.pk for r in linked)
    assert created.username == "aysel"
    for recommendation in linked:
        # Its history says which measure answers it; its version moved (its detail lists measures).
        rows = readable_history(recommendation_history(recommendation).exclude(object_type__model="recommendation"))
        assert [(change.label, change.before, change.after) for _record, changes in rows for change in changes] == [
            ("Ona cavab verən tədbir", "—", measure.title_az)
        ]
        assert Recommendation.objects.get(pk=recommendation.pk).version == recommendation.version + 1


def test_recording_a_measure_records_each_chosen_recommendation_with_the_evidence_stored_once(world, measure, media):
    first, second, third = world["first"], world["second"], world["third"]
    day = datetime.date(2024, 3, 1)
    result = measure_progress_record(
        measure_id=measure.pk,
        status="implemented",
        note=NOTE,
        occurred_on=day,
        evidence=[pdf()],
        # The first takes the measure's status, the second another, the third is left out.
        recommendations=[LinkedStatus(first.pk), LinkedStatus(second.pk, status="in_progress")],
        user=world["staff"],
    )
    assert Measure.objects.get(pk=measure.pk).status == "implemented"
    assert {(u.recommendation_id, u.status_after, u.note, u.occurred_on) for u in result.recommendation_updates} == {
        (first.pk, "implemented", NOTE, day),
        (second.pk, "in_progress", NOTE, day),
    }
    assert all(update.measure_update_id == result.update.pk for update in result.recommendation_updates)
    assert Recommendation.objects.get(pk=first.pk).status == "implemented"
    assert Recommendation.objects.get(pk=second.pk).status == "in_progress"
    assert Recommendation.objects.get(pk=third.pk).status == "not_assessed"
    assert not ProgressUpdate.objects.filter(recommendation=third).exists()
    # One evidence row, one stored file, shown on both recommendations it supports, not the third.
    (evidence,) = Evidence.objects.all()
    assert (evidence.measure_id, evidence.recommendation_id, evidence.progress_update_id) == (
        measure.pk,
        None,
        result.update.pk,
    )
    assert len(stored_files(media)) == 1
    assert list(recommendation_evidence(first.pk)) == [evidence]
    assert list(recommendation_evidence(second.pk)) == [evidence]
    assert list(recommendation_evidence(third.pk)) == []
    assert {pk: [e.pk for e in items] for pk, items in evidence_by_recommendation([first.pk, third.pk]).items()} == {
        first.pk: [evidence.pk]
    }
    # The export and the progress log count it on each recommendation it supports.
    exported = dict(
        recommendation_export_values(Recommendation.objects.filter(pk__in=[first.pk, third.pk])).values_list(
            "id", "evidence_count"
        )
    )
    assert exported == {first.pk: 1, third.pk: 0}
    rows = entry_rows(entries_of_recommendations(Recommendation.objects.filter(pk=first.pk)), with_notes=True)
    assert [(row["status_after"], row["evidence_count"]) for row in rows] == [("implemented", 1)]
    # Evidence added later to the measure's entry shows on them too.
    from recommendations.evidence.services import evidence_add

    later = evidence_add(
        measure_id=measure.pk,
        progress_update_id=result.update.pk,
        kind="link",
        title="e-qanun",
        url="https://e-qanun.az/framework/45678",
        user=world["staff"],
    )
    assert list(recommendation_evidence(second.pk)) == [evidence, later]


def test_followers_hear_of_the_recommendations_not_of_the_measure(world, measure):
    measure_progress_record(
        measure_id=measure.pk,
        status="in_progress",
        note=NOTE,
        recommendations=[LinkedStatus(world["first"].pk), LinkedStatus(world["third"].pk)],
        user=world["staff"],
    )
    # One mail job per recommendation whose status changed; a measure has no followers.
    assert len(queued_tasks(MAIL_TASK)) == 2


@pytest.mark.parametrize(
    ("items", "refused_field"),
    [
        # The second restates its status, with no note or evidence: nothing to record.
        ([("first", "in_progress"), ("second", "not_assessed")], "status"),
        # One the measure does not answer.
        ([("first", None), ("other", None)], "recommendation"),
        # The same one twice.
        ([("first", None), ("first", "implemented")], "recommendation"),
    ],
)
def test_one_refused_recommendation_saves_nothing_and_leaves_no_file(world, measure, media, items, refused_field):
    before = ChangeRecord.objects.count()
    with pytest.raises(RecommendationRefused) as refused:
        measure_progress_record(
            measure_id=measure.pk,
            status="in_progress",
            evidence=[pdf()] if refused_field != "status" else [],
            recommendations=[LinkedStatus(world[name].pk, status=status) for name, status in items],
            user=world["staff"],
        )
    assert refused.value.recommendation_id == world[items[1][0]].pk
    assert refused_field in refused.value.error.message_dict
    assert not ProgressUpdate.objects.exists()
    assert not Evidence.objects.exists()
    assert stored_files(media) == set()
    assert ChangeRecord.objects.count() == before
    assert Measure.objects.get(pk=measure.pk).status == "not_assessed"


def test_a_recommendation_changed_since_the_form_was_opened_refuses_the_whole_submission(world, measure, media):
    second = Recommendation.objects.get(pk=world["second"].pk)
    elvin = UserFactory(role="ngo_staff")
    progress_record(recommendation_id=second.pk, status="not_started", user=elvin)
    with pytest.raises(RecommendationStale) as stale:
        measure_progress_record(
            measure_id=measure.pk,
            status="in_progress",
            evidence=[pdf()],
            recommendations=[
                LinkedStatus(
                    world["first"].pk, expected_version=Recommendation.objects.get(pk=world["first"].pk).version
                ),
                LinkedStatus(second.pk, expected_version=second.version),
            ],
            user=world["staff"],
        )
    assert stale.value.recommendation_id == second.pk
    assert ProgressUpdate.objects.count() == 1  # only the other staff member's
    assert stored_files(media) == set()
    with pytest.raises(StaleVersion):
        measure_progress_record(
            measure_id=measure.pk, status="in_progress", expected_version=measure.version - 1, user=world["staff"]
        )


def test_a_measures_timeline_follows_the_rule_of_a_recommendations(world, measure):
    staff = world["staff"]
    measure_progress_record(
        measure_id=measure.pk, status="implemented", occurred_on=datetime.date(2024, 5, 1), user=staff
    )
    # Recorded later about an earlier day: inserted in its place, the current status stays.
    late = measure_progress_record(
        measure_id=measure.pk, status="in_progress", occurred_on=datetime.date(2023, 1, 10), user=staff
    ).update
    measure.refresh_from_db()
    assert measure.status == "implemented"
    assert late.status_before == "not_assessed"
    with pytest.raises(ValidationError) as future:
        measure_progress_record(
            measure_id=measure.pk,
            status="in_progress",
            occurred_on=datetime.date.today() + datetime.timedelta(days=1),
            user=staff,
        )
    assert "occurred_on" in future.value.message_dict
    with pytest.raises(ValidationError) as nothing:
        measure_progress_record(measure_id=measure.pk, status="implemented", user=staff)
    assert "status" in nothing.value.message_dict
    # A history row for the status change; the late entry changed neither status nor "since".
    statuses = [
        (record.before["status"], record.after["status"])
        for record in measure_history(measure).filter(action="update")
        if "status" in record.after
    ]
    assert statuses == [("not_assessed", "implemented")]


def test_only_staff_edit_measures_and_record_their_progress(world, measure):
    analyst = world["analyst"]
    with pytest.raises(PermissionDenied):
        MeasureFactory(user=analyst)
    with pytest.raises(PermissionDenied):
        measure_progress_record(measure_id=measure.pk, status="in_progress", user=analyst)
    with pytest.raises(PermissionDenied):
        measure_links_add(measure_id=measure.pk, recommendation_ids=[world["other"].pk], user=analyst)
    with pytest.raises(PermissionDenied):
        measure_update(measure_id=measure.pk, data={"title_en": "x"}, user=analyst)


def test_links_added_and_removed_keep_the_entries_recorded_with_the_measure(world, measure, media):
    staff = world["staff"]
    result = measure_progress_record(
        measure_id=measure.pk,
        status="in_progress",
        evidence=[pdf()],
        recommendations=[LinkedStatus(world["third"].pk)],
        user=staff,
    )
    measure_link_remove(measure_id=measure.pk, recommendation_id=world["third"].pk, user=staff)
    measure_links_add(measure_id=measure.pk, recommendation_ids=[world["other"].pk, world["first"].pk], user=staff)
    measure.refresh_from_db()
    assert sorted(measure.links.values_list("recommendation_id", flat=True)) == sorted(
        [world["first"].pk, world["second"].pk, world["other"].pk]
    )
    # The entry recorded with the measure and its evidence stay: the log is append-only.
    assert [e.pk for e in recommendation_evidence(world["third"].pk)] == [result.evidence[0].pk]
    changes = [change for _r, found in readable_history(recommendation_history(world["third"])) for change in found]
    assert (changes[-1].label, changes[-1].before, changes[-1].after) == (
        "Ona cavab verən tədbir",
        measure.title_az,
        "—",
    )
    updates = [
        record.after for record in measure_history(measure).filter(action="update") if "recommendations" in record.after
    ]
    assert [sorted(after["recommendations"]) for after in updates][-2:] == [
        sorted([world["first"].pk, world["second"].pk]),
        sorted([world["first"].pk, world["second"].pk, world["other"].pk]),
    ]
    with pytest.raises(ValidationError) as missing:
        measure_links_add(measure_id=measure.pk, recommendation_ids=[987654], user=staff)
    assert "recommendations" in missing.value.message_dict


def test_a_measure_is_deleted_only_without_progress(world, measure):
    staff = world["staff"]
    spare = MeasureFactory(recommendations=[world["other"]], user=staff)
    measure_delete(measure_id=spare.pk, user=staff)
    assert not Measure.objects.filter(pk=spare.pk).exists()
    assert not MeasureLink.objects.filter(recommendation=world["other"]).exists()
    assert ChangeRecord.objects.filter(object_id=spare.pk, action="delete", object_type__model="measure").exists()
    measure_progress_record(measure_id=measure.pk, status="in_progress", user=staff)
    with pytest.raises(ValidationError):
        measure_delete(measure_id=measure.pk, user=staff)


def test_the_measure_filter_of_the_list(world, measure):
    found = selectors.recommendation_list(params=QueryDict(f"measure={measure.pk}")).order_by("id")
    assert list(found.values_list("pk", flat=True)) == sorted(
        [world["first"].pk, world["second"].pk, world["third"].pk]
    )


def test_bulk_entry_records_each_recommendation_with_one_stored_file(world, media):
    ids = [world["first"].pk, world["third"].pk, world["other"].pk]
    recorded = progress_record_many(
        recommendation_ids=ids,
        status="in_progress",
        note=NOTE,
        occurred_on=datetime.date(2024, 2, 1),
        evidence=[pdf(), EvidenceItem(kind="link", title="Qərar", url="https://e-qanun.az/framework/1")],
        user=world["staff"],
    )
    assert {update.recommendation_id for update, _added in recorded} == set(ids)
    assert set(Recommendation.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"in_progress"}
    files = Evidence.objects.filter(kind="file")
    assert files.count() == 3 and len({evidence.file.name for evidence in files}) == 1
    assert len(stored_files(media)) == 1
    assert Evidence.objects.filter(kind="link").count() == 3


def test_one_refused_recommendation_of_a_bulk_entry_saves_none(world, media):
    progress_record(recommendation_id=world["third"].pk, status="in_progress", user=world["staff"])
    with pytest.raises(RecommendationRefused) as refused:
        progress_record_many(
            recommendation_ids=[world["first"].pk, world["third"].pk],
            status="in_progress",
            evidence=[],
            user=world["staff"],
        )
    assert refused.value.recommendation_id == world["third"].pk
    assert ProgressUpdate.objects.count() == 1
    with pytest.raises(RecommendationRefused):
        progress_record_many(
            recommendation_ids=[world["first"].pk, world["second"].pk],
            status="in_progress",
            occurred_on=datetime.date(2018, 6, 1),  # before the second was made (2019)
            evidence=[pdf()],
            user=world["staff"],
        )
    assert ProgressUpdate.objects.count() == 1
    assert not Evidence.objects.exists() and stored_files(media) == set()


def test_the_database_keeps_each_entry_and_evidence_about_one_subject(world, measure):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(
            recommendation=world["first"],
            measure=measure,
            status_before="a",
            status_after="b",
            occurred_on=datetime.date(2024, 1, 1),
            author_username="x",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(
            status_before="a", status_after="b", occurred_on=datetime.date(2024, 1, 1), author_username="x"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(kind="excerpt", title="t", excerpt="e", added_by_username="x")


def test_a_measures_entries_are_append_only_below_the_orm(world, measure):
    update = measure_progress_record(measure_id=measure.pk, status="in_progress", user=world["staff"]).update
    other = MeasureFactory(user=world["staff"])
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ProgressUpdate._meta.db_table} SET measure_id = %s WHERE id = %s",  # noqa: S608
            [other.pk, update.pk],
        )
