"""The 2013 DOL layout, built here from its layout facts: every cell of the suggested-actions
table is centred vertically in its row, so a two-line action has its years between its lines
and a three-line one beside its second, and an area label is centred on the rows it covers;
rows are parted by a few points of space and by the table's rules. Read from the PDF row for
row; printed without those gaps and rules the rows cannot be told apart, and it is refused."""

import shutil

import pytest
from django.core.exceptions import ValidationError

from recommendations.importing.parsers import dol
from recommendations.importing.services import report_import
from recommendations.models import Recommendation, Source

from .pdf_documents import Rule, Text, build_pdf, pdftotext

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs pdftotext (Debian's poppler-utils; .ci/run installs it)"
)
TITLE = "Table 12. Suggested Government Actions to Eliminate the Worst Forms of Child Labor"
LINE = 10  # points between two lines of a cell
PAD = 1.35  # space above and below a row's text, inside its rules: 2.7 points more between rows
DESCENT = 2  # of 9-point Helvetica, rounded
AREA, ACTION, YEARS, RIGHT = 40, 130, 490, 570  # the columns' left edges, the table's right edge
GROUPS = [
    (
        ["Laws"],
        [
            (
                ["Raise the minimum age for hazardous work to 18 and", "publish the list of hazardous occupations."],
                "2012 – 2013",
            ),
            (["Prohibit the use of children in illicit activities."], "2013"),
        ],
    ),
    (
        ["Enforcement"],
        [
            (["Collect and publish data on labor inspections."], "2010 – 2013"),
            (
                [
                    "Train labor inspectors on child labor in agriculture,",
                    "including on cotton and tobacco farms, and fund their",
                    "travel to rural areas.",
                ],
                "2013",
            ),
            (["Publish the number of child trafficking cases prosecuted."], "2011 – 2013"),
        ],
    ),
    (
        ["Government", "Policies"],
        [
            (["Adopt a policy that covers all worst forms of child labor."], "2013"),
            (["Fund the national action plan against trafficking in", "human beings."], "2012, 2013"),
        ],
    ),
    (
        ["Social Programs"],
        [
            (["Assess the reach of the cash transfer program."], "2013"),
            (["Expand programs for children working on the streets."], "2009 – 2013"),
            (["Provide shelters for child victims of trafficking."], "2011 – 2013"),
        ],
    ),
]  # fmt: skip
EXPECTED = [
    ("legal_framework", 2012, 2013, "Raise the minimum age for hazardous work to 18 and publish the list of hazardous "
     "occupations."),
    ("legal_framework", 2013, 2013, "Prohibit the use of children in illicit activities."),
    ("enforcement", 2010, 2013, "Collect and publish data on labor inspections."),
    ("enforcement", 2013, 2013, "Train labor inspectors on child labor in agriculture, including on cotton and tobacco "
     "farms, and fund their travel to rural areas."),
    ("enforcement", 2011, 2013, "Publish the number of child trafficking cases prosecuted."),
    ("government_policies", 2013, 2013, "Adopt a policy that covers all worst forms of child labor."),
    ("government_policies", 2012, 2013, "Fund the national action plan against trafficking in human beings."),
    ("social_programs", 2013, 2013, "Assess the reach of the cash transfer program."),
    ("social_programs", 2009, 2013, "Expand programs for children working on the streets."),
    ("social_programs", 2011, 2013, "Provide shelters for child victims of trafficking."),
]  # fmt: skip


