"""Which lines of a DOL suggested-actions table make each row, by where they are printed.

The reports print the table two ways:

- level (the 2014 reports on): a row's years cell is printed level with its first line of
  action, and so is the area label beside the first row of its area;
- centred (2013): every cell is centred vertically in its row, so a two-line action has its
  years between its lines and a three-line one beside its second; an area label is centred on
  the rows it covers.

A level table is read as it always was: each years cell starts a row, the action lines below
it belong to it. A table shows it is centred when a years cell is beside no line of action,
action text comes before the first years cell, or a gap or rule between two rows is followed
by a line with no years. It is then read by the rows' bounds: lines of action closer together
than the table's gaps between rows, with no rule across the action column between them, are
one row, and the one years cell within its height is its years. Where those bounds do not hold
exactly one years cell each (a table printed without gaps or rules), the rows cannot be told
apart and the document is refused.
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

from ..extract import Line, Word
from . import years as year_cells

# How much wider than the lines' own spacing (in lines of body text) a step between two lines
# of action must be to part two rows: the reports leave 2.7 to 3.2 points (0.26 to 0.35 lines)
# between a row and the next, and lines of a cell are evenly spaced.
ROW_GAP_LINES = 0.15
# How far (in lines) a cell's middle may be from its row's middle, or a label from the line it
# is level with.
LEVEL_LINES = 0.3
# A rule across this share of the action column parts two rows (an underline does not).
RULE_SPAN = 0.8


@dataclass(frozen=True)
class BodyLine:
    """A line of the table's body, cut into its columns."""

    page: int
    pitch: float
    line: Line
    labels: tuple[Word, ...]
    action: tuple[Word, ...]
    years: tuple[Word, ...]


@dataclass
class Row:
    page: int
    top: float
    years: str
    years_line: int
    lines: list[Line] = field(default_factory=list)
    area: str | None = None

    @property
    def pages(self) -> tuple[int, ...]:
        return tuple(sorted({self.page, *(line.page for line in self.lines)}))


@dataclass(frozen=True)
class Refusal:
    page: int
    message: str
    line: int = 0


def _text(words) -> str:
    return " ".join(word.text for word in words)


def rows_by_years(body: list[BodyLine]) -> tuple[list[Row], list[Refusal], bool]:
    """Rows as a level table prints them: each years cell starts one. Also whether the
    table showed it is not level (years beside no action, action before any years)."""
    rows: list[Row] = []
    refusals: list[Refusal] = []
    centred = False
    for entry in body:
        if entry.years:
            text = _text(entry.years)
            if rows and year_cells.is_open_cell(rows[-1].years) and not entry.action:
                rows[-1].years += " " + text
            else:
                rows.append(Row(entry.page, entry.line.top, text, entry.years[0].line))
                if not entry.action:
                    centred = True
                    refusals.append(
                        Refusal(
                            entry.page,
                            f"the years “{text}” are not level with the first line of an action; "
                            "the rows cannot be told apart.",
                            entry.years[0].line,
                        )
                    )
        if entry.action:
            if not rows:
                centred = True
                refusals.append(
                    Refusal(
                        entry.page,
                        f"“{_text(entry.action)[:60]}” is in the Suggested Action column before any Year(s) "
                        "Suggested cell.",
                        entry.action[0].line,
                    )
                )
            else:
                rows[-1].lines.append(Line(entry.line.page, entry.line.top, entry.action))
    return rows, refusals, centred


def bands(body: list[BodyLine], rules_across: dict[int, list[float]]) -> dict[int, list[list[BodyLine]]]:
    """Each page's lines of action grouped by the gaps and by the rules (`rules_across`: the
    tops of each page's rules across the action column) between them: a row each, if the
    table parts its rows so."""
    by_page: dict[int, list[BodyLine]] = {}
    for entry in body:
        if entry.action:
            by_page.setdefault(entry.page, []).append(entry)
    steps = [
        later.line.top - earlier.line.top
        for lines in by_page.values()
        for earlier, later in pairwise(lines)
        if later.line.top - earlier.line.top >= 0.5 * later.pitch
    ]
    leading = min(steps, default=None)
    grouped: dict[int, list[list[BodyLine]]] = {}
    for page, lines in by_page.items():
        rules = sorted(rules_across.get(page, []))
        groups: list[list[BodyLine]] = []
        for entry in lines:
            if groups:
                above = groups[-1][-1].line.top
                gap = leading is not None and entry.line.top - above >= leading + ROW_GAP_LINES * entry.pitch
                ruled = rule_between(rules, above, entry.line.top)
                if not gap and not ruled:
                    groups[-1].append(entry)
                    continue
            groups.append([entry])
        grouped[page] = groups
    return grouped


