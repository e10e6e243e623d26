"""Which rows of a DOL suggested-actions table each area label covers.

A label is printed once for the rows of its area: level with the first of them (the 2014
reports on), or centred on them (2013: one merged Area cell), or centred on the first of them
only. Each way, taken for the whole table, gives the row each label starts at; the way that
places every label is the reading. A centred label is placed by the rows around it: the label
of the first row covers rows up to the one that puts the label at their middle, the next label
starts after them, and so on to the page's last row. Where the table draws rules across the
Area column, an area starts only below one.

Labels are read the way the table's cells are printed: level in a level table, centred in a
centred one (three one-line rows centred on their label look like a label level with the
second), the other way only if that one places no label. Two centred placements are refused:
the rows cannot be told apart.
"""

from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from ..extract import Word
from .dol_rows import LEVEL_LINES, Refusal, Row, rule_between

# At most this many ways of placing the labels are looked for: two already refuse.
ENOUGH = 2
# Centred labels are placed only in a table of a report's size (a chapter's table has under
# ten labels and under a hundred rows): the search grows with labels × rows².
MOST_CENTRED_LABELS = 40
MOST_CENTRED_ROWS = 400


@dataclass(frozen=True)
class Label:
    code: str
    first: Word
    last: Word
    page: int
    pitch: float

    @property
    def middle(self) -> float:
        return (self.first.top + self.last.top) / 2


def read_labels(
    tokens: list[tuple[str, Word, int, float]], labels: dict[tuple[str, ...], str]
) -> tuple[list[Label], list[Refusal]]:
    """The Area column's words (folded text, word, page, pitch, in reading order) read as the
    labels the format knows, longest first ("Legal" / "Framework" is one)."""
    longest = max((len(words) for words in labels), default=1)
    found: list[Label] = []
    refusals: list[Refusal] = []
    index = 0
    while index < len(tokens):
        for size in range(min(longest, len(tokens) - index), 0, -1):
            words = tuple(word for token in tokens[index : index + size] for word in token[0].split())
            code = labels.get(words)
            if code is None:
                continue
            _text, word, page, pitch = tokens[index]
            found.append(Label(code, word, tokens[index + size - 1][1], page, pitch))
            index += size
            break
        else:
            _text, word, page, _pitch = tokens[index]
            refusals.append(
                Refusal(page, f"“{word.text}” in the Area column is not an area label of DOL reports.", word.line)
            )
            index += 1
    return found, refusals


class _Table:
    """The rows' positions, as the placements need them."""

    def __init__(self, rows: list[Row], area_rules: dict[int, list[float]]) -> None:
        self.rows = rows
        self.area_rules = {page: sorted(tops) for page, tops in area_rules.items()}
        self.tops = [_tops(row, row.page) for row in rows]
        # Rows by the page they start on, top to bottom: (tops, indexes).
        self.by_page: dict[int, tuple[list[float], list[int]]] = {}
        for index, row in enumerate(rows):
            tops, indexes = self.by_page.setdefault(row.page, ([], []))
            tops.append(row.top)
            indexes.append(index)

    def level_with(self, top: float, page: int, tolerance: float) -> int | None:
        tops, indexes = self.by_page.get(page, ([], []))
        position = bisect_left(tops, top - tolerance)
        if position < len(tops) and tops[position] <= top + tolerance:
            return indexes[position]
        return None

    def first_on_page(self, index: int) -> bool:
        return index == 0 or self.rows[index - 1].page != self.rows[index].page

    def may_start(self, index: int) -> bool:
        """Whether an area may start at this row: below a rule across the Area column, where
        the page draws such rules."""
        row = self.rows[index]
        rules = self.area_rules.get(row.page)
        if not rules or self.first_on_page(index):
            return True
        above = max(_tops(self.rows[index - 1], row.page))
        return rule_between(rules, above, min(self.tops[index]))

    def middle(self, first: int, last: int, page: int) -> float | None:
        if self.rows[first].page != page or self.rows[last].page != page:
            return None
        return (min(self.tops[first]) + max(_tops(self.rows[last], page))) / 2

    def last_on_page(self, page: int) -> int:
        return self.by_page[page][1][-1]


def _tops(row: Row, page: int) -> list[float]:
    return [line.top for line in row.lines if line.page == page] or [row.top]


