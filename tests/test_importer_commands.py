"""import_report and load_seeds as people run them; the API serves what they loaded."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from recommendations.models import ChangeRecord, ProgressUpdate, Recommendation, Source
from recommendations.progress import services as progress_services

ROOT = Path(__file__).resolve().parent.parent
DOL_SEED = ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.az.txt"
TIP_SEED = ROOT / "seeds" / "tip-2022-azerbaijan-trafficking-in-persons.az.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_json_prints_the_parsed_records_of_both_seeds():
    dol_out, _ = run("import_report", str(DOL_SEED), "--kind", "dol", "--country", "AZ", "--year", "2015", "--json")
    tip_out, _ = run("import_report", str(TIP_SEED), "--kind", "tip", "--country", "AZ", "--year", "2022", "--json")

    dol_records, tip_records = json.loads(dol_out), json.loads(tip_out)
    assert len(dol_records) == 10 and len(tip_records) == 11
    assert set(dol_records[0]) >= {"area", "action", "year_start", "year_end", "priority", "position"}
    assert [record["area"] for record in dol_records].count("enforcement") == 5
    assert all(record["priority"] and record["year_start"] == 2022 for record in tip_records)
    assert Recommendation.objects.count() == 21


@pytest.mark.django_db
def test_dry_run_prints_the_plan_and_writes_nothing():
    out, _ = run("import_report", str(DOL_SEED), "--kind", "dol", "--country", "AZ", "--year", "2015", "--dry-run")

    assert "source dol-2015-az: would create" in out
    assert "would create 10, update 0, link 0, unchanged 0" in out
    assert (Source.objects.count(), Recommendation.objects.count(), ChangeRecord.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_problems_are_reported_on_stderr_with_line_numbers():
    path = FIXTURES / "dol-en-page-break.txt"

    out, err = run(
        "import_report", str(path), "--kind", "dol", "--country", "AZ", "--year", "2015", "--language", "en", "--json"
    )

    assert f"{path}: line 1: lines 1–5 are before the table's title; not read." in err
    assert f"{path}: line 19: “12” looks like a page number; skipped." in err
    assert len(json.loads(out)) == 2


@pytest.mark.django_db
def test_a_document_that_cannot_be_read_with_certainty_is_refused_naming_each_line():
    path = FIXTURES / "dol-az-layouts.txt"

    with pytest.raises(CommandError) as refused:
        run("import_report", str(path), "--kind", "dol", "--country", "AZ", "--year", "2016", "--dry-run")

    assert "line 47: years “2016” with no action before them" in str(refused.value)
    assert Source.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", ["unrelated.txt", "empty"])
def test_unrecognisable_documents_stop_the_command_and_write_nothing(fixture, tmp_path):
    path = FIXTURES / fixture if fixture != "empty" else tmp_path / "empty.txt"
    if fixture == "empty":
        path.write_bytes(b"")

    with pytest.raises(CommandError, match=str(path)):
        run("import_report", str(path), "--kind", "tip", "--country", "AZ", "--year", "2022")
    assert Source.objects.count() == 0


def test_the_command_exits_non_zero_for_a_binary_file(tmp_path):
    binary = tmp_path / "report.pdf"
    binary.write_bytes(b"%PDF-1.4\n\x00\x00\x00 stream")
    environment = {**os.environ, "TRACKER_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tracker.settings.test"}
    environment.pop("DATABASE_URL", None)

    completed = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [
            sys.executable,
            "manage.py",
            "import_report",
            str(binary),
            "--kind",
            "dol",
            "--country",
            "AZ",
            "--year",
            "2015",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode != 0
    assert "The PDF could not be read" in completed.stderr
    assert completed.stdout == ""


@pytest.mark.django_db
def test_max_bytes_option_refuses_larger_documents():
    with pytest.raises(CommandError, match="limit is 100 bytes"):
        run("import_report", str(DOL_SEED), "--kind", "dol", "--country", "AZ", "--year", "2015", "--max-bytes", "100")


@pytest.mark.django_db
def test_load_seeds_loads_21_recommendations_once_and_keeps_later_progress(users, api_client):
    out, _ = run("load_seeds")
    assert "dol-2015-az: created source; created 10" in out
    assert "tip-2022-az: created source; created 11" in out

    target = Recommendation.objects.get(source__slug="tip-2022-az", position=4)
    progress_services.progress_record(
        recommendation_id=target.pk, status="in_progress", note="Maliyyə ayrılıb", user=users["ngo_staff"]
    )
    snapshot = list(Recommendation.objects.order_by("pk").values())
    counts = (Source.objects.count(), ChangeRecord.objects.count(), ProgressUpdate.objects.count())

    out, _ = run("load_seeds")

    assert "already loaded" in out
    assert list(Recommendation.objects.order_by("pk").values()) == snapshot
    assert (Source.objects.count(), ChangeRecord.objects.count(), ProgressUpdate.objects.count()) == counts

    response = api_client.get("/api/v1/recommendations/", {"page_size": 100})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 21
    tip_areas = [item["area"] for item in results if item["source"] == "tip-2022-az"]
    assert (tip_areas.count("prosecution"), tip_areas.count("protection"), tip_areas.count("prevention")) == (4, 6, 1)
    sources = {item["slug"]: item for item in api_client.get("/api/v1/sources/").json()["results"]}
    assert sources["tip-2022-az"]["tip_tier"] == "Tier 2"
    assert sources["dol-2015-az"]["recommendation_count"] == 10


@pytest.mark.django_db
def test_load_seeds_rejects_a_manifest_entry_with_unknown_keys(tmp_path):
    (tmp_path / "manifest.toml").write_text('[[document]]\nfile = "x.txt"\nkind = "dol"\nyear = 2015\n')

    with pytest.raises(CommandError, match="unknown keys \\['year'\\]"):
        run("load_seeds", "--manifest", str(tmp_path / "manifest.toml"))


def test_an_unknown_kind_is_refused_naming_the_kinds_there_are():
    """Issue 30 §4: the message said "choose from SourceKind.DOL, SourceKind.TIP"."""
    with pytest.raises(CommandError) as refused:
        run("import_report", str(DOL_SEED), "--kind", "ilo", "--country", "AZ", "--year", "2015")
    message = str(refused.value)
    assert "'ilo'" in message and "'upr'" in message and "'dol'" in message and "'tip'" in message
    assert "SourceKind" not in message