def centred_table(
    top: float, groups, *, title: str = TITLE, gaps: bool = True, rules_drawn: bool = True
) -> list[Text | Rule]:
    """The title, the header and the rows from `top` down, each cell centred in its row, drawn
    cell by cell as a report's PDF draws them. As published, rows have `gaps` (their padding)
    and `rules_drawn` between them; without gaps, rows follow each other as closely as a
    cell's own lines."""
    pad = PAD if gaps else 0
    runs: list[Text | Rule] = [
        Text(AREA, top - 18, title),
        Text(AREA, top, "Area"),
        Text(ACTION, top, "Suggested Action"),
    ]
    runs.append(Text(YEARS, top, "Year(s) Suggested"))
    edge = top + DESCENT + 2  # the header's lower rule
    rules: list[Rule] = [Rule(AREA - 4, RIGHT, edge)]
    for label, rows in groups:
        cells: list[Text] = []
        first_baseline = edge + pad + LINE - DESCENT
        for lines, years in rows:
            baseline = edge + pad + LINE - DESCENT
            cells += [Text(ACTION, baseline + LINE * index, line) for index, line in enumerate(lines)]
            cells.append(Text(YEARS, baseline + LINE * (len(lines) - 1) / 2, years))
            last_baseline = baseline + LINE * (len(lines) - 1)
            edge = last_baseline + DESCENT + pad
            rules.append(Rule(ACTION - 4, RIGHT, edge))
        middle = (first_baseline + last_baseline) / 2
        runs += [Text(AREA, middle + LINE * (index - (len(label) - 1) / 2), word) for index, word in enumerate(label)]
        runs += cells
        rules.append(Rule(AREA - 4, ACTION - 4, edge))
    return runs + (rules if rules_drawn else [])


def running_header() -> list[Text]:
    return [Text(AREA, 40, "Azerbaijan"), Text(AREA, 52, "MODERATE ADVANCEMENT")]


def chapter(**parted) -> bytes:
    """The table over two pages, as 2013 chapters print it: its last area on the next page,
    under the title marked "(Cont.)" and the header again."""
    first = centred_table(600, GROUPS[:3], **parted)
    second = centred_table(110, GROUPS[3:], title=TITLE + " (Cont.)", **parted)
    return build_pdf([first, [*running_header(), *second]])


def rows(result) -> list[tuple]:
    return [(record.area, record.year_start, record.year_end, record.action) for record in result.records]


def test_a_table_whose_cells_are_centred_in_their_rows_is_read_row_for_row():
    result = dol.parse_pdf(chapter(), year=2013)

    assert rows(result) == EXPECTED
    assert result.refusals == []
    assert [record.pages for record in result.records] == [(1,)] * 7 + [(2,)] * 3
    assert {record.table for record in result.records} == {"Table 12"}


@pytest.mark.parametrize(
    "parted",
    [{"gaps": False, "rules_drawn": True}, {"gaps": True, "rules_drawn": False}],
    ids=["rules only", "gaps only"],
)
def test_either_the_gaps_or_the_rules_between_rows_are_enough_to_tell_them_apart(parted):
    result = dol.parse_pdf(chapter(**parted), year=2013)

    assert rows(result) == EXPECTED
    assert result.refusals == []


def test_rows_printed_without_gaps_or_rules_between_them_are_refused_naming_the_pages():
    result = dol.parse_pdf(chapter(gaps=False, rules_drawn=False), year=2013)

    messages = [str(problem) for problem in result.refusals]
    assert any(message.startswith("page 1: ") and "the rows cannot be told apart" in message for message in messages)
    assert any(message.startswith("page 2: ") and "the rows cannot be told apart" in message for message in messages)


@needs_pdftotext
@pytest.mark.parametrize(("way", "outcome"), [("-layout", "refused"), ("-raw", "same")])
def test_its_text_is_read_the_same_or_refused_never_read_differently(way, outcome, tmp_path):
    # `-layout` text keeps no gaps or rules, so its centred years cannot be placed; `-raw`
    # text keeps the order the PDF draws its cells in, one row after another.
    result = dol.parse(pdftotext(chapter(), way, tmp_path), year=2013)

    assert ("refused" if result.refusals else "same" if rows(result) == EXPECTED else "different") == outcome


@pytest.mark.django_db
def test_the_import_stores_the_centred_tables_rows_and_refuses_the_unparted_one_storing_nothing():
    with pytest.raises(ValidationError, match=r"page 1: .*the rows cannot be told apart"):
        report_import(data=chapter(gaps=False, rules_drawn=False), kind="dol", country="AZ", report_year=2013)
    assert Source.objects.count() == 0

    report = report_import(data=chapter(), kind="dol", country="AZ", report_year=2013, language="en")

    assert report.created == len(EXPECTED)
    stored = Recommendation.objects.filter(source__report_year=2013).order_by("position")
    assert [(item.area, item.year_start, item.year_end, item.action) for item in stored] == EXPECTED
