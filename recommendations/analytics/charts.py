"""Stacked bar charts drawn on the server as SVG geometry: the page needs no JavaScript and
loads nothing from elsewhere.

Bars are horizontal with the label above each bar, so long Azerbaijani area names fit on a
phone. Coordinates are formatted here as plain strings: the template language would print
a float with the active language's decimal comma, which SVG does not read.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# A narrow drawing scales up little on a wide screen and keeps its text legible on a phone.
WIDTH = 480
TOTAL_LABEL_SPACE = 48
ROW_HEIGHT = 52
LABEL_BASELINE = 18
BAR_TOP = 24
BAR_HEIGHT = 20


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Segment:
    status: str
    status_label: str
    count: int
    x: str
    width: str


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    total: int
    counts: list[int]
    label_y: str
    bar_y: str
    total_x: str
    total_y: str
    segments: list[Segment] = field(default_factory=list)


@dataclass(frozen=True)
class StackedBarChart:
    width: str
    height: str
    bar_height: str
    statuses: list[tuple[str, str]]
    bars: list[Bar]

    @property
    def is_empty(self) -> bool:
        return not self.bars


def stacked_bar_chart(
    rows: Sequence[tuple[str, str, Mapping[str, int]]], statuses: Sequence[tuple[str, str]]
) -> StackedBarChart:
    """`rows` are (key, label, counts by status); `statuses` the (code, label) stacking order."""
    largest = max((sum(counts.values()) for _key, _label, counts in rows), default=0)
    scale = (WIDTH - TOTAL_LABEL_SPACE) / largest if largest else 0
    bars = []
    for index, (key, label, counts) in enumerate(rows):
        top = index * ROW_HEIGHT
        x = 0.0
        segments = []
        for status, status_label in statuses:
            count = counts.get(status, 0)
            if count:
                width = count * scale
                segments.append(Segment(status, status_label, count, _number(x), _number(width)))
                x += width
        total = sum(counts.values())
        bars.append(
            Bar(
                key=str(key),
                label=label,
                total=total,
                counts=[counts.get(status, 0) for status, _label in statuses],
                label_y=_number(top + LABEL_BASELINE),
                bar_y=_number(top + BAR_TOP),
                total_x=_number(x + 6),
                total_y=_number(top + BAR_TOP + BAR_HEIGHT - 5),
                segments=segments,
            )
        )
    return StackedBarChart(
        width=str(WIDTH),
        height=str(max(len(rows), 1) * ROW_HEIGHT),
        bar_height=str(BAR_HEIGHT),
        statuses=list(statuses),
        bars=bars,
    )
