"""Where the DOL table is in a chapter's text (any extraction that keeps lines in reading
order): its column headings, its title, where it stops and where it goes on, and which lines
inside it are page furniture. See the `dol` module for how the table is then read."""

import re

from recommendations.choices import SourceKind
from recommendations.search import fold_letters

from . import dol_table
from .base import ParseResult, Problem, area_labels, label_words
from .dol_table import ADVANCEMENT, CONTINUED, COUNTRY_LINE, RUNNING_LINE

# Column headings as the Azerbaijani and English reports print them.
HEADINGS = ("Sahə", "Məsləhət Bilinən Tədbir", "Məsləhət Bilinən İl(lər)")
HEADINGS += ("Area", "Suggested Action", "Year(s) Suggested")
HEADER_WORDS = frozenset(word for heading in HEADINGS for word in label_words(heading))
ACTION_HEADING_WORDS = frozenset(label_words("Məsləhət Suggested"))
# Aliases: area labels as some report years print them.
ALIASES: dict[str, tuple[str, ...]] = {"legal_framework": ("Laws", "Laws and Regulations", "Qanunlar")}
LABEL_WORDS = area_labels(SourceKind.DOL, ALIASES)

# Where the table is in a whole chapter's text, and what inside it is page furniture.
TITLE = re.compile(r"^table\s+(?P<number>\d+)\s*[.:]?\s*suggested\s+government\s+actions\b")
# How many lines before a continued table's title `pdftotext -raw` may print its "(Cont.)"
# (the title's end, printed before the running header and footer between them).
CONT_BEFORE_TITLE = 8


def _is_column_header(folded: str) -> bool:
    words = set(label_words(folded))
    return len(words) >= 2 and words <= HEADER_WORDS and bool(words & ACTION_HEADING_WORDS)


def _end_of_segment(folded: list[str], start: int, header_seen: bool) -> int:
    """Where the table's text that starts at `start` stops: "REFERENCES", a numbered
    section or another table's title (the document's length if none)."""
    for index in range(start, len(folded)):
        line = folded[index]
        if not header_seen:
            header_seen = bool(line) and set(label_words(line)) <= HEADER_WORDS
            continue
        if dol_table.END_OF_TABLE.match(line) or (dol_table.ANY_TABLE_TITLE.match(line) and not TITLE.match(line)):
            return index
    return len(folded)


def _resumes_at(folded: list[str], end: int, table: str, result: ParseResult) -> int | None:
    """After the table stopped at `end`: the index of its "(Cont.)" title if it goes on
    later (other text, such as a "REFERENCES ON FILE" block or another table's rows,
    printed in between). A header printed again without saying so refuses the document."""
    for index in range(end + 1, len(folded)):
        line = folded[index]
        title = TITLE.match(line)
        if title and table and f"Table {title['number']}" != table:
            return None  # another table of the same kind (the next country's chapter)
        if not title and not _is_column_header(line):
            continue
        # `pdftotext -raw` may print the title's "(Cont.)" a few lines before the title itself.
        if title and (
            CONTINUED.search(line)
            or any(CONTINUED.fullmatch(near) for near in folded[max(end, index - CONT_BEFORE_TITLE) : index + 2])
        ):
            return index
        result.problems.append(
            Problem(
                index + 1,
                f"the table's {'title' if title else 'header'} is printed again after the table stopped on line "
                f"{end + 1}, with no “(Cont.)”: it cannot be told whether the table goes on here. Import the PDF "
                "itself.",
                fatal=True,
            )
        )
        return None
    return None


def table_lines(lines: list[str], result: ParseResult) -> tuple[list[range], str, set[int]]:
    """(the table's stretches of lines, table name, indexes of running lines): one stretch,
    or several when the table stops and goes on after a "(Cont.)" title."""
    folded = [fold_letters(line).strip() for line in lines]
    start, table = 0, ""
    for index, line in enumerate(folded):
        title = TITLE.match(line)
        if title:
            start, table = index + 1, f"Table {title['number']}"
            if any(folded[:index]):
                result.problems.append(Problem(1, f"lines 1–{index + 1} are before the table's title; not read."))
            break
    segments: list[range] = []
    header_seen = bool(table)
    while True:
        end = _end_of_segment(folded, start, header_seen)
        segments.append(range(start, end))
        resumed = _resumes_at(folded, end, table, result) if end < len(lines) else None
        if resumed is None:
            if any(folded[end + 1 :]) or (end < len(lines) and folded[end]):
                result.problems.append(
                    Problem(end + 1, f"the table ends at “{lines[end].strip()[:40]}”; what follows is not read.")
                )
            break
        result.problems.append(
            Problem(end + 1, f"lines {end + 1}–{resumed + 1} are not part of the table; it goes on after them.")
        )
        start, header_seen = resumed + 1, True
    running: set[int] = set()
    previous = None
    for index in (index for segment in segments for index in segment):
        line = folded[index]
        if not line:
            continue
        if RUNNING_LINE.search(line) or (index > segments[0].start and TITLE.match(line)):
            running.add(index)
            if ADVANCEMENT.match(line) and previous is not None and previous not in running:
                before = lines[previous].strip()
                if COUNTRY_LINE.match(before) and label_words(before) not in LABEL_WORDS:
                    running.add(previous)
        previous = index
    return segments, table, running
