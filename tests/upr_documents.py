"""Thematic lists of UPR recommendations built for a test, as OHCHR lays them out (Word)."""

import io
from pathlib import Path

import docx

UPR_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "upr"
CYCLE_2 = UPR_FIXTURES / "UPR20__Slovenia_ThematicListRecommendations_E.docx"
CYCLE_3 = UPR_FIXTURES / "UPR34_Slovenia_Thematic_list_of_Recommendations.docx"

CYCLE_3_COLUMNS = (
    "Recommendation",
    "Position",
    "Full list of themes",
    "Assessment/comments on level of implementation",
)


def recommendation_cell(number: str, text: str, source: str = "A/HRC/43/15 - Para 121") -> str:
    return f"{number} {text};\nSource of Position: {source}"


def thematic_list(
    rows: list,
    *,
    columns: tuple[str, ...] = CYCLE_3_COLUMNS,
    header: str = "UPR of Slovenia (3rd Cycle - 34th Session)\t\tThematic list of recommendations",
) -> bytes:
    """A DOCX of one table: `columns` as its first row, then `rows` — a string is a merged
    "Theme: …" row, a tuple one recommendation's cells in the columns' order."""
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    table = document.add_table(rows=1, cols=len(columns))
    for cell, heading in zip(table.rows[0].cells, columns, strict=True):
        cell.text = heading
    for row in rows:
        cells = table.add_row().cells
        if isinstance(row, str):
            merged = cells[0].merge(cells[-1])
            merged.text = row
            continue
        for cell, text in zip(cells, row, strict=False):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