def rule_between(rules: list[float], above: float, below: float) -> bool:
    """Whether one of the sorted rule tops lies strictly between two lines' tops."""
    index = bisect_right(rules, above)
    return index < len(rules) and rules[index] < below


def confirmed(grouped: dict[int, list[list[BodyLine]]]) -> bool:
    """Whether the gaps and rules confirm where every row starts: no two rows share a band
    unless each is one line (then every line with years starts one, however aligned)."""
    return all(
        sum(1 for entry in group if entry.years) <= 1 or all(entry.years for entry in group)
        for groups in grouped.values()
        for group in groups
    )


def contradicted(grouped: dict[int, list[list[BodyLine]]]) -> bool:
    """Whether a gap or rule parts two rows where no years cell starts one: the years are
    not printed level with their row's first line."""
    return any(not group[0].years for groups in grouped.values() for group in groups[1:])


@dataclass
class _Cell:
    """A years cell: its text and its first and last line's top (a cell may wrap)."""

    page: int
    text: str
    top: float
    bottom: float
    line: int

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _years_cells(body: list[BodyLine]) -> list[_Cell]:
    cells: list[_Cell] = []
    for entry in body:
        if not entry.years:
            continue
        text = _text(entry.years)
        last = cells[-1] if cells else None
        if last and last.page == entry.page and year_cells.is_open_cell(last.text) and not entry.action:
            last.text, last.bottom = f"{last.text} {text}", entry.line.top
        else:
            cells.append(_Cell(entry.page, text, entry.line.top, entry.line.top, entry.years[0].line))
    return cells


def rows_by_bounds(
    body: list[BodyLine], grouped: dict[int, list[list[BodyLine]]], first_page: int
) -> tuple[list[Row], list[Refusal]]:
    """Rows as a centred table prints them: the lines between two gaps or rules, with the
    one years cell within their height."""
    cells_by_page: dict[int, list[_Cell]] = {}
    for cell in _years_cells(body):
        cells_by_page.setdefault(cell.page, []).append(cell)
    rows: list[Row] = []
    refusals: list[Refusal] = []
    for page in sorted(set(grouped) | set(cells_by_page)):
        cells = sorted(cells_by_page.get(page, []), key=lambda cell: cell.middle)
        middles = [cell.middle for cell in cells]
        placed = [False] * len(cells)
        for number, group in enumerate(grouped.get(page, [])):
            top, bottom = group[0].line.top, group[-1].line.top
            tolerance = LEVEL_LINES * group[0].pitch
            first, last = bisect_left(middles, top - tolerance), bisect_right(middles, bottom + tolerance)
            lines = [Line(entry.line.page, entry.line.top, entry.action) for entry in group]
            action = _text(group[0].action)[:60]
            for index in range(first, last):
                placed[index] = True
            if last - first > 1:
                years = ", ".join(f"“{cell.text}”" for cell in cells[first:last])
                refusals.append(
                    Refusal(
                        page,
                        f"the years {years} are all beside “{action}”, with no gap or rule between their rows: "
                        "the rows cannot be told apart.",
                        cells[first].line,
                    )
                )
            elif last == first:
                if number == 0 and page > first_page and rows:
                    rows[-1].lines.extend(lines)  # the row goes on from the page before
                    continue
                refusals.append(
                    Refusal(
                        page,
                        f"“{action}” has no Year(s) Suggested cell in its row; the rows cannot be told apart.",
                        group[0].action[0].line,
                    )
                )
            else:
                rows.append(Row(page, top, cells[first].text, cells[first].line, lines))
        refusals += [
            Refusal(page, f"the years “{cell.text}” are beside no row of the Suggested Action column.", cell.line)
            for cell, used in zip(cells, placed, strict=True)
            if not used
        ]
    return rows, refusals
