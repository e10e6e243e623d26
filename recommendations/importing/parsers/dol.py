"""US DOL findings: the "Area / Suggested Action / Year(s) Suggested" table.

The input is the table as PDF extraction leaves it: one cell after another, header words on
their own lines, an area label on its own line(s) or glued to the first action, actions
wrapped over several lines with blank lines from page breaks in between, and the years of
each action on a line of their own after it. So the parser reads line by line:

- a line of header words only is skipped; inside an action (the header repeated after a
  page break) only once the header-word lines add up to a few words or follow a header
  line ("Sahə Məsləhət Bilinən Tədbir Məsləhət Bilinən" / "İl(lər)"), so that "area"
  ending a sentence stays text. The first header row starts the table: a summary line that
  only looked like a row ("law" / "enforcement officials …") is dropped and reported;
- a line that is only years ("2011 – 2015", "2014-2015", "2015") closes the action above it;
- at the start of an action, a line beginning with a whole area label sets the area (the
  rest of the line, if any, is the action's first line); a label split over lines is joined
  first ("Qanun və" / "Nizamnamələr"), and a line that only begins with a label's first
  word ("Dövlət Əmək Müfəttişliyi …") is action text;
- everything else is action text.

One pass, constant work per line. Before it, the table is cut out of the document: from the
line after its title ("Table 11. Suggested Government Actions …") when the document has
one, to "REFERENCES", the next numbered section or another table's title — and on again
from the table's own title marked "(Cont.)" if one follows (`pdftotext -raw` may print a
"REFERENCES ON FILE" block or another table's rows in between); a column header printed
again without it refuses the document. Running headers and footers inside it ("(cont)",
"BUREAU OF INTERNATIONAL LABOR AFFAIRS", "Azerbaijan" / "MINIMAL ADVANCEMENT", page
numbers) are dropped and reported.

Text that keeps the page's columns (`pdftotext -layout`) is read by position instead
(`dol_table`), as a PDF is. Whatever the input, a structure the reader cannot be sure of
— years after years (columns extracted one after the other), an action with no area or no
years, years outside 1995 to the report's year — is a fatal problem: the document is
refused rather than imported wrong.
"""

import re
from dataclasses import dataclass

from recommendations.search import fold_letters

from ..extract import layout_pages, pdf_pages
from . import dol_table
from . import years as year_cells
from .base import (
    PROGRESS_EVERY_LINES,
    DocumentRejected,
    ParsedRecommendation,
    ParseResult,
    Problem,
    ProgressCallback,
    join_lines,
    label_words,
    split_glued_words,
)
from .dol_extent import HEADER_WORDS, LABEL_WORDS, table_lines
from .dol_table import PAGE_NUMBER

# A repeated heading in the middle of a wrapped action must be unmistakable, not one word
# such as "area" that can end an English sentence.
HEADER_MIN_WORDS_INSIDE_ACTION = 3

# Years glued to the end of the action's last line (`pdftotext -raw`): after closing
# punctuation, or a range ("… on the streets 2009 – 2015"); a lone year after a word only
# when the next line starts a new action — "… the 2015" / "law." stays text.
_RANGE_IN_CELL = re.compile(rf"\d{{4}}\s*(?:[{year_cells.DASHES}]|to)\s*\d{{2,4}}|,", re.IGNORECASE)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Label:
    code: str
    words: tuple[str, ...]
    pattern: re.Pattern  # whole label at the start of a folded line


def _words_pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"\s*" + r"\s+".join(map(re.escape, words)) + r"(?!\w)[\s:]*")


def _label_prefixes(words: tuple[str, ...]) -> list[_Label]:
    """Labels that a line made only of `words` could be the beginning of."""
    return [label for label in LABELS if 0 < len(words) < len(label.words) and label.words[: len(words)] == words]


LABELS = [_Label(code, words, _words_pattern(words)) for words, code in LABEL_WORDS.items()]


