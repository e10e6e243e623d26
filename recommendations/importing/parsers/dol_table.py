"""The DOL suggested-actions table read by position: from a PDF or `pdftotext -layout` text.

1. The table starts at its column header ("Area / Suggested Action / Year(s) Suggested"),
   preferably the first one under the table's title ("Table 11. Suggested Government
   Actions …"); the header gives the columns' left edges.
2. On each page the body runs from below the header to the first wide vertical gap (the
   running footer below it), to "REFERENCES", a numbered section or another table's title.
   The next page continues the table only if the header is printed again near its top:
   the running header above it and the footer are never read.
3. Each years cell (right of the action column, after a gap) starts a row, level with the
   row's first line of action; action lines below belong to it until the next cell. The
   Area column's words are read as labels the format knows ("Legal" / "Framework" is one),
   each starting at the row it is level with.

Anything that does not fit — action text above the first years cell, a years cell not level
with an action, an unknown label, years outside 1995 to the report's year — is a fatal
problem: the document is refused rather than read wrong.
"""

import re
from dataclasses import dataclass, field

from recommendations.search import fold_letters

from ..extract import Line, Page, Word, lines_of
from . import years as year_cells
from .base import ParsedRecommendation, ParseResult, Problem, join_lines, label_words, split_glued_words

TITLE = re.compile(r"^(?:table\s+(?P<number>\d+)\s*[.:]?\s*)?suggested\s+government\s+actions\b")
ANY_TABLE_TITLE = re.compile(r"^table\s+\d+\s*[.:]")
END_OF_TABLE = re.compile(r"^(?:references|istinadlar|m[eə]nb[eə]l[eə]r)\b|^[ivx]+\.\s+\w")
AREA_HEADINGS = {"area", "sahe"}
ACTION_HEADINGS = {"suggested", "meslehet"}
YEARS_HEADINGS = {"year", "years", "il", "iller"}
# A gap this many lines high ends a page's table body: what follows is the running footer.
END_GAP_LINES = 2.6
# How far (in lines) the header's parts may be from its "Area" line: "Year(s)" above it,
# "Suggested" below, as a narrow column prints them.
HEADER_SPREAD_LINES = 1.6
# How close the title must be above the header, in lines.
TITLE_DISTANCE_LINES = 5


@dataclass
class _Header:
    page: int
    top: float
    bottom: float
    area_x: float
    action_x: float
    years_x: float
    table: str


@dataclass
class _Row:
    page: int
    top: float
    years: str
    years_line: int
    lines: list[Line] = field(default_factory=list)
    area: str | None = None

    @property
    def pages(self) -> tuple[int, ...]:
        return tuple(sorted({self.page, *(line.page for line in self.lines)}))


def _folded_words(line: Line) -> list[str]:
    return [" ".join(label_words(word.text)) for word in line.words]


def _find_header(page: Page, lines: list[Line]) -> _Header | None:
    tolerance = HEADER_SPREAD_LINES * page.pitch
    for index, line in enumerate(lines):
        words = _folded_words(line)
        if not words or words[0] not in AREA_HEADINGS or len(words) < 2 or words[1] not in ACTION_HEADINGS:
            continue
        area_x, action_x = line.words[0].x0, line.words[1].x0
        years_x = None
        # The years heading on the same line: the first word after a column gap.
        for previous, word in zip(line.words[1:], line.words[2:], strict=False):
            if word.x0 - previous.x1 >= page.column_gap:
                years_x = word.x0
                break
        near = [other for other in lines if other is not line and abs(other.top - line.top) <= tolerance]
        if years_x is None:
            candidates = [word.x0 for other in near for word in other.words if word.x0 > action_x + page.column_gap]
            if not candidates:
                continue
            years_x = min(candidates)
        header_lines = [line] + [
            other for other in near if all(word.x0 >= years_x - page.column_gap for word in other.words)
        ]
        table = ""
        for above in reversed(lines[:index]):
            if line.top - above.top > TITLE_DISTANCE_LINES * page.pitch:
                break
            title = TITLE.match(fold_letters(above.text).strip())
            if title:
                table = f"Table {title['number']}" if title["number"] else ""
                break
        return _Header(
            page=page.number,
            top=min(other.top for other in header_lines),
            bottom=max(other.top for other in header_lines),
            area_x=area_x,
            action_x=action_x,
            years_x=years_x,
            table=table,
        )
    return None


def _ends_table(line: Line) -> bool:
    folded = fold_letters(line.text).strip()
    return bool(END_OF_TABLE.match(folded) or (ANY_TABLE_TITLE.match(folded) and not TITLE.match(folded)))


def _split(line: Line, header: _Header, page: Page) -> tuple[list[Word], list[Word], list[Word]]:
    """A body line's label words, action words and years words."""
    edge = page.column_gap
    labels = [word for word in line.words if word.x1 <= header.action_x - edge / 2 or word.x0 < header.action_x - edge]
    rest = [word for word in line.words if word not in labels]
    years: list[Word] = []
    threshold = header.action_x + 0.6 * (header.years_x - header.action_x)
    # The years are the words after the rightmost wide gap, if they are all years words.
    for index in range(len(rest)):
        candidate = rest[index:]
        gap_before = rest[index].x0 - rest[index - 1].x1 if index else rest[index].x0 - header.action_x
        if (
            rest[index].x0 >= threshold
            and (index == 0 or gap_before >= edge)
            and all(year_cells.is_token(word.text) for word in candidate)
            and (
                year_cells.is_cell(" ".join(word.text for word in candidate))
                or year_cells.is_open_cell(" ".join(word.text for word in candidate))
            )
        ):
            years = candidate
            rest = rest[:index]
            break
    return labels, rest, years


