"""import_report with several files or a folder: what each document is comes from the folder's
manifest, the document or the options; one dry-run summary for all, then each document in its
own transaction; a refused document stops no other, and the command then exits non-zero."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from recommendations.importing.batch import documents_collect
from recommendations.management.commands._batch_output import Progress
from recommendations.models import ChangeRecord, Recommendation, Source

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOL_PDFS = [
    SEEDS / "dol-2015-azerbaijan-child-labor-findings.en.pdf",
    FIXTURES / "dol-2018-azerbaijan.en.pdf",
    FIXTURES / "dol-2019-armenia.en.pdf",
]
DOL_SEED = SEEDS / "dol-2015-azerbaijan-child-labor-findings.az.txt"
TIP_SEED = SEEDS / "tip-2022-azerbaijan-trafficking-in-persons.az.txt"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_report", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> tuple[int, int, int]:
    return Source.objects.count(), Recommendation.objects.count(), ChangeRecord.objects.count()


@pytest.fixture
def folder(tmp_path) -> Path:
    """The three DOL PDFs and the two seeds, with the seeds' manifest (which tells the TIP
    text's year and areas; the DOL documents say their own kind, country, year and language)."""
    for path in [*DOL_PDFS, DOL_SEED, TIP_SEED]:
        shutil.copy(path, tmp_path / path.name)
    manifest = (SEEDS / "manifest.toml").read_text(encoding="utf-8")
    # Only the TIP text's entry: the DOL documents are to be told by what they say.
    entries = manifest.split("[[document]]")
    tip = next(entry for entry in entries if "tip-2022" in entry)
    (tmp_path / "manifest.toml").write_text("[[document]]" + tip, encoding="utf-8")
    (tmp_path / "README.md").write_text("not a report", encoding="utf-8")
    return tmp_path


@pytest.mark.django_db
def test_what_each_document_is_comes_from_the_document_or_the_manifest(folder):
    documents = documents_collect([folder], max_bytes=10_000_000)
    assert [(Path(d.name).name, d.kind, d.country, d.report_year, d.language) for d in documents] == [
        ("dol-2015-azerbaijan-child-labor-findings.az.txt", "dol", "AZ", 2015, "az"),
        ("dol-2015-azerbaijan-child-labor-findings.en.pdf", "dol", "AZ", 2015, "en"),
        ("dol-2018-azerbaijan.en.pdf", "dol", "AZ", 2018, "en"),
        ("dol-2019-armenia.en.pdf", "dol", "AM", 2019, "en"),
        ("tip-2022-azerbaijan-trafficking-in-persons.az.txt", "tip", "AZ", 2022, "az"),
    ]
    assert documents[0].told == {
        "kind": "document",
        "country": "document",
        "report_year": "document",
        "language": "document",
    }
    assert documents[-1].told["report_year"] == "manifest" and len(documents[-1].options["areas"]) == 11


@pytest.mark.slow
@pytest.mark.django_db
def test_a_folder_imports_in_one_command_with_one_summary_and_again_changes_nothing(folder):
    out, _err = run(folder, "--dry-run")
    assert counts() == (0, 0, 0)
    lines = out.splitlines()
    assert lines[-1] == "5 documents: 5 would be imported, 0 refused"
    # The 2018 chapter, planned after the 2015 one in the same run, would link its repeats to it.
    line_2018 = next(line for line in lines if "dol-2018-azerbaijan.en.pdf" in line)
    assert "source dol-2018-az would create" in line_2018 and "repeats it would link: " in line_2018
    assert " to dol-2015-az" in line_2018
    assert "tier/level: Tier 2" in next(line for line in lines if "tip-2022" in line)
    assert "the en text beside the az" in next(
        line for line in lines if "2015-azerbaijan-child-labor-findings.en" in line
    )

    out, _err = run(folder)
    assert out.splitlines()[-1] == "5 documents: 5 imported, 0 refused"
    assert sorted(Source.objects.values_list("slug", flat=True)) == [
        "dol-2015-az",
        "dol-2018-az",
        "dol-2019-am",
        "tip-2022-az",
    ]
    linked = Recommendation.objects.filter(source__slug="dol-2018-az", repeats__source__slug="dol-2015-az").count()
    assert linked > 0 and f"{linked} to dol-2015-az" in out
    assert Source.objects.get(slug="dol-2015-az").translations.keys() == {"en"}
    assert list(Recommendation.objects.filter(source__slug="tip-2022-az").values_list("area", flat=True))[:3] == [
        "prosecution",
        "prosecution",
        "prosecution",
    ]
    before = counts()
    out, _err = run(folder)
    assert counts() == before
    assert out.splitlines()[-1] == "5 documents: 5 imported, 0 refused"
    assert "create 0, update 0" in out and " created;" not in out


@pytest.mark.django_db
def test_a_refused_document_stops_no_other_and_the_summary_says_why(folder):
    """Without the manifest the TIP text does not say its year; a note says nothing at all."""
    (folder / "manifest.toml").unlink()
    (folder / "notes.txt").write_text("Meeting notes: nothing to import here.", encoding="utf-8")
    for path in DOL_PDFS:
        (folder / path.name).unlink()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_report", str(folder), stdout=out, stderr=err)
    assert str(refused.value).startswith("2 of 3 documents refused: ")
    lines = out.getvalue().splitlines()
    tip = next(line for line in lines if "tip-2022" in line)
    assert "REFUSED: the document does not say its year: give --year, or list it in the folder's manifest.toml" in tip
    notes = next(line for line in lines if "notes.txt" in line)
    assert "REFUSED: the document does not say its kind, country, year, language" in notes
    assert lines[-1].startswith("3 documents: 1 imported, 2 refused: ")
    assert list(Source.objects.values_list("slug", flat=True)) == ["dol-2015-az"]
    assert Recommendation.objects.count() == 10
    # Told the year, the same folder imports the TIP chapter too (the DOL text says its own).
    (folder / "notes.txt").unlink()
    run(folder, "--year", "2022")
    assert Source.objects.get(slug="tip-2022-az").tip_tier == "Tier 2"


@pytest.mark.django_db
def test_progress_is_plain_lines_when_not_on_a_terminal_and_a_bar_on_one(folder):
    for path in DOL_PDFS:
        (folder / path.name).unlink()
    _out, err = run(folder, "--dry-run")
    assert "… planning 1/2: " in err and "… planning 2/2: " in err and "\r" not in err

    class Terminal(StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    progress = Progress(terminal, "importing")
    progress(1, 4, "dol-2015-az.pdf")
    progress(4, 4, "tip-2022-az.txt")
    assert terminal.getvalue().startswith("\rimporting [" + "█" * 7 + "·" * 23 + "] 1/4 dol-2015-az.pdf")
    assert "\rimporting [" + "█" * 30 + "] 4/4 tip-2022-az.txt" in terminal.getvalue()
    assert terminal.getvalue().endswith("\n") and terminal.getvalue().count("\n") == 1
