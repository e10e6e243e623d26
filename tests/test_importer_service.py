"""report_import: one transaction, idempotent, linking repeats across report years, dry-run."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from recommendations.catalog.repeats import REPEAT_SIMILARITY_THRESHOLD, action_similarity
from recommendations.importing import services as importing_services
from recommendations.importing.parsers import DocumentRejected
from recommendations.models import ChangeRecord, ProgressUpdate, Recommendation, Source
from recommendations.progress import services as progress_services

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOL_SEED = (SEEDS / "dol-2015-azerbaijan-child-labor-findings.az.txt").read_bytes()
TIP_SEED = (SEEDS / "tip-2022-azerbaijan-trafficking-in-persons.az.txt").read_bytes()

DOL_2014 = """Sahə Məsləhət Bilinən Tədbir Məsləhət Bilinən İl(lər)
Tətbiqat Əmək müfəttişlərinin uşaq əməyi ilə bağlı qanunların tətbiq

edilməsiylə bağlı yetərli treninq keçməsini təminat altına alın.

2014

Uşaq əməyinin ən pis formaları haqqında cəza məcəlləsi ilə bağlı yoxlamaların sayı barədə məlumatı dərc edin.

2014
"""


def row_counts() -> tuple[int, int, int]:
    return Source.objects.count(), Recommendation.objects.count(), ChangeRecord.objects.count()


def import_dol_2015(**kwargs):
    return importing_services.report_import(data=DOL_SEED, kind="dol", country="AZ", report_year=2015, **kwargs)


@pytest.mark.django_db
def test_import_creates_the_source_and_its_recommendations_with_history(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = import_dol_2015(user=users["admin"])

    source = Source.objects.get(slug="dol-2015-az")
    assert (report.created, report.source_operation) == (10, "create")
    assert source.kind == "dol" and source.report_year == 2015 and str(source.country) == "AZ"
    assert len(source.document_sha256) == 64 and source.document.name == f"sources/{source.document_sha256}.txt"
    with source.document.open("rb") as stored:
        assert stored.read() == DOL_SEED
    recommendations = list(source.recommendations.order_by("position"))
    assert [rec.position for rec in recommendations] == list(range(1, 11))
    assert {rec.status for rec in recommendations} == {"not_assessed"}
    history = ChangeRecord.objects.filter(object_type__model="recommendation", action="create")
    assert history.count() == 10
    assert {row.username for row in history} == {users["admin"].username}
    assert history.get(object_id=recommendations[0].pk).after["action"] == recommendations[0].action


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_reports_what_it_would_create():
    before = row_counts()

    report = import_dol_2015(dry_run=True)

    assert row_counts() == before
    assert (report.dry_run, report.created, report.source_operation) == (True, 10, "create")
    assert all(item.recommendation_id is None for item in report.items)


@pytest.mark.django_db
def test_importing_the_same_document_again_changes_nothing_even_after_progress(users):
    import_dol_2015()
    first = Recommendation.objects.get(position=3)
    progress_services.progress_record(
        recommendation_id=first.pk, status="in_progress", note="Başlanıb", user=users["ngo_staff"]
    )
    snapshot = list(Recommendation.objects.order_by("pk").values())
    counts = row_counts(), ProgressUpdate.objects.count()

    report = import_dol_2015()

    assert not report.changes_anything and report.unchanged == 10
    assert (row_counts(), ProgressUpdate.objects.count()) == counts
    assert list(Recommendation.objects.order_by("pk").values()) == snapshot


@pytest.mark.django_db
def test_the_same_document_under_another_slug_is_refused():
    import_dol_2015()

    with pytest.raises(DocumentRejected, match="artıq “dol-2015-az” mənbəyi kimi idxal edilib"):
        import_dol_2015(slug="dol-2015-az-copy")


@pytest.mark.django_db
def test_a_corrected_text_updates_changed_actions_and_keeps_status(users):
    import_dol_2015()
    third = Recommendation.objects.get(position=3)
    progress_services.progress_record(recommendation_id=third.pk, status="implemented", user=users["ngo_staff"])
    corrected = DOL_SEED.replace("hamısının əhaliyə açıq".encode(), "hamısının ictimaiyyətə açıq".encode())

    report = importing_services.report_import(data=corrected, kind="dol", country="AZ", report_year=2015)

    assert (report.source_operation, report.updated, report.unchanged, report.created) == ("update", 1, 9, 0)
    third.refresh_from_db()
    assert "ictimaiyyətə açıq" in third.action and third.status == "implemented"
    assert ChangeRecord.objects.filter(object_id=third.pk, action="update", after__has_key="action").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PDF deyil"),
        (b"\xff\xfe\xfd not text", "UTF-8"),
        ((FIXTURES / "unrelated.txt").read_bytes(), "No DOL suggested-actions table"),
    ],
)
def test_documents_that_cannot_be_imported_fail_cleanly_and_write_nothing(data, message):
    with pytest.raises(DocumentRejected, match=message):
        importing_services.report_import(data=data, kind="dol", country="AZ", report_year=2015)
    assert row_counts() == (0, 0, 0)


@pytest.mark.django_db
def test_a_document_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1000

    with pytest.raises(DocumentRejected, match="limit is 1,000 bytes"):
        import_dol_2015()
    assert row_counts() == (0, 0, 0)


@pytest.mark.django_db
def test_tip_import_takes_areas_from_the_caller_and_checks_them():
    areas = ["prosecution"] * 3 + ["protection"] * 8
    with pytest.raises(ValidationError, match="11 tövsiyə üçün"):
        importing_services.report_import(data=TIP_SEED, kind="tip", country="AZ", report_year=2022, areas=areas[:5])
    with pytest.raises(ValidationError, match="legal_framework"):
        importing_services.report_import(
            data=TIP_SEED, kind="tip", country="AZ", report_year=2022, areas=["legal_framework"] * 11
        )
    assert row_counts() == (0, 0, 0)

    importing_services.report_import(data=TIP_SEED, kind="tip", country="AZ", report_year=2022, areas=areas)

    source = Source.objects.get(slug="tip-2022-az")
    assert source.tip_tier == "Tier 2"
    assert list(source.recommendations.order_by("position").values_list("area", flat=True)) == areas
    assert set(source.recommendations.values_list("priority", "year_start", "year_end")) == {(True, 2022, 2022)}


@pytest.mark.django_db
def test_a_later_report_links_repeated_recommendations_to_the_earlier_year():
    importing_services.report_import(data=DOL_2014.encode(), kind="dol", country="AZ", report_year=2014)
    earlier_training = Recommendation.objects.get(source__slug="dol-2014-az", position=1)

    earlier_data = Recommendation.objects.get(source__slug="dol-2014-az", position=2)

    dry = import_dol_2015(dry_run=True)
    links = {item.record.position: item.repeats for item in dry.items if item.repeats}
    # Rows 2, 5 and 6 say they were suggested in 2014 too: the training one and the published
    # data (reworded) repeat the 2014 rows; row 6 (the referral mechanism) finds none left.
    # The rest began in 2015 or, beginning earlier, are in no imported 2014 row of their area.
    assert set(links) == {2, 5}
    assert links[2].recommendation_id == earlier_training.pk
    assert links[5].recommendation_id == earlier_data.pk
    assert 0 < links[2].similarity < 1
    assert Recommendation.objects.filter(source__report_year=2015).count() == 0

    import_dol_2015()

    training_2015 = Recommendation.objects.get(source__slug="dol-2015-az", position=2)
    assert training_2015.repeats_id == earlier_training.pk
    assert Recommendation.objects.filter(source__slug="dol-2015-az", repeats__isnull=False).count() == 2


@pytest.mark.django_db
def test_links_stay_within_country_and_area():
    importing_services.report_import(data=DOL_2014.encode(), kind="dol", country="GE", report_year=2014)
    relabelled = DOL_2014.replace("Tətbiqat", "Sosial Proqramlar").replace("təminat", "təminat ").encode()
    importing_services.report_import(data=relabelled, kind="dol", country="AZ", report_year=2014)

    report = import_dol_2015()

    assert report.linked == 0


def test_similarity_threshold_separates_rewording_from_different_recommendations():
    from recommendations.importing.parsers import dol

    actions = dol.parse(DOL_SEED.decode()).records
    by_area: dict[str, list[str]] = {}
    for record in actions:
        by_area.setdefault(record.area, []).append(record.action)
    distinct = [
        action_similarity(a, b)
        for group in by_area.values()
        for index, a in enumerate(group)
        for b in group[index + 1 :]
    ]
    assert max(distinct) < 0.5 < REPEAT_SIMILARITY_THRESHOLD
    original = actions[1].action
    reworded = original.replace("yetərli", "kifayət qədər").replace("edilməsiylə", "edilməsi ilə")
    assert action_similarity(original, reworded) >= REPEAT_SIMILARITY_THRESHOLD
