"""UN Universal Periodic Review: OHCHR's "thematic list of recommendations" (Word), read by
its table's cells with python-docx.

The table's first row names its columns: "Recommendation", "Position", "Full list of themes"
and "Assessment/comments on level of implementation" in cycles 2 and 3; newer cycles add
"SDGs" and "Groups of Persons" columns (and may rename the others: columns are found by the
words of their headings, any order). A merged "Theme: …" row opens each group: its heading is
the group's area (one of the UPR theme headings, `tags.vocabularies.UPR_THEMES`). Each row is
read by `upr_cells`; a row that cannot be read with certainty makes a refusal naming its row.

The country is read from the page header ("UPR of Slovenia (3rd Cycle - 34th Session)") and
compared with the one chosen; the year is the one chosen (the list does not print it).
"""

import dataclasses
import io
import re
import zipfile

from recommendations.tags.vocabularies import THEME_CODE, Vocabulary, term_code, term_words, upr_theme_headings

from .base import DocumentRejected, ParsedRecommendation, ParseResult, Problem, ProgressCallback, normalize_text
from .upr_cells import Terms, Unreadable, read_position, read_recommendation, read_terms

DOCX_MAGIC = b"PK\x03\x04"
THEME_ROW = re.compile(r"^\s*Theme\s*:\s*(.+?)\s*$", re.IGNORECASE | re.DOTALL)
COUNTRY = re.compile(r"\bUPR\s+of\s+(.+?)\s*\(", re.IGNORECASE)
# Column → the words its heading begins with (folded); "assessment" is the NGOs' own column.
COLUMNS = {
    "recommendation": (("recommendation",), ("recommendations",)),
    "position": (("position",),),
    "themes": (("full", "list", "of", "themes"), ("themes",), ("theme",)),
    "sdgs": (("sdgs",), ("sdg",), ("sustainable", "development")),
    "groups": (("groups",), ("affected",), ("group",)),
    "assessment": (("assessment",),),
}


def is_docx(data: bytes) -> bool:
    return data[:4] == DOCX_MAGIC


def parse_text(text: str, *, year: int, country: str = "", progress: ProgressCallback | None = None) -> ParseResult:
    raise DocumentRejected("A UPR thematic list is imported from its Word document (.docx), as OHCHR publishes it.")


def parse_pdf(data: bytes, *, year: int, country: str = "", progress: ProgressCallback | None = None) -> ParseResult:
    return parse_text("", year=year, country=country)


def _column(heading: str) -> str:
    words = term_words(heading)
    for name, starts in COLUMNS.items():
        if any(words[: len(start)] == start for start in starts):
            return name
    return ""


def _cells(row) -> list[str]:
    return [normalize_text(cell.text) for cell in row.cells]


def _country(document) -> str:
    texts = [paragraph.text for section in document.sections for paragraph in section.header.paragraphs]
    texts += [paragraph.text for paragraph in document.paragraphs[:20]]
    for text in texts:
        match = COUNTRY.search(normalize_text(text))
        if match:
            return match[1].strip()
    return ""


def _open(data: bytes):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentRejected(f"The Word document could not be read ({exc.__class__.__name__}).") from None


def parse_docx(data: bytes, *, year: int, country: str = "", progress: ProgressCallback | None = None) -> ParseResult:
    """The recommendations of a thematic list, each with its paragraph number, States,
    position and its source, themes, SDGs and groups; its area is the theme heading above it."""
    document = _open(data)
    tables = []
    for table in document.tables:
        if not table.rows:
            continue
        columns = [_column(cell) for cell in _cells(table.rows[0])]
        if "recommendation" in columns and "position" in columns:
            tables.append((table, columns))
    if not tables:
        raise DocumentRejected(
            "No thematic list found: the document has no table whose first row names "
            "the “Recommendation” and “Position” columns."
        )
    result = ParseResult(country_name=_country(document))
    headings = upr_theme_headings()
    numbers: dict[str, int] = {}
    for table_index, (table, columns) in enumerate(tables, start=1):
        table_name = f"Table {table_index}" if len(tables) > 1 else ""
        for index, name in enumerate(columns):
            if not name:
                heading = " ".join(_cells(table.rows[0])[index].split())
                result.problems.append(Problem(0, f"the column “{heading}” is not read.", row=1))
        area: str | None = None
        for row_number, row in enumerate(list(table.rows)[1:], start=2):
            cells = _cells(row)
            theme = THEME_ROW.match(cells[0]) if cells else None
            if theme and len(set(cells)) == 1:
                area = headings.get(term_words(theme[1]))
                if area is None:
                    result.problems.append(
                        Problem(
                            0,
                            f"the theme heading “{theme[1]}” is not a UPR area the tracker knows "
                            "(tags/vocabularies.py, UPR_THEMES).",
                            fatal=True,
                            row=row_number,
                        )
                    )
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(columns):
                result.problems.append(
                    Problem(0, f"the row has {len(cells)} cells, the table {len(columns)}.", fatal=True, row=row_number)
                )
                continue
            by_column = dict(zip(columns, cells, strict=True))
            try:
                record = _record(by_column, area=area, year=year, row=row_number, table=table_name)
            except Unreadable as exc:
                result.problems.append(Problem(0, str(exc), fatal=True, row=row_number))
                continue
            if record.number in numbers:
                result.problems.append(
                    Problem(
                        0,
                        f"paragraph {record.number} again (first in row {numbers[record.number]}).",
                        fatal=True,
                        row=row_number,
                    )
                )
                continue
            numbers[record.number] = row_number
            if area is None:
                result.problems.append(Problem(0, "no “Theme: …” heading above this row: no area.", row=row_number))
            result.records.append(dataclasses.replace(record, position=len(result.records) + 1))
    if progress:
        progress(len(result.records), len(result.records))
    if not result.records and not result.refusals:
        raise DocumentRejected("The thematic list has no recommendations.")
    return result


def _record(cells: dict[str, str], *, area: str | None, year: int, row: int, table: str) -> ParsedRecommendation:
    recommendation = read_recommendation(cells["recommendation"])
    position = read_position(cells["position"])
    terms = Terms()
    if "themes" in cells:
        read_terms(cells["themes"], terms=terms)
    if "sdgs" in cells:
        read_terms(cells["sdgs"], section="sdgs", terms=terms)
    if "groups" in cells:
        read_terms(cells["groups"], section="groups", terms=terms)
    tags = {
        Vocabulary.THEME.value: _unique([THEME_CODE.sub("", theme) for theme in terms.themes]),
        Vocabulary.GROUP.value: _unique(terms.groups),
        Vocabulary.SDG.value: tuple(dict.fromkeys(terms.sdgs)),
        Vocabulary.STATE.value: recommendation.states,
        Vocabulary.POSITION.value: (position,),
    }
    return ParsedRecommendation(
        area=area,
        action=recommendation.text,
        year_start=year,
        year_end=year,
        priority=False,
        position=0,
        line=0,
        table=table,
        row=row,
        number=recommendation.number,
        position_source=recommendation.position_source,
        tags=tags,
    )


def _unique(names: list[str]) -> tuple[str, ...]:
    """Names as printed, each term once (by its code: "Children" and "children" are one)."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(term_code(name), name)
    return tuple(seen.values())