class _TableReader:
    """State of the one pass over the lines; see the module docstring for the rules."""

    def __init__(self, report_year: int | None = None, table: str = "", bounded: bool = False) -> None:
        self.result = ParseResult()
        # Whether the table's end is known (REFERENCES, the next section): text without years
        # before it is then a row without its years cell, not a note after the table.
        self.bounded = bounded
        self.report_year = report_year
        self.table = table
        # The first line of a years cell that wraps ("2011 –"), waiting for its end.
        self.open_years: tuple[int, str] | None = None
        self.table_started = False
        self.area: str | None = None
        self.action_lines: list[tuple[int, str]] = []
        # Lines that so far spell the beginning of an area label ("Qanun və"), which the
        # next line may finish ("Nizamnamələr") or reveal as ordinary text.
        self.label_lines: list[tuple[int, str]] = []
        self.label_candidates: list[_Label] = []
        # Lines of header words only inside an action, not yet known to be a header.
        self.header_lines: list[tuple[int, str]] = []
        self.header_words = 0
        self.after_header = False
        self.header_seen = False

    def problem(self, line_number: int, message: str, *, fatal: bool = False) -> None:
        self.result.problems.append(Problem(line_number, message, fatal=fatal))

    def read(self, line_number: int, line: str, next_line: str = "") -> None:
        if self.open_years is not None:
            first_number, first = self.open_years
            self.open_years = None
            if re.match(r"^\d{2,4}\b", line) and year_cells.is_cell(f"{first} {line}"):
                self.flush_label_lines()
                self.close_action(first_number, f"{first} {line}")
                return
            self.problem(first_number, f"years “{first}” are not finished on the next line.", fatal=True)
        if self.read_header(line_number, line):
            return
        if not self.table_started:
            # The report's summary before the table: the table begins at its header row or
            # at the first area label.
            self.read_label(line_number, line)
            return
        if year_cells.is_cell(line):
            self.flush_label_lines()
            self.close_action(line_number, line)
            return
        if year_cells.is_open_cell(line):
            self.flush_label_lines()
            self.open_years = (line_number, line)
            return
        if PAGE_NUMBER.match(line):
            self.problem(line_number, f"“{line}” looks like a page number; skipped.")
            return
        if not self.action_lines and self.read_label(line_number, line, next_line):
            return
        self.read_action_line(line_number, line, next_line)

    def read_action_line(self, line_number: int, line: str, next_line: str = "") -> None:
        glued = year_cells.split_trailing(line)
        if glued and (
            glued[0][-1] in ".;:)"
            or _RANGE_IN_CELL.search(glued[1])
            or not next_line
            or next_line[:1].isupper()
            or year_cells.is_cell(next_line)
        ):
            self.action_lines.append((line_number, glued[0]))
            self.close_action(line_number, glued[1])
            return
        self.action_lines.append((line_number, line))

    def read_header(self, line_number: int, line: str) -> bool:
        """Skip a line of the column header. True if the line was used."""
        words = label_words(line)
        if words and set(words) <= HEADER_WORDS:
            self.header_lines.append((line_number, line))
            self.header_words += len(words)
            if not self.action_lines or self.after_header or self.header_words >= HEADER_MIN_WORDS_INSIDE_ACTION:
                self.start_at_header()
            return True
        # Header words that were text after all ("… in the rural" / "area").
        self.action_lines.extend(self.header_lines)
        self.header_lines, self.header_words, self.after_header = [], 0, False
        return False

    def start_at_header(self) -> None:
        self.header_lines, self.header_words, self.after_header = [], 0, True
        if not self.header_seen and not self.result.records and self.action_lines:
            first, last = self.action_lines[0][0], self.action_lines[-1][0]
            self.problem(first, f"text on lines {first}–{last} is before the table header; skipped.")
            self.action_lines, self.area = [], None
        if not self.header_seen:
            self.label_lines, self.label_candidates = [], []
        self.header_seen = self.table_started = True

    def read_label(self, line_number: int, line: str, next_line: str = "") -> bool:
        """At the start of an action: take an area label off the line. True if the line was used."""
        folded = fold_letters(line)
        if self.label_lines:
            matched = label_words(" ".join(part for _number, part in self.label_lines))
            for label in self.label_candidates:
                match = _words_pattern(label.words[len(matched) :]).match(folded)
                if match:
                    self.label_lines, self.label_candidates = [], []
                    self.set_area(label, line_number, line[match.end() :], next_line)
                    return True
            longer = _label_prefixes(matched + label_words(line))
            if longer:
                self.label_lines.append((line_number, line))
                self.label_candidates = longer
                return True
            # Not a label after all ("Dövlət" / "Əmək Müfəttişliyi …"): inside the table
            # those lines begin an action and this one continues it.
            self.flush_label_lines()
            if self.table_started:
                return False
        for label in LABELS:
            match = label.pattern.match(folded)
            if match:
                self.set_area(label, line_number, line[match.end() :], next_line)
                return True
        prefixes = _label_prefixes(label_words(line))
        if prefixes:
            self.label_lines, self.label_candidates = [(line_number, line)], prefixes
            return True
        return False

    def set_area(self, label: _Label, line_number: int, rest_of_line: str, next_line: str = "") -> None:
        self.area, self.table_started = label.code, True
        rest = rest_of_line.strip()
        if year_cells.is_cell(rest):
            # The label's row printed before its action ("Enforcement 2019 – 2021" / "Publish …"):
            # the years close no action, so the rows cannot be matched.
            self.close_action(line_number, rest)
        elif rest:
            self.read_action_line(line_number, rest, next_line)

    def flush_label_lines(self) -> None:
        if self.table_started:
            self.action_lines.extend(self.label_lines)
        self.label_lines, self.label_candidates = [], []

    def close_action(self, line_number: int, years_text: str) -> None:
        lines, self.action_lines = self.action_lines, []
        if not lines:
            self.problem(
                line_number,
                f"years “{years_text}” with no action before them: the table's columns seem to have been "
                "extracted one after the other, so no year can be matched to its action. Import the PDF "
                "itself, or its text from `pdftotext -layout`.",
                fatal=True,
            )
            return
        span, message, fatal = year_cells.check(years_text, self.report_year)
        if message:
            self.problem(line_number, message, fatal=fatal)
        if span is None:
            return
        if self.area is None:
            self.problem(lines[0][0], "an action before any area label.", fatal=True)
        records = self.result.records
        records.append(
            ParsedRecommendation(
                area=self.area,
                action=split_glued_words(join_lines([part for _number, part in lines])),
                year_start=span[0],
                year_end=span[1],
                priority=False,
                position=len(records) + 1,
                line=lines[0][0],
                line_end=line_number,
                table=self.table,
            )
        )

    def finish(self) -> ParseResult:
        if self.open_years is not None:
            self.problem(self.open_years[0], f"years “{self.open_years[1]}” are not finished.", fatal=True)
        self.flush_label_lines()
        if self.action_lines:
            first, last = self.action_lines[0][0], self.action_lines[-1][0]
            if self.bounded:
                self.problem(
                    first,
                    f"text on lines {first}–{last} is in the table but has no Year(s) Suggested cell after it "
                    "(were the table's columns extracted one after the other? Import the PDF itself, or its text "
                    "from `pdftotext -layout`).",
                    fatal=True,
                )
            else:
                self.problem(first, f"text on lines {first}–{last} has no years after it; not imported.")
        return self.result


