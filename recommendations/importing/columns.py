"""The reading order of PDF pages printed in two text columns, and their page furniture.

The TIP report's volume prints two columns per page: a line of the left column and one of
the right share a baseline, so lines grouped across the page would interleave two texts.
A page is read as two columns when an empty vertical strip (the gutter) runs down its middle
through most of its lines: each column top to bottom, left before right. A line that crosses
the gutter with ordinary word spacing (a heading or a running header across the page)
ends the columns above it, which are read first, and is read in its place.

Running headers and footers are the lines at a page's top or bottom edge that recur on
other pages (digits aside: "TRAFFICKING IN PERSONS REPORT 95"), and page numbers there.
"""

import re
from collections import Counter

from .extract import Line, Page, lines_of

# The gutter lies between these fractions of the text's width.
GUTTER_ZONE = (0.3, 0.7)
# Words that may cross the gutter (headings across the page), as a share of the lines.
GUTTER_CROSSINGS = 0.05
# The least width of the gutter and the least lines in each column, for two columns.
GUTTER_MIN_GAPS = 1.5
COLUMN_MIN_LINES = 3
# How many lines at a page's top and at its bottom may be running headers or footers.
EDGE_LINES = 2
_DIGITS = re.compile(r"\d+")


def _gutter(page: Page, lines: list[Line]) -> tuple[float, float] | None:
    """(left, right) edges of the empty strip between two columns, or None."""
    if not page.words:
        return None
    left_edge = min(word.x0 for word in page.words)
    right_edge = max(word.x1 for word in page.words)
    width = int(right_edge - left_edge) + 2
    # Words covering each point across the page: +1 where a word starts, -1 where it ends.
    starts = [0] * (width + 1)
    for word in page.words:
        starts[int(word.x0 - left_edge)] += 1
        starts[int(word.x1 - left_edge) + 1] -= 1
    allowed = max(1, int(GUTTER_CROSSINGS * len(lines)))
    best: tuple[int, int] | None = None
    covering, run_start = 0, None
    low, high = int(GUTTER_ZONE[0] * width), int(GUTTER_ZONE[1] * width)
    for x in range(width):
        covering += starts[x]
        empty = low <= x <= high and covering <= allowed
        if empty and run_start is None:
            run_start = x
        if (not empty or x == width - 1) and run_start is not None:
            end = x if not empty else x + 1
            if best is None or end - run_start > best[1] - best[0]:
                best = (run_start, end)
            run_start = None
    if best is None or best[1] - best[0] < GUTTER_MIN_GAPS * page.column_gap:
        return None
    gutter = (left_edge + best[0], left_edge + best[1])
    middle = (gutter[0] + gutter[1]) / 2
    left = sum(1 for line in lines if any(word.x1 <= middle for word in line.words))
    right = sum(1 for line in lines if any(word.x0 >= middle for word in line.words))
    if min(left, right) < COLUMN_MIN_LINES:
        return None
    return gutter


def reading_order(page: Page) -> list[Line]:
    """The page's lines as a reader reads them: one column after the other."""
    lines = lines_of(page.words, page.number, 0.15 * page.pitch)
    gutter = _gutter(page, lines)
    if gutter is None:
        return lines
    middle = (gutter[0] + gutter[1]) / 2
    ordered: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for line in lines:
        left_words = tuple(word for word in line.words if word.x1 <= middle)
        right_words = tuple(word for word in line.words if word.x0 >= middle)
        crosses = len(left_words) + len(right_words) < len(line.words)
        spaced = left_words and right_words and right_words[0].x0 - left_words[-1].x1 < page.column_gap
        if crosses or spaced:
            ordered += left + right + [line]
            left, right = [], []
            continue
        if left_words:
            left.append(Line(line.page, line.top, left_words))
        if right_words:
            right.append(Line(line.page, line.top, right_words))
    return ordered + left + right


def _widest_gap(line: Line) -> float:
    return max((right.x0 - left.x1 for left, right in zip(line.words, line.words[1:], strict=False)), default=0.0)


def unsure_pages(pages: list[list[Line]], gaps: dict[int, float]) -> list[int]:
    """Pages whose lines, as read, still hold a gap as wide as a gutter in several places:
    more columns than two, or two that could not be told apart. Read on, their lines would
    mix texts, so the reader refuses them. `gaps` is each page's least gutter width."""
    unsure = []
    for lines in pages:
        wide = [line for line in lines if _widest_gap(line) >= gaps[line.page]]
        if lines and len(wide) >= COLUMN_MIN_LINES and len(wide) * 3 >= len(lines):
            unsure.append(lines[0].page)
    return unsure


def running_lines(pages: list[list[Line]]) -> set[Line]:
    """The lines that are running headers or footers, or page numbers at a page's edge: at
    the top or bottom of their page, the same text (digits aside) at an edge of at least a
    third of the pages (two at least)."""

    def edges(lines: list[Line]) -> list[Line]:
        by_top = sorted(lines, key=lambda line: line.top)
        return by_top[:EDGE_LINES] + by_top[EDGE_LINES:][-EDGE_LINES:]

    def key(line: Line) -> str:
        return _DIGITS.sub("#", line.text).strip().casefold()

    recurring = Counter(text for lines in pages for text in {key(line) for line in edges(lines)})
    enough = max(2, len(pages) // 3)
    return {line for lines in pages for line in edges(lines) if key(line) == "#" or recurring[key(line)] >= enough}
