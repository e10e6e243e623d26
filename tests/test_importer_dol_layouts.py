"""DOL chapters laid out as later report years print them, built here from the layout facts:
the table's rows come out whole whichever way the document is read (the PDF itself,
`pdftotext -layout`, `pdftotext -raw`), or the document is refused — never rows cut short or
with page furniture glued on."""

import shutil

import pytest
from django.core.exceptions import ValidationError

from recommendations.importing.parsers import dol
from recommendations.importing.services import report_import
from recommendations.models import Source

from .pdf_documents import Text, build_pdf, pdftotext

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs pdftotext (Debian's poppler-utils; .ci/run installs it)"
)
TITLE = "Table 12. Suggested Government Actions to Eliminate Child Labor"
LINE = 11  # points between two lines of a cell
ROWS = [
    ("Legal Framework", ["Ensure that the law protects all children."], "2016 – 2021"),
    ("Enforcement", ["Publish information on labor inspections,", "including their number."], "2019 – 2021"),
    ("", ["Strengthen the Commission to Protect the Rights of the Child."], "2021"),
    ("Social Programs", ["Expand programs for children on the streets."], "2010 – 2021"),
]
EXPECTED = [
    ("legal_framework", 2016, 2021, "Ensure that the law protects all children."),
    ("enforcement", 2019, 2021, "Publish information on labor inspections, including their number."),
    ("enforcement", 2021, 2021, "Strengthen the Commission to Protect the Rights of the Child."),
    ("social_programs", 2010, 2021, "Expand programs for children on the streets."),
]
WAYS = ["pdf", "-layout", "-raw"]


def table(top: float, rows, title: str = TITLE) -> tuple[list[Text], float]:
    """The title, the column header and the rows (label, action lines, years level with the
    action's first line) from `top` down, in the order a report's PDF draws them; and the
    baseline below the last row."""
    runs = [Text(40, top - 18, title), Text(40, top, "Area"), Text(130, top, "Suggested Action")]
    runs.append(Text(500, top, "Year(s) Suggested"))
    y = top + 14
    for label, lines, years in rows:
        if label:
            runs.append(Text(40, y, label))
        runs += [Text(130, y + LINE * index, line) for index, line in enumerate(lines)]
        runs.append(Text(510, y, years))
        y += LINE * len(lines) + 3
    return runs, y


def running_header(country: str = "Azerbaijan") -> list[Text]:
    return [Text(40, 40, country), Text(40, 52, "MINIMAL ADVANCEMENT")]


def parse(pdf: bytes, way: str, tmp_path):
    if way == "pdf":
        return dol.parse_pdf(pdf, year=2021)
    return dol.parse(pdftotext(pdf, way, tmp_path), year=2021)


def rows(result) -> list[tuple]:
    return [(record.area, record.year_start, record.year_end, record.action) for record in result.records]


@needs_pdftotext
@pytest.mark.parametrize("way", WAYS)
def test_the_running_footer_printed_close_below_the_last_row_is_not_part_of_it(way, tmp_path):
    first, y = table(80, ROWS[:3])
    # 2021 chapters print the footer one line below a full page's last row, no wide gap.
    first += [Text(180, y + 6, "2021 FINDINGS ON THE WORST FORMS OF CHILD LABOR"), Text(560, y + 6, "9")]
    second, y = table(80, ROWS[3:], TITLE + " (Cont.)")
    second += [Text(40, y + 6, "10"), Text(80, y + 6, "BUREAU OF INTERNATIONAL LABOR AFFAIRS")]

    result = parse(build_pdf([first, running_header() + second]), way, tmp_path)

    assert rows(result) == EXPECTED
    assert result.refusals == []


@needs_pdftotext
@pytest.mark.parametrize("way", WAYS)
def test_a_table_that_goes_on_after_its_pages_references_on_file_block_is_read_whole(way, tmp_path):
    first, y = table(80, ROWS[:2])
    first += [Text(40, y + 8, "REFERENCES ON FILE"), Text(40, y + 20, "The references are on file with the Bureau.")]
    second, _y = table(110, ROWS[2:], TITLE + " (Cont.)")

    result = parse(build_pdf([first, running_header() + second]), way, tmp_path)

    assert rows(result) == EXPECTED
    assert result.refusals == []


