"""Hostile documents stay bounded (issue 30 §3): the importer's work grows with the document's
size, not with its square or cube, pdfminer's layout analysis (which the reader does not use)
never runs, and a document past the page or character limit is refused saying so. The
documents are generated here."""

import json
import subprocess
import sys
from pathlib import Path

import pdfminer.layout
import pytest
from django.core.exceptions import ValidationError

from recommendations.importing.parsers import DocumentRejected, decode_document, dol
from recommendations.importing.services import report_import
from recommendations.models import Source

from .pdf_documents import Text, build_pdf

ROOT = Path(__file__).resolve().parent.parent
HEADER = [Text(40, 100, "Area"), Text(130, 100, "Suggested Action"), Text(500, 100, "Year(s) Suggested")]


class AnalysisRan(BaseException):
    """pdfminer's layout analysis was called: a BaseException, so that no `except Exception`
    on the way can hide it."""


TABLE = [*HEADER, Text(40, 114, "Enforcement"), Text(130, 114, "Train labor inspectors."), Text(510, 114, "2015")]


def parsed_in_child(kind: str, text: str, *, year: int) -> tuple[list, list]:
    """([first 40 characters of the action, first year] per record, problem messages) of
    the text, parsed in a child process: a regression fails after the timeout instead of
    hanging the test run."""
    program = (
        "import django, json, sys; django.setup(); "
        f"from recommendations.importing.parsers import {kind}; "
        f"result = {kind}.parse(sys.stdin.read(), year={year}); "
        "print(json.dumps([[record.action[:40], record.year_start] for record in result.records])); "
        "print(json.dumps([problem.message for problem in result.problems]))"
    )
    completed = subprocess.run(  # noqa: S603 - this interpreter with a fixed program
        [sys.executable, "-c", program],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "tracker.settings.test", "PATH": "/usr/bin:/bin"},
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    records, problems = map(json.loads, completed.stdout.splitlines())
    return records, problems


def test_the_layout_analysis_never_runs_even_on_thousands_of_overlapping_text_runs(monkeypatch):
    # With pdfminer's analysis, 2,000 runs drawn over each other took more than a minute.
    def analysis(*args, **kwargs):
        raise AnalysisRan

    monkeypatch.setattr(pdfminer.layout.LTLayoutContainer, "analyze", analysis)
    monkeypatch.setattr(pdfminer.layout.LTFigure, "analyze", analysis)
    overlapping = [Text(100, 300, "Overlapping text run") for _ in range(2000)]

    result = dol.parse_pdf(build_pdf([overlapping, TABLE]), year=2015)

    assert [(record.area, record.action, record.pages) for record in result.records] == [
        ("enforcement", "Train labor inspectors.", (2,))
    ]


@pytest.mark.django_db
def test_the_import_preview_never_runs_the_layout_analysis_either(monkeypatch):
    # The import also reads the first page for the country it names: with pdfminer's
    # extract_text, the analysis ran there (the page of overlapping runs: over two minutes).
    def analysis(*args, **kwargs):
        raise AnalysisRan

    monkeypatch.setattr(pdfminer.layout.LTLayoutContainer, "analyze", analysis)
    monkeypatch.setattr(pdfminer.layout.LTFigure, "analyze", analysis)
    first = [Text(40, 60, "Azerbaijan"), *(Text(100, 300, "Overlapping text run") for _ in range(2000))]

    report = report_import(
        data=build_pdf([first, TABLE]), kind="dol", country="AZ", report_year=2015, language="en", dry_run=True
    )

    assert [item.record.action for item in report.items] == ["Train labor inspectors."]