def read_table(pages: list[Page], *, report_year: int | None, labels: dict[tuple[str, ...], str]) -> ParseResult:
    result = ParseResult()

    def refuse(page: int, message: str, line: int = 0) -> None:
        result.problems.append(Problem(line, message, fatal=True, page=page))

    def note(page: int, message: str, line: int = 0) -> None:
        result.problems.append(Problem(line, message, page=page))

    page_lines = {page.number: lines_of(page.words, page.number, 0.15 * page.pitch) for page in pages}
    headers = {page.number: _find_header(page, page_lines[page.number]) for page in pages}
    first = next((header for header in headers.values() if header and header.table), None) or next(
        (header for header in headers.values() if header), None
    )
    if first is None:
        return result

    rows: list[_Row] = []
    # Area column words in reading order, with the row each is level with.
    label_tokens: list[tuple[str, Word, int, int | None]] = []
    header = first
    ended = False
    for page in pages:
        if page.number < first.page or ended:
            continue
        if page.number > first.page:
            again = headers[page.number]
            if again is None:
                break
            before = [line for line in page_lines[page.number] if line.top < again.top]
            if any(END_OF_TABLE.match(fold_letters(line.text).strip()) for line in before):
                break
            header = _Header(**{**again.__dict__, "table": again.table or first.table})
        previous_top = header.bottom
        for line in page_lines[page.number]:
            if line.top <= header.bottom:
                continue
            if line.top - previous_top > END_GAP_LINES * page.pitch:
                break  # the running footer
            # A heading may sit a little above or below the baseline of text beside it.
            band = [other for other in page_lines[page.number] if abs(other.top - line.top) <= 0.6 * page.pitch]
            if any(_ends_table(other) for other in band):
                ended = True
                break
            previous_top = line.top
            line_labels, action, years = _split(line, header, page)
            if years:
                text = " ".join(word.text for word in years)
                if rows and year_cells.is_open_cell(rows[-1].years) and not action:
                    rows[-1].years += " " + text
                else:
                    rows.append(_Row(page.number, line.top, text, years[0].line))
                    if not action:
                        refuse(
                            page.number,
                            f"the years “{text}” are not level with the first line of an action; "
                            "the rows cannot be told apart.",
                            years[0].line,
                        )
            if action:
                if not rows:
                    refuse(
                        page.number,
                        f"“{' '.join(word.text for word in action)[:60]}” is in the Suggested Action column "
                        "before any Year(s) Suggested cell.",
                        action[0].line,
                    )
                else:
                    rows[-1].lines.append(Line(line.page, line.top, tuple(action)))
            for word in line_labels:
                row_index = len(rows) - 1 if rows else None
                level = (
                    row_index is not None
                    and rows[row_index].page == page.number
                    and abs(rows[row_index].top - line.top) <= 0.3 * page.pitch
                )
                label_tokens.append((" ".join(label_words(word.text)), word, page.number, row_index if level else None))

    _assign_areas(rows, label_tokens, labels, refuse)
    for number, row in enumerate(rows, start=1):
        span, message, fatal = year_cells.check(row.years, report_year)
        if message:
            (refuse if fatal else note)(row.page, f"row {number}: {message}", row.years_line)
        if span is None:
            continue
        if row.area is None:
            refuse(row.page, f"row {number} has no area label above it.", row.years_line)
        lines = [line.text for line in row.lines]
        numbers = [word.line for line in row.lines for word in line.words if word.line]
        result.records.append(
            ParsedRecommendation(
                area=row.area,
                action=split_glued_words(join_lines(lines)),
                year_start=span[0],
                year_end=span[1],
                priority=False,
                position=number,
                line=min(numbers) if numbers else 0,
                line_end=max(numbers) if numbers else 0,
                pages=row.pages,
                table=header.table,
            )
        )
    return result


def _assign_areas(rows: list[_Row], tokens, labels: dict[tuple[str, ...], str], refuse) -> None:
    """Read the Area column's words as known labels, longest first; each sets the area from
    the row its first word is level with."""
    longest = max((len(words) for words in labels), default=1)
    index = 0
    starts: list[tuple[int, str]] = []
    while index < len(tokens):
        for size in range(min(longest, len(tokens) - index), 0, -1):
            words = tuple(word for token in tokens[index : index + size] for word in token[0].split())
            code = labels.get(words)
            if code is None:
                continue
            _text, word, page, row_index = tokens[index]
            if row_index is None:
                refuse(page, f"the area label “{word.text}” is not level with the first line of a row.", word.line)
            else:
                starts.append((row_index, code))
            index += size
            break
        else:
            _text, word, page, _row = tokens[index]
            refuse(page, f"“{word.text}” in the Area column is not an area label of DOL reports.", word.line)
            index += 1
    area = None
    starts_by_row = dict(starts)
    for index, row in enumerate(rows):
        area = starts_by_row.get(index, area)
        row.area = area
