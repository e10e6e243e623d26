"""The DOL suggested-actions table read by position: from a PDF or `pdftotext -layout` text.

1. The table starts at its column header ("Area / Suggested Action / Year(s) Suggested"),
   preferably the first one under the table's title ("Table 11. Suggested Government
   Actions …"); the header gives the columns' left edges.
2. On each page the body runs from below the header to the running footer (after the
   first wide vertical gap, or printed close below the last row: "2021 FINDINGS ON THE
   WORST FORMS OF CHILD LABOR 9"), to "REFERENCES", a numbered section or another table's
   title. The next page continues the table if the header is printed again near its top;
   after the table stopped, a later page continues it only under the table's title marked
   "(Cont.)" — the header again without it refuses the document, another table's title ends
   the reading. The running header above the header and the footer are never read.
3. Each line is cut into its Area, Suggested Action and Year(s) Suggested words by the
   header's columns. Which lines make a row — each years cell level with its row's first
   line (2014 on), or centred on its row (2013) — is `dol_rows`; which rows an area label
   covers, `dol_labels`.

Anything that does not fit — action text no years cell can be told to belong to, an unknown
label, a label that fits no row or more than one, years outside 1995 to the report's year —
is a fatal problem: the document is refused rather than read wrong.
"""

import bisect
import re
from dataclasses import dataclass

from recommendations.search import fold_letters

from ..extract import Line, Page, Rule, Word, lines_of
from . import dol_labels, dol_rows
from . import years as year_cells
from .base import ParsedRecommendation, ParseResult, Problem, join_lines, label_words, split_glued_words

TITLE = re.compile(r"^(?:table\s+(?P<number>\d+)\s*[.:]?\s*)?suggested\s+government\s+actions\b")
ANY_TABLE_TITLE = re.compile(r"^table\s+\d+\s*[.:]")
END_OF_TABLE = re.compile(r"^(?:references|istinadlar|m[eə]nb[eə]l[eə]r)\b|^[ivx]+\.\s+\w")
# Page furniture (matched on folded text): the running footer ("2021 FINDINGS ON THE WORST
# FORMS OF CHILD LABOR 9", "8 BUREAU OF INTERNATIONAL LABOR AFFAIRS"), the running header's
# advancement line and a continued table's "(cont)". Never part of a row.
RUNNING_LINE = re.compile(
    r"^\(cont(?:inued)?\.?\)$|bureau\s+of\s+international\s+labor\s+affairs"
    r"|^\d{4}\s*findings\s*on\s*the\s*worst\s*forms|^(?:no|minimal|moderate|significant)\s+advancement\b"
)
ADVANCEMENT = re.compile(r"^(?:no|minimal|moderate|significant)\s+advancement\b")
# A country's name printed as a running header: one to three capitalised words (on the
# original text). Words are apart by spaces, so each character is read once.
_NAME = r"[A-ZÇƏĞİÖŞÜ][\w’'-]*"
COUNTRY_LINE = re.compile(rf"^{_NAME}(?:\s+{_NAME}){{0,2}}\s*$")
# A number alone on a line, too short to be a year: the page number.
PAGE_NUMBER = re.compile(r"^\d{1,3}$")
CONTINUED = re.compile(r"\(cont(?:inued)?\.?\)")
# The running footer as a line of its own, its page number before or after it.
FOOTER = re.compile(
    r"^(?:\d{1,4}\s+)?(?:\d{4}\s*findings\s*on\s*the\s*worst\s*forms\s*of\s*child\s*labou?r"
    r"|bureau\s+of\s+international\s+labor\s+affairs)(?:\s+\d{1,4})?$"
)
AREA_HEADINGS = {"area", "sahe"}
ACTION_HEADINGS = {"suggested", "meslehet"}
# A gap this many lines high ends a page's table body: what follows is the running footer.
END_GAP_LINES = 2.6
# How far (in lines) the header's parts may be from its "Area" line: "Year(s)" above it,
# "Suggested" below, as a narrow column prints them.
HEADER_SPREAD_LINES = 1.6
# How close the title must be above the header, in lines.
TITLE_DISTANCE_LINES = 5
# The most words a Year(s) Suggested cell prints on one line ("2009 – 2011, 2013 – 2015" is 7).
MAX_YEARS_WORDS = 12