def _level(labels: list[Label], table: _Table) -> tuple[list[int] | None, Label | None]:
    """Each label level with the first line of the row it starts; else the first that is not."""
    starts: list[int] = []
    for label in labels:
        index = table.level_with(label.first.top, label.page, LEVEL_LINES * label.pitch)
        if index is None or not table.may_start(index) or (starts and index <= starts[-1]):
            return None, label
        starts.append(index)
    return starts, None


def _centred(labels: list[Label], table: _Table, *, on_first_row: bool) -> list[list[int]]:
    """Every placement (up to ENOUGH) of labels centred on the rows each covers on its page
    (merged Area cells), or `on_first_row` only. The first label starts at the first row."""

    def fits(number: int, start: int, end: int) -> bool:
        label = labels[number]
        middle = table.middle(start, start if on_first_row else end, label.page)
        return middle is not None and abs(middle - label.middle) <= LEVEL_LINES * label.pitch

    @cache
    def placements(number: int, start: int) -> tuple[tuple[int, ...], ...]:
        label = labels[number]
        if table.rows[start].page != label.page or not table.may_start(start):
            return ()
        end = table.last_on_page(label.page)
        following = labels[number + 1] if number + 1 < len(labels) else None
        if following is None or following.page != label.page:
            # The label's rows run to the page's last row (and on, over the page break, to
            # the next label).
            if not fits(number, start, end):
                return ()
            if following is None:
                return ((start,),)
            afters = table.by_page.get(following.page, ([], []))[1]
        else:
            afters = [after for after in range(start + 1, end + 1) if fits(number, start, after - 1)]
        found: list[tuple[int, ...]] = []
        for after in afters:
            found += [(start, *rest) for rest in placements(number + 1, after)]
            if len(found) >= ENOUGH:
                break
        return tuple(found[:ENOUGH])

    if not labels or not table.rows or len(labels) > MOST_CENTRED_LABELS or len(table.rows) > MOST_CENTRED_ROWS:
        return []
    return [list(placement) for placement in placements(0, 0)]


def _all_centred(labels: list[Label], table: _Table) -> list[list[int]]:
    """The placements of either way of centring, each way taken for the whole table."""
    ways = _centred(labels, table, on_first_row=False)
    return ways + [way for way in _centred(labels, table, on_first_row=True) if way not in ways]


def place_labels(
    labels: list[Label], rows: list[Row], area_rules: dict[int, list[float]], *, centred: bool, confirmed: bool
) -> list[Refusal]:
    """Set each row's area from the labels. `centred`: the rows were read as a centred table
    prints them; `confirmed`: the page's gaps or rules confirm where each row starts (so
    labels centred on rows read by their years are safe)."""
    if not labels:
        return []
    table = _Table(rows, area_rules)
    level, not_level = _level(labels, table)
    # A table whose cells are centred has its labels centred too: a label that is also level
    # with a row (the middle one of three one-line rows) is read as centred on them.
    if centred:
        ways = _all_centred(labels, table) or ([level] if level is not None else [])
    else:
        ways = [level] if level is not None else _all_centred(labels, table)
    if len(ways) > 1:
        first = next(index for index, starts in enumerate(zip(*ways, strict=True)) if len(set(starts)) > 1)
        label = labels[first]
        return [
            Refusal(
                label.page,
                f"the area label “{label.first.text}” can be centred on more than one run of rows: the rows "
                "cannot be told apart.",
                label.first.line,
            )
        ]
    if not ways:
        label = not_level or labels[0]
        return [
            Refusal(
                label.page,
                f"the area label “{label.first.text}” is neither level with the first line of a row nor centred "
                "on the rows it covers.",
                label.first.line,
            )
        ]
    if not centred and level is None and not confirmed:
        label = labels[0]
        return [
            Refusal(
                label.page,
                "the area labels are centred on their rows, so the years may be too, and the table prints no gap "
                "or rule between its rows: the rows cannot be told apart.",
                label.first.line,
            )
        ]
    return _apply(labels, ways[0], rows)


def _apply(labels: list[Label], starts: list[int], rows: list[Row]) -> list[Refusal]:
    by_row = {start: label.code for label, start in zip(labels, starts, strict=True)}
    area = None
    for index, row in enumerate(rows):
        area = by_row.get(index, area)
        row.area = area
    return []
