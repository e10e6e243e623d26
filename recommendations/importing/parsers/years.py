"""The DOL table's "Year(s) Suggested" cell, in every way the reports print it.

"2015", "2011 – 2015" (any dash), "2011 – 15", "2011 to 2015", "2013, 2015", "2009 – 2011,
2013 – 2015", and a cell wrapped over two lines ("2011 –" / "2015").
"""

import re

from recommendations.years import YEAR_MAX

# Hyphen, hyphen (U+2010), non-breaking hyphen, figure dash, en dash, em dash, minus sign.
DASHES = r"\-‐‑‒–—−"
_RANGE = rf"\d{{4}}(?:\s*(?:[{DASHES}]|to)\s*(?:\d{{4}}|\d{{2}}))?"
CELL = re.compile(rf"^{_RANGE}(?:\s*(?:[,;&]|and)\s*{_RANGE})*\.?$", re.IGNORECASE)
# The first line of a cell that wraps: "2011 –", "2011 to", "2013,".
OPEN_CELL = re.compile(rf"^{_RANGE}(?:\s*(?:[,;&]|and)\s*{_RANGE})*\s*(?:[{DASHES}]|to|[,;&]|and)$", re.IGNORECASE)
# The same cell read backwards, from the end of a line: "2011 – 2015" as "5102 – 1102". A cell
# glued to the end of a line of text is then one anchored match on the reversed line, each
# character read once; searching forwards for where the cell starts tries every position and
# backtracks through the rest of the line from each (a 96 KB line of years took 28 s).
_REVERSED_RANGE = rf"(?:(?:\d{{4}}|\d{{2}})\s*(?:[{DASHES}]|ot)\s*)?\d{{4}}"
_REVERSED_TRAILING = re.compile(
    rf"(?P<years>\.?(?:{_REVERSED_RANGE}\s*(?:[,;&]|dna)\s*)*{_REVERSED_RANGE})\s+(?=\S)", re.IGNORECASE
)
_PAIR = re.compile(rf"(\d{{4}})(?:\s*(?:[{DASHES}]|to)\s*(\d{{4}}|\d{{2}}))?", re.IGNORECASE)
_TOKEN = re.compile(rf"^(?:[\d{DASHES},;&.]*\d[\d{DASHES},;&.]*|[{DASHES},;&]|to|and)$", re.IGNORECASE)
# The earliest year a DOL suggested action can carry (the series began in 2002; its
# suggestions look back to the late 1990s at most).
EARLIEST = 1995


def is_cell(text: str) -> bool:
    return bool(CELL.match(text.strip()))


def is_open_cell(text: str) -> bool:
    return bool(OPEN_CELL.match(text.strip()))


def is_token(word: str) -> bool:
    """Whether a word could be part of a years cell ("2011", "–", "to", "2013,")."""
    return bool(_TOKEN.match(word))


def split_trailing(line: str) -> tuple[str, str] | None:
    """(text, years) when the line ends in a whole years cell after a space and some text —
    the longest such cell: "… on the streets 2009 – 2015" → ("… on the streets", "2009 – 2015")."""
    match = _REVERSED_TRAILING.match(line[::-1])
    if match is None:
        return None
    return line[: len(line) - match.end()], line[len(line) - match.end("years") :]


def spans(text: str) -> list[tuple[int, int]]:
    """(first, last) of each range in a cell; "2011 – 15" is (2011, 2015)."""
    result = []
    for start, end in _PAIR.findall(text):
        first = int(start)
        if not end:
            last = first
        elif len(end) == 2:
            last = first // 100 * 100 + int(end)
            if last < first:
                last += 100
        else:
            last = int(end)
        result.append((first, last))
    return result


def check(text: str, report_year: int | None) -> tuple[tuple[int, int] | None, str | None, bool]:
    """((first, last) or None, a message or None, whether the message refuses the row)."""
    pairs = spans(text)
    if not pairs:
        return None, f"“{text}” is not a Year(s) Suggested cell", True
    first, last = min(start for start, _end in pairs), max(end for _start, end in pairs)
    latest = report_year or YEAR_MAX
    if any(start > end for start, end in pairs):
        return None, f"years “{text}” run backwards", True
    if first < EARLIEST or last > latest:
        return None, f"years “{text}” are outside {EARLIEST}–{latest}", True
    covered = {year for start, end in pairs for year in range(start, end + 1)}
    if len(covered) != last - first + 1:
        return (first, last), f"years “{text}” have gaps; stored as {first}–{last}.", False
    return (first, last), None, False