def test_a_long_line_of_years_and_a_long_capitalised_line_are_read_at_once(tmp_path):
    # Before: the years' expression backtracked over the line for every place it could
    # start (a 96 KB line took 28 s), the country line's over every way to cut a word into
    # three ('A' * 800 + '!' took 2.4 s, growing with the cube). These take hours that way.
    years = ", ".join(["2011"] * 40_000)
    text = (
        "Table 5. Suggested Government Actions to Eliminate Child Labor\n"
        "Area Suggested Action Year(s) Suggested\n"
        f"Enforcement Publish the inspections of {years} and all later years.\n2015\n"
        f"{'A' * 5000}!\nMINIMAL ADVANCEMENT\n"
        "Train labor inspectors.\n2014 – 2015\n"
    )
    records, problems = parsed_in_child("dol", text, year=2015)

    # The capitalised line is no country name ("!"), so it is the next action's first line.
    assert records == [["Publish the inspections of 2011, 2011, 2", 2015], ["A" * 40, 2014]]
    assert "“MINIMAL ADVANCEMENT” is a running header or footer; skipped." in problems


def test_a_long_action_and_many_page_numbers_are_read_at_once():
    # Before: each line of an action was added to a copy of the text so far (an action of
    # 20,000 lines took 207 s), each page number inside TIP recommendations blanked in a new
    # copy of the whole section, and a heading's trailing spaces were tried every which way.
    lines = "labor inspectors and\n" * 20_000
    records, _problems = parsed_in_child(
        "dol", f"Area Suggested Action Year(s) Suggested\nEnforcement Train\n{lines}others.\n2015\n", year=2015
    )
    assert records == [["Train labor inspectors and labor inspect", 2015]]

    page_numbers = "12\n" * 120_000
    chapter = (
        f"AZERBAIJAN: Tier 2\nPRIORITIZED RECOMMENDATIONS:\nDo one.\n{page_numbers}Do two.\n"
        f"PROSECUTION{' ' * 120_000}.\nPROSECUTION\nThe government …\n"
    )
    records, problems = parsed_in_child("tip", chapter, year=2023)
    assert records[:2] == [["Do one.", 2023], ["Do two.", 2023]]
    assert problems.count("“12” looks like a page number; skipped.") == 120_000


def test_a_trailing_years_cell_is_the_longest_one_the_line_ends_with():
    result = dol.parse(
        "Area Suggested Action Year(s) Suggested\n"
        "Enforcement Train labor inspectors. 2009 – 2011, 2013 – 2015\n"
        "Publish the 2014 data 2015\n"
        "Report on inspections.\n2015\n",
        year=2015,
    )

    assert [(record.action, record.year_start, record.year_end) for record in result.records] == [
        ("Train labor inspectors.", 2009, 2015),
        ("Publish the 2014 data", 2015, 2015),
        ("Report on inspections.", 2015, 2015),
    ]


@pytest.mark.django_db
def test_a_pdf_with_more_pages_than_the_limit_is_refused_naming_it(settings):
    settings.IMPORT_MAX_PAGES = 3
    pdf = build_pdf([TABLE] + [[Text(40, 100, f"Page {number}")] for number in range(2, 5)])

    with pytest.raises(ValidationError, match=r"more than 3 pages, the limit \(IMPORT_MAX_PAGES\)"):
        report_import(data=pdf, kind="dol", country="AZ", report_year=2015, language="en", dry_run=True)

    settings.IMPORT_MAX_PAGES = 4
    report = report_import(data=pdf, kind="dol", country="AZ", report_year=2015, language="en", dry_run=True)
    assert report.created == 1
    assert Source.objects.count() == 0


def test_a_pdf_or_text_with_more_characters_than_the_limit_is_refused(settings):
    settings.IMPORT_MAX_CHARACTERS = 1000
    pdf = build_pdf([TABLE, [Text(40, 100 + line * 10, "x" * 60) for line in range(20)]])

    with pytest.raises(DocumentRejected, match=r"more than 1,000 characters by page 2"):
        dol.parse_pdf(pdf, year=2015)
    with pytest.raises(DocumentRejected, match=r"1,001 characters; the limit is 1,000"):
        decode_document(("ə" * 1001).encode(), max_bytes=10**6)
    assert decode_document(("ə" * 1000).encode(), max_bytes=10**6) == "ə" * 1000
