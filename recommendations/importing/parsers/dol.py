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

One pass, constant work per line.
"""

import re
from dataclasses import dataclass

from recommendations.choices import SourceKind
from recommendations.search import fold_letters

from .base import (
    PROGRESS_EVERY_LINES,
    DocumentRejected,
    ParsedRecommendation,
    ParseResult,
    Problem,
    ProgressCallback,
    area_labels,
    join_whitespace,
    label_words,
)

# Column headings as the Azerbaijani and English reports print them.
HEADINGS = ("Sahə", "Məsləhət Bilinən Tədbir", "Məsləhət Bilinən İl(lər)")
HEADINGS += ("Area", "Suggested Action", "Year(s) Suggested")
HEADER_WORDS = frozenset(word for heading in HEADINGS for word in label_words(heading))
# A repeated heading in the middle of a wrapped action must be unmistakable, not one word
# such as "area" that can end an English sentence.
HEADER_MIN_WORDS_INSIDE_ACTION = 3

# Hyphen, hyphen (U+2010), non-breaking hyphen, figure dash, en dash, em dash, minus sign.
_YEAR_RANGE = r"(\d{4})(?:\s*[-‐‑‒–—−]\s*(\d{4}))?"
YEARS_LINE = re.compile(rf"^{_YEAR_RANGE}(?:\s*[,;]\s*{_YEAR_RANGE})*\.?$")
# Years glued to the end of the action's last line: only after closing punctuation, so a
# year inside a sentence ("… the 2015 law") is never taken for the column.
TRAILING_YEARS = re.compile(rf"^(?P<text>.*[.;:)])\s+(?P<years>{_YEAR_RANGE}(?:\s*,\s*{_YEAR_RANGE})*)$")
_YEAR_PAIR = re.compile(_YEAR_RANGE)
# A number alone on a line, too short to be a year: the page number of the PDF.
PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Label:
    code: str
    words: tuple[str, ...]
    pattern: re.Pattern  # whole label at the start of a folded line


def _year_spans(text: str) -> list[tuple[int, int]]:
    return [(int(start), int(end or start)) for start, end in _YEAR_PAIR.findall(text)]


def _words_pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"\s*" + r"\s+".join(map(re.escape, words)) + r"(?!\w)[\s:]*")


def _label_prefixes(words: tuple[str, ...]) -> list[_Label]:
    """Labels that a line made only of `words` could be the beginning of."""
    return [label for label in LABELS if 0 < len(words) < len(label.words) and label.words[: len(words)] == words]


LABELS = [_Label(code, words, _words_pattern(words)) for words, code in area_labels(SourceKind.DOL).items()]


class _TableReader:
    """State of the one pass over the lines; see the module docstring for the rules."""

    def __init__(self) -> None:
        self.result = ParseResult()
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

    def problem(self, line_number: int, message: str) -> None:
        self.result.problems.append(Problem(line_number, message))

    def read(self, line_number: int, line: str) -> None:
        if self.read_header(line_number, line):
            return
        if not self.table_started:
            # The report's summary before the table: the table begins at its header row or
            # at the first area label.
            self.read_label(line_number, line)
            return
        if YEARS_LINE.match(line):
            self.flush_label_lines()
            self.close_action(line_number, line)
            return
        if PAGE_NUMBER.match(line):
            self.problem(line_number, f"“{line}” looks like a page number; skipped.")
            return
        if not self.action_lines and self.read_label(line_number, line):
            return
        self.read_action_line(line_number, line)

    def read_action_line(self, line_number: int, line: str) -> None:
        glued = TRAILING_YEARS.match(line)
        if glued:
            self.action_lines.append((line_number, glued["text"]))
            self.close_action(line_number, glued["years"])
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

    def read_label(self, line_number: int, line: str) -> bool:
        """At the start of an action: take an area label off the line. True if the line was used."""
        folded = fold_letters(line)
        if self.label_lines:
            matched = label_words(" ".join(part for _number, part in self.label_lines))
            for label in self.label_candidates:
                match = _words_pattern(label.words[len(matched) :]).match(folded)
                if match:
                    self.label_lines, self.label_candidates = [], []
                    self.set_area(label, line_number, line[match.end() :])
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
                self.set_area(label, line_number, line[match.end() :])
                return True
        prefixes = _label_prefixes(label_words(line))
        if prefixes:
            self.label_lines, self.label_candidates = [(line_number, line)], prefixes
            return True
        return False

    def set_area(self, label: _Label, line_number: int, rest_of_line: str) -> None:
        self.area, self.table_started = label.code, True
        if rest_of_line.strip():
            self.read_action_line(line_number, rest_of_line.strip())

    def flush_label_lines(self) -> None:
        if self.table_started:
            self.action_lines.extend(self.label_lines)
        self.label_lines, self.label_candidates = [], []

    def close_action(self, line_number: int, years_text: str) -> None:
        lines, self.action_lines = self.action_lines, []
        if not lines:
            self.problem(line_number, f"years “{years_text}” with no action above them; skipped.")
            return
        spans = _year_spans(years_text)
        first, last = min(start for start, _end in spans), max(end for _start, end in spans)
        if any(start > end for start, end in spans) or first < 1900 or last > 2100:
            self.problem(line_number, f"years “{years_text}” are not a valid range; the action above is skipped.")
            return
        covered = {year for start, end in spans for year in range(start, end + 1)}
        if len(covered) != last - first + 1:
            self.problem(line_number, f"years “{years_text}” have gaps; stored as {first}–{last}.")
        if self.area is None:
            self.problem(lines[0][0], "action before any area label; imported without an area.")
        records = self.result.records
        records.append(
            ParsedRecommendation(
                area=self.area,
                action=join_whitespace(" ".join(part for _number, part in lines)),
                year_start=first,
                year_end=last,
                priority=False,
                position=len(records) + 1,
                line=lines[0][0],
            )
        )

    def finish(self) -> ParseResult:
        self.flush_label_lines()
        if self.action_lines:
            first, last = self.action_lines[0][0], self.action_lines[-1][0]
            self.problem(first, f"text on lines {first}–{last} has no years after it; not imported.")
        return self.result


def parse(text: str, *, year: int | None = None, progress: ProgressCallback | None = None) -> ParseResult:
    """Parse a DOL suggested-actions table. `year` is not needed: DOL prints years per action."""
    reader = _TableReader()
    # Line breaks as an editor counts them: a form feed (a page break) is not one.
    lines = re.split(r"\r\n|\r|\n", text)
    total = len(lines)
    for index, raw in enumerate(lines):
        if progress and index and index % PROGRESS_EVERY_LINES == 0:
            progress(index, total)
        line = raw.strip()
        if line:  # blank and whitespace-only lines are page breaks and cell padding
            reader.read(index + 1, line)
    result = reader.finish()
    if progress:
        progress(total, total)
    if not result.records:
        raise DocumentRejected(
            "No DOL suggested-actions table found: no action followed by its years "
            "(such as “2014 – 2015”) under an area label such as “Tətbiqat” or “Enforcement”."
        )
    return result
