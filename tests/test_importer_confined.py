"""Hostile documents are read in a child process under memory, processor and wall-clock limits
(issue 30 §3): the admin's preview and `import_report --dry-run` refuse them naming the limit,
and the process that serves the request (here, the test's own) never holds what they inflate
to. The documents are generated here."""

import re
import resource
import time

import pytest
from django.core.management import CommandError, call_command

from recommendations.importing.confine import read_confined
from recommendations.importing.parsers import DocumentRejected

from . import admin_imports
from .admin_forms import admin_client
from .jobs import JOBS_DB
from .pdf_documents import Text, build_pdf, flate_bomb_pdf

DOL_2015_AZ_EN = {"kind": "dol", "country": "AZ", "report_year": "2015", "language": "en", "title": "", "slug": ""}
TABLE = [
    Text(40, 100, "Area"),
    Text(130, 100, "Suggested Action"),
    Text(500, 100, "Year(s) Suggested"),
    Text(40, 114, "Enforcement"),
    Text(130, 114, "Train labor inspectors."),
    Text(510, 114, "2015"),
]
INFLATE_REFUSAL = r"its compressed streams inflate to more than 128 MB, the limit \(IMPORT_MAX_INFLATED_BYTES\)"
MB = 2**20


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dry_run(tmp_path, name: str, data: bytes) -> tuple[str, str]:
    from io import StringIO

    path = tmp_path / name
    path.write_bytes(data)
    out, err = StringIO(), StringIO()
    call_command(
        "import_report",
        str(path),
        "--kind=dol",
        "--country=AZ",
        "--year=2015",
        "--language=en",
        "--dry-run",
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def preview(users, data: bytes, name: str):
    return admin_imports.preview(admin_client(users["admin"]), data, name, DOL_2015_AZ_EN)


@pytest.fixture(scope="module")
def flate_bomb():
    # 1.5 MB on disk, 1.5 GB of spaces once its content stream is inflated.
    return flate_bomb_pdf(1500)


@pytest.mark.django_db
def test_a_flate_bomb_is_refused_by_the_dry_run_without_the_command_holding_what_it_inflates_to(tmp_path, flate_bomb):
    assert len(flate_bomb) < 2 * MB
    before = peak_memory_mb()

    with pytest.raises(CommandError, match=INFLATE_REFUSAL):
        dry_run(tmp_path, "bomb.pdf", flate_bomb)

    assert peak_memory_mb() - before < 200


@JOBS_DB
def test_a_flate_bomb_is_refused_by_the_admin_preview_and_nothing_is_staged(users, flate_bomb, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = tmp_path
    before = peak_memory_mb()

    response = preview(users, flate_bomb, "bomb.pdf")

    assert response.context["job"].state == "failed"
    assert any(re.search(INFLATE_REFUSAL, error) for error in response.context["job"].errors["document"])
    assert 'name="confirm"' not in response.text
    assert not list((tmp_path / "imports").rglob("*.upload"))  # the refused document is not kept
    assert peak_memory_mb() - before < 200


@pytest.mark.django_db
def test_past_the_memory_limit_the_reading_is_stopped_and_refused_naming_it(tmp_path, flate_bomb, settings):
    # With the inflation cap beyond the memory limit, the memory limit is what stops it.
    settings.IMPORT_MAX_INFLATED_BYTES = 4 * 1024 * MB
    settings.IMPORT_READ_MEMORY_MB = 300

    with pytest.raises(CommandError, match=r"needed more than 300 MB, the limit \(IMPORT_READ_MEMORY_MB\)"):
        dry_run(tmp_path, "bomb.pdf", flate_bomb)


def test_past_the_wall_clock_limit_the_reader_is_killed_and_refused_naming_it(settings):
    settings.IMPORT_READ_SECONDS = 1

    with pytest.raises(DocumentRejected, match=r"took longer than 1 s, the limit \(IMPORT_READ_SECONDS\)"):
        read_confined(time.sleep, 30)


def spin() -> None:
    while True:
        pass


def test_past_the_processor_time_limit_the_reader_is_stopped_and_refused_naming_it(settings):
    settings.IMPORT_READ_CPU_SECONDS = 1

    with pytest.raises(
        DocumentRejected, match=r"more than 1 s of processor time, the limit \(IMPORT_READ_CPU_SECONDS\)"
    ):
        read_confined(spin)


@pytest.mark.django_db
def test_a_page_of_2000_overlapping_text_runs_and_a_long_line_of_years_are_read_by_the_dry_run(tmp_path):
    first = [Text(40, 60, "Azerbaijan"), *(Text(100, 300, "Overlapping text run") for _ in range(2000))]
    out, _err = dry_run(tmp_path, "overlapping.pdf", build_pdf([first, TABLE]))
    assert "would create 1" in out

    years = ", ".join(["2011"] * 20_000)
    text = (
        "Azerbaijan\nArea Suggested Action Year(s) Suggested\n"
        f"Enforcement Publish the inspections of {years} and all later years.\n2015\n"
    )
    out, _err = dry_run(tmp_path, "years.txt", text.encode())
    assert "would create 1" in out


@JOBS_DB
def test_a_page_of_2000_overlapping_text_runs_is_previewed_in_the_admin(users):
    first = [Text(40, 60, "Azerbaijan"), *(Text(100, 300, "Overlapping text run") for _ in range(2000))]

    response = preview(users, build_pdf([first, TABLE]), "overlapping.pdf")

    assert response.context["job"].state == "done", response.context["job"].errors
    assert response.context["job"].result["created"] == 1
    assert '<td data-label="action">Train labor inspectors.</td>' in response.text


def many_rows(count: int) -> bytes:
    rows = "".join(f"Enforcement Train {number} labor inspectors.\n2015\n" for number in range(count))
    return f"Azerbaijan\nArea Suggested Action Year(s) Suggested\n{rows}".encode()


@pytest.mark.django_db
def test_a_text_is_parsed_in_the_child_too_past_the_memory_limit_refused_naming_it(tmp_path, settings):
    settings.IMPORT_READ_MEMORY_MB = 20

    with pytest.raises(CommandError, match=r"needed more than 20 MB, the limit \(IMPORT_READ_MEMORY_MB\)"):
        dry_run(tmp_path, "rows.txt", many_rows(60_000))


@pytest.mark.django_db
def test_the_parse_of_a_long_text_in_the_child_reports_its_progress_to_the_command(tmp_path):
    _out, err = dry_run(tmp_path, "rows.txt", many_rows(6_000))

    assert err.splitlines() == ["… 10,000/12,003", "… 12,003/12,003"]