@dataclass
class _Header:
    page: int
    top: float
    bottom: float
    area_x: float
    action_x: float
    years_x: float
    table: str
    # A title is printed above the header; it says "(Cont.)": the table goes on here.
    titled: bool = False
    continued: bool = False


def _folded_words(line: Line) -> list[str]:
    return [" ".join(label_words(word.text)) for word in line.words]


def _within(lines: list[Line], tops: list[float], top: float, distance: float) -> list[Line]:
    """The lines (sorted top to bottom, as `lines_of` gives them; `tops` their tops) whose
    top is within `distance` of `top`: found by bisection, not by looking at every line."""
    return lines[bisect.bisect_left(tops, top - distance) : bisect.bisect_right(tops, top + distance)]


def _find_header(page: Page, lines: list[Line]) -> _Header | None:
    tolerance = HEADER_SPREAD_LINES * page.pitch
    tops = [line.top for line in lines]
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
        near = [other for other in _within(lines, tops, line.top, tolerance) if other is not line]
        if years_x is None:
            candidates = [word.x0 for other in near for word in other.words if word.x0 > action_x + page.column_gap]
            if not candidates:
                continue
            years_x = min(candidates)
        # The years heading's other lines ("Year(s)" above, "Suggested" below): not a first
        # row's years cell centred close below the header.
        header_lines = [line] + [
            other
            for other in near
            if all(word.x0 >= years_x - page.column_gap for word in other.words)
            and not any(character.isdigit() for character in other.text)
        ]
        table, titled, continued = "", False, False
        for above in reversed(lines[:index]):
            if line.top - above.top > TITLE_DISTANCE_LINES * page.pitch:
                break
            folded = fold_letters(above.text).strip()
            title = TITLE.match(folded)
            if title:
                table = f"Table {title['number']}" if title["number"] else ""
                titled, continued = True, bool(CONTINUED.search(folded))
                break
        return _Header(
            page=page.number,
            top=min(other.top for other in header_lines),
            bottom=max(other.top for other in header_lines),
            area_x=area_x,
            action_x=action_x,
            years_x=years_x,
            table=table,
            titled=titled,
            continued=continued,
        )
    return None


def _ends_table(line: Line) -> bool:
    folded = fold_letters(line.text).strip()
    return bool(END_OF_TABLE.match(folded) or (ANY_TABLE_TITLE.match(folded) and not TITLE.match(folded)))


def _split(line: Line, header: _Header, page: Page) -> tuple[list[Word], list[Word], list[Word]]:
    """A body line's label words, action words and years words."""
    edge = page.column_gap
    labels: list[Word] = []
    rest: list[Word] = []
    for word in line.words:
        in_area = word.x1 <= header.action_x - edge / 2 or word.x0 < header.action_x - edge
        (labels if in_area else rest).append(word)
    years: list[Word] = []
    threshold = header.action_x + 0.6 * (header.years_x - header.action_x)
    # The years are the words after the rightmost wide gap, if they are all years words: only
    # the line's last few words can be, so a hostile line of thousands costs no more.
    first = len(rest)
    while first > 0 and len(rest) - first < MAX_YEARS_WORDS and year_cells.is_token(rest[first - 1].text):
        first -= 1
    for index in range(first, len(rest)):
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


def _is_footer(line: Line) -> bool:
    return bool(FOOTER.match(fold_letters(line.text).strip()))


def _body(page: Page, lines: list[Line], header: _Header) -> tuple[list[Line], str]:
    """The page's lines of the table below `header`, and the text of the table's end if
    the table ends on this page ("" if it may go on). The running footer ends a page's body:
    after a wide gap, or printed close below the last row."""
    body: list[Line] = []
    tops = [line.top for line in lines]
    previous_top = header.bottom
    for line in lines:
        if line.top <= header.bottom:
            continue
        if line.top - previous_top > END_GAP_LINES * page.pitch:
            break
        # A heading may sit a little above or below the baseline of text beside it.
        band = _within(lines, tops, line.top, 0.6 * page.pitch)
        if any(_ends_table(other) for other in band):
            return body, line.text
        if any(_is_footer(other) for other in band):
            # The page number may sit on a baseline of its own just above the footer.
            if body and PAGE_NUMBER.match(body[-1].text) and line.top - body[-1].top <= 1.5 * page.pitch:
                body.pop()
            break
        body.append(line)
        previous_top = line.top
    return body, ""