def _is_layout(lines: list[str]) -> bool:
    """Text that keeps the page's columns (`pdftotext -layout`): the header's column names
    apart by runs of spaces."""
    return any(LAYOUT_HEADER.match(fold_letters(line)) for line in lines)


LAYOUT_HEADER = re.compile(r"^\s*(?:area|sahe)\s{2,}(?:suggested|meslehet)\b")


def parse(
    text: str, *, year: int | None = None, country: str = "", progress: ProgressCallback | None = None
) -> ParseResult:
    """Parse a DOL suggested-actions table. `year`, the report's year, bounds the years; a
    chapter holds one country's table, so `country` chooses nothing."""
    # Line breaks as an editor counts them: a form feed (a page break) is not one.
    lines = re.split(r"\r\n|\r|\n", text)
    if _is_layout(lines):
        result = dol_table.read_table(layout_pages(text), report_year=year, labels=LABEL_WORDS)
    else:
        result = ParseResult()
        segments, table, running = table_lines(lines, result)
        reader = _TableReader(report_year=year, table=table, bounded=segments[-1].stop < len(lines))
        reader.result.problems.extend(result.problems)
        stripped = [raw.replace("\f", " ").strip() for raw in lines]
        indexes = [index for segment in segments for index in segment]
        following = [""] * len(lines)
        upcoming = ""
        for index in reversed(indexes):
            following[index] = upcoming
            if stripped[index] and index not in running:
                upcoming = stripped[index]
        total = len(indexes)
        for done, index in enumerate(indexes):
            if progress and done and done % PROGRESS_EVERY_LINES == 0:
                progress(done, total)
            line = stripped[index]
            if not line:  # blank and whitespace-only lines are page breaks and cell padding
                continue
            if index in running:
                reader.problem(index + 1, f"“{line[:50]}” is a running header or footer; skipped.")
                continue
            reader.read(index + 1, line, following[index])
        result = reader.finish()
        if progress:
            progress(total, total)
    if not result.records and not result.refusals:
        raise DocumentRejected(
            "No DOL suggested-actions table found: no action followed by its years "
            "(such as “2014 – 2015”) under an area label such as “Tətbiqat” or “Enforcement”."
        )
    return result


def parse_pdf(
    data: bytes, *, year: int | None = None, country: str = "", progress: ProgressCallback | None = None
) -> ParseResult:
    """Parse a DOL report's PDF: the suggested-actions table read by the position of its words."""
    pages = pdf_pages(data)
    if progress:
        progress(len(pages), len(pages))
    result = dol_table.read_table(pages, report_year=year, labels=LABEL_WORDS)
    if not result.records and not result.refusals:
        raise DocumentRejected(
            "No DOL suggested-actions table found in the PDF: no “Area / Suggested Action / Year(s) Suggested” header."
        )
    return result