@needs_pdftotext
@pytest.mark.parametrize("way", WAYS)
def test_a_table_that_goes_on_after_another_tables_continued_heading_is_read_whole(way, tmp_path):
    first, _y = table(80, ROWS[:1])
    other = [
        Text(40, 92, "Table 9. Key Policies Related to Child Labor (Cont.)"),
        Text(40, 110, "Policy"),
        Text(200, 110, "Description"),
        Text(40, 124, "National Plan"),
        Text(200, 124, "Sets out the government's aims for the years 2020 to 2025."),
    ]
    second, _y = table(170, ROWS[1:], TITLE + " (Cont.)")

    result = parse(build_pdf([first, running_header() + other + second]), way, tmp_path)

    assert rows(result) == EXPECTED
    assert result.refusals == []


@needs_pdftotext
@pytest.mark.parametrize("way", WAYS)
def test_a_header_printed_again_after_the_end_without_cont_is_refused(way, tmp_path):
    first, y = table(80, ROWS[:2])
    first += [Text(40, y + 8, "REFERENCES"), Text(40, y + 20, "The references are on file with the Bureau.")]
    # The header again on a later page, with no title saying the table goes on there.
    second, _y = table(110, ROWS[2:], "")

    result = parse(build_pdf([first, running_header() + [run for run in second if run.text]]), way, tmp_path)

    assert any("printed again after the table stopped" in problem.message for problem in result.refusals)


@pytest.mark.django_db
def test_the_command_line_import_of_a_table_cut_short_exits_non_zero_and_stores_nothing():
    text = (
        f"{TITLE}\nArea Suggested Action Year(s) Suggested\n"
        "Legal Framework Ensure that the law protects all children. 2016 – 2021\n"
        "REFERENCES ON FILE\nThe references are on file with the Bureau.\n"
        "Area Suggested Action Year(s) Suggested\n"
        "Enforcement Publish information on labor inspections. 2019 – 2021\n"
    )

    with pytest.raises(ValidationError, match=r"line 6: the table's header is printed again"):
        report_import(data=text.encode(), kind="dol", country="AZ", report_year=2021, language="en")

    assert Source.objects.count() == 0


def test_years_beside_a_label_before_its_action_are_refused_not_matched_to_the_next_row():
    # `pdftotext -raw` of a PDF that draws each row's years before its action text.
    text = (
        "Area Suggested Action Year(s) Suggested\n"
        "Legal Framework 2016 – 2021\nEnsure that the law protects all children.\n"
        "Enforcement 2019 – 2021\nPublish information on labor inspections.\n"
    )

    result = dol.parse(text, year=2021)

    assert any("with no action before them" in problem.message for problem in result.refusals)


def test_raw_text_whose_cont_is_printed_before_the_repeated_title_goes_on_there():
    # `pdftotext -raw` prints the end of a continued title, "(Cont.)", before the running
    # header and footer that come between it and the title's start.
    text = (
        f"{TITLE}\nArea Suggested Action Year(s) Suggested\n"
        "Legal Framework Ensure that the law protects all children. 2016 – 2021\n"
        "REFERENCES ON FILE\nThe references are on file with the Bureau.\n"
        "(Cont.)\nAzerbaijan\nMINIMAL ADVANCEMENT\n10\nBUREAU OF INTERNATIONAL LABOR AFFAIRS\n"
        f"{TITLE}\nArea Suggested Action Year(s) Suggested\n"
        "Enforcement Publish information on labor inspections. 2019 – 2021\n"
    )

    result = dol.parse(text, year=2021)

    assert [(record.area, record.action) for record in result.records] == [
        ("legal_framework", "Ensure that the law protects all children."),
        ("enforcement", "Publish information on labor inspections."),
    ]
    assert result.refusals == []