def _dividers(page: Page, header: _Header) -> tuple[list[float], list[float]]:
    """The tops of the page's rules across the action column, and across the Area column."""

    def across(rule: Rule, left: float, right: float) -> bool:
        return min(rule.x1, right) - max(rule.x0, left) >= dol_rows.RULE_SPAN * (right - left)

    action = [rule.top for rule in page.rules if across(rule, header.action_x, header.years_x)]
    area = [rule.top for rule in page.rules if across(rule, header.area_x, header.action_x - page.column_gap)]
    return action, area


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

    body: list[dol_rows.BodyLine] = []
    action_rules: dict[int, list[float]] = {}
    area_rules: dict[int, list[float]] = {}
    header = first
    # Where and why the table stopped being read: only a "(Cont.)" title resumes it.
    stopped: tuple[int, str] | None = None
    for page in pages:
        if page.number < first.page:
            continue
        if page.number > first.page:
            again = headers[page.number]
            if again is None:
                stopped = stopped or (page.number - 1, "the next page does not print the table's header")
                continue
            other_table = bool(again.table and first.table and again.table != first.table)
            if other_table or (stopped is not None and again.titled and not again.continued):
                break  # another table (the next country's chapter)
            above = [line for line in page_lines[page.number] if line.top < again.top]
            if stopped is None and not again.continued and any(_ends_table(line) for line in above):
                stopped = (page.number, "its end is printed above the header")
            if stopped is not None:
                if not again.continued:
                    refuse(
                        page.number,
                        f"the table's header is printed again after the table stopped on page {stopped[0]} "
                        f"({stopped[1]}), with no “(Cont.)” title: it cannot be told whether the table goes on here.",
                    )
                    break
                note(page.number, f"the table goes on here (“(Cont.)”) after it stopped on page {stopped[0]}.")
                stopped = None
            header = _Header(**{**again.__dict__, "table": again.table or first.table})
        if stopped is not None:
            continue
        body_lines, end = _body(page, page_lines[page.number], header)
        if end:
            stopped = (page.number, f"“{end[:40]}”")
        for line in body_lines:
            body.append(dol_rows.BodyLine(page.number, page.pitch, line, *map(tuple, _split(line, header, page))))
        action_rules[page.number], area_rules[page.number] = _dividers(page, header)

    rows = _read_rows(body, action_rules, area_rules, first.page, labels, refuse)
    for number, row in enumerate(rows, start=1):
        span, message, fatal = year_cells.check(row.years, report_year)
        if message:
            (refuse if fatal else note)(row.page, f"row {number}: {message}", row.years_line)
        if span is None:
            continue
        if row.area is None:
            refuse(row.page, f"row {number} has no area label above it.", row.years_line)
        texts = [line.text for line in row.lines]
        numbers = [word.line for line in row.lines for word in line.words if word.line]
        result.records.append(
            ParsedRecommendation(
                area=row.area,
                action=split_glued_words(join_lines(texts)),
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


def _read_rows(body, action_rules, area_rules, first_page: int, labels, refuse) -> list[dol_rows.Row]:
    """The table's rows with their areas (see `dol_rows` and `dol_labels` for the two ways a
    table is printed); each reason to refuse goes to `refuse`."""
    rows, refusals, centred = dol_rows.rows_by_years(body)
    grouped = dol_rows.bands(body, action_rules)
    if centred or dol_rows.contradicted(grouped):
        centred = True
        rows, refusals = dol_rows.rows_by_bounds(body, grouped, first_page)
    tokens = [
        (" ".join(label_words(word.text)), word, entry.page, entry.pitch) for entry in body for word in entry.labels
    ]
    found, unknown = dol_labels.read_labels(tokens, labels)
    refusals += unknown
    refusals += dol_labels.place_labels(found, rows, area_rules, centred=centred, confirmed=dol_rows.confirmed(grouped))
    for refusal in refusals:
        refuse(refusal.page, refusal.message, refusal.line)
    return rows
