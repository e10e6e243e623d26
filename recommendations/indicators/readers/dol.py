"""DOL enforcement tables read by position: "Table 6. Labor Law Enforcement Efforts Related
to Child Labor" and "Table 7. Criminal Law Enforcement Efforts Related to …".

1. A table starts at its title; "(cont)" after the title on the next page continues it, and
   is read the same way. The header line under the title ("Overview of … Enforcement",
   then the two years) gives each year column's centre.
2. The body runs while its lines are in the header's type size and close together; a wider
   gap, another size (the text below, the running footer) or another title ends it.
3. A line's trailing words that are values ("Unknown", "N/A", "Yes", "No", "11,345", "$1,000",
   each optionally with its citation numbers "(18, 37)") are its cells, each in the column
   whose centre is nearest; the words before them are its label. A small bullet glyph or an
   indent marks a sub-row (↳), which belongs to the row above it. A label without cells is a
   group heading ("Training for Labor Inspectors"), or the first line of a label continued
   below, or a label whose cells are printed on the line below it.
4. A row whose label the vocabulary does not know, a cell that is not a value, or a value of
   the wrong unit ("Yes" in a count row) is an unread figure, never a guess.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from recommendations.importing.extract import Line, Page, Word, lines_of

from ..vocabulary import COUNT, DOL_TABLE_TITLES, MONEY, YES_NO, IndicatorDefinition
from . import Reading, ReadValue, UnreadFigure

_CELL = re.compile(
    r"^(?P<value>unknown|n/a|yes|no|\$?\s?\d{1,3}(?:,\d{3})+(?:\.\d+)?|\$?\s?\d+(?:\.\d+)?)\*?"
    r"\s*(?:\((?P<citations>\d+(?:\s*,\s*\d+)*)\))?\*?$",
    re.IGNORECASE,
)
_VALUE_WORD = re.compile(r"^(unknown|n/a|yes|no|\$?\d[\d,.]*|\(?\d+(,\d*)*\)?,?|\(\d+,?|\d+\)|\*)$", re.IGNORECASE)
_YEAR = re.compile(r"^(19|20)\d\d$")
# Lines of one table are at most this many lines of body text apart.
ROW_GAP_LINES = 1.7
# How far (in lines) below its title a table's header may stand.
HEADER_DISTANCE_LINES = 3


@dataclass
class _Table:
    group: str
    name: str
    page: int
    columns: list[tuple[str, float]]
    size: float
    label_x: float


@dataclass
class _Row:
    label: str
    sub_row: bool
    page: int
    cells: dict[str, str] = field(default_factory=dict)
    # The line above, when it had no cells: either the first line of this label or a heading.
    above: str = ""


def read_dol_tables(pages: Sequence[Page], *, definitions: Sequence[IndicatorDefinition], language: str) -> Reading:
    reading = Reading()
    by_label = {(definition.group, label): definition for definition in definitions for label in definition.labels}
    seen: dict[tuple[str, int], ReadValue] = {}
    doubtful: set[tuple[str, int]] = set()
    for page in pages:
        lines = lines_of(page.words, page.number, 0.15 * page.pitch)
        for index, line in enumerate(lines):
            table = _table_at(line, lines[index + 1 :], page)
            if table is None:
                continue
            parent = ""
            for row in _rows(table, lines[index + 1 :], page):
                joined = f"{row.above} {row.label}"
                definition = by_label.get((table.group, _folded(joined))) if row.above else None
                if definition is not None:
                    row.label = joined
                else:
                    definition = by_label.get((table.group, _folded(row.label)))
                    if row.above:
                        parent = row.above  # a heading over the rows below it
                if not row.sub_row and (definition is not None or not row.cells):
                    parent = row.label
                if not row.cells:
                    continue
                location = {"table": table.name, "row": row.label, "page": row.page}
                if row.sub_row and parent:
                    location["parent_row"] = parent
                for column, cell in row.cells.items():
                    where = {**location, "column": column}
                    quote = f"{table.name}: {row.label} — {column}: {cell}"
                    if definition is None:
                        reading.unread.append(UnreadFigure(cell, "this row is not in the vocabulary", quote, where))
                        continue
                    value, reason = _value_of(cell, definition)
                    if value is None:
                        reading.unread.append(UnreadFigure(cell, f"{definition.code}: {reason}", quote, where))
                        continue
                    value.code, value.year, value.location, value.language = (
                        definition.code,
                        int(column),
                        where,
                        language,
                    )
                    key = (definition.code, value.year)
                    if key in seen:
                        if seen[key].as_json() | {"location": None} != value.as_json() | {"location": None}:
                            doubtful.add(key)
                        continue
                    seen[key] = value
                    reading.values.append(value)
    for key in sorted(doubtful):
        value = seen[key]
        reading.values = [other for other in reading.values if (other.code, other.year) != key]
        reading.unread.append(
            UnreadFigure(
                value.printed, f"{value.code} {value.year} is stated twice with different values", "", value.location
            )
        )
    return reading


def _folded(text: str) -> str:
    return " ".join(text.lower().replace("*", " ").split())


def _table_at(line: Line, below: list[Line], page: Page) -> _Table | None:
    titled = [(group, title.match(line.text)) for group, title in DOL_TABLE_TITLES.items()]
    found = [(group, match) for group, match in titled if match]
    if not found:
        return None
    group, match = found[0]
    for header in below[:4]:
        if header.top - line.top > HEADER_DISTANCE_LINES * page.pitch:
            return None
        years = [word for word in header.words if _YEAR.match(word.text)]
        if len(years) >= 2 and header.words[0].text.lower() == "overview":
            return _Table(
                group=group,
                name=f"Table {match.group(1)}",
                page=page.number,
                columns=[(word.text, (word.x0 + word.x1) / 2) for word in years],
                size=header.words[0].size,
                label_x=header.words[0].x0,
            )
    return None


def _rows(table: _Table, below: list[Line], page: Page) -> list[_Row]:
    rows: list[_Row] = []
    pending: _Row | None = None
    header_seen = False
    previous_top = None
    first_column = min(centre for _year, centre in table.columns)
    spacing = max(centre for _year, centre in table.columns) - first_column
    value_from = first_column - 0.75 * spacing
    for line in below:
        if not header_seen:
            header_seen = line.words[0].text.lower() == "overview"
            previous_top = line.top
            continue
        if previous_top is not None and line.top - previous_top > ROW_GAP_LINES * page.pitch:
            break
        if any(abs(word.size - table.size) > 0.6 and word.size > 0.8 * table.size for word in line.words):
            break
        previous_top = line.top
        label_words, value_words = _split(line.words, value_from)
        sub_row = False
        if label_words and label_words[0].size <= 0.8 * table.size:
            label_words, sub_row = label_words[1:], True  # the ↳ bullet glyph
        if label_words and label_words[0].x0 > table.label_x + 6:
            sub_row = True
        label = " ".join(word.text for word in label_words)
        cells = _cells(value_words, table)
        if label and not cells:
            pending = _Row(label=label, sub_row=sub_row, page=page.number)
            continue
        if not label and cells:
            if pending is None:
                rows.append(_Row(label="", sub_row=False, page=page.number, cells=cells))
                continue
            pending.cells = cells
            rows.append(pending)
            pending = None
            continue
        # After a label without cells: a wrapped label ("Number of Child Labor Violations for
        # Which" / "Penalties …") or a heading over this row; the vocabulary tells them apart.
        above = pending.label if pending is not None else ""
        pending = None
        rows.append(_Row(label=label, sub_row=sub_row, page=page.number, cells=cells, above=above))
    return rows


def _split(words: tuple[Word, ...], value_from: float) -> tuple[list[Word], list[Word]]:
    split = len(words)
    while split > 0 and words[split - 1].x0 >= value_from and _VALUE_WORD.match(words[split - 1].text):
        split -= 1
    return list(words[:split]), list(words[split:])


def _cells(words: list[Word], table: _Table) -> dict[str, str]:
    cells: dict[str, list[str]] = {}
    for word in words:
        centre = (word.x0 + word.x1) / 2
        year = min(table.columns, key=lambda column: abs(column[1] - centre))[0]
        cells.setdefault(year, []).append(word.text)
    return {year: " ".join(texts) for year, texts in cells.items()}


def _value_of(cell: str, definition: IndicatorDefinition) -> tuple[ReadValue | None, str]:
    match = _CELL.match(cell.strip())
    if match is None:
        return None, "the cell is not a value this reader knows"
    raw = match["value"].lower().replace(" ", "")
    citations = ", ".join(part.strip() for part in (match["citations"] or "").split(",") if part.strip())
    value = ReadValue(code="", year=0, state="", printed=cell, citations=citations)
    if raw in ("unknown", "n/a"):
        value.state = "unknown" if raw == "unknown" else "not_applicable"
    elif raw in ("yes", "no"):
        if definition.unit != YES_NO:
            return None, "yes or no in a row that counts"
        value.state = raw
    else:
        if definition.unit == YES_NO:
            return None, "a number in a yes-or-no row"
        if raw.startswith("$") and definition.unit != MONEY:
            return None, "an amount of money in a row that counts"
        if definition.unit == MONEY and not raw.startswith("$"):
            return None, "an amount without its currency"
        value.state = "number"
        value.number = Decimal(raw.lstrip("$").replace(",", ""))
        value.currency = "USD" if definition.unit == MONEY else ""
    assert definition.unit in (COUNT, MONEY, YES_NO)
    return value, ""
