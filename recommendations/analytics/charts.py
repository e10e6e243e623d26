"""Stacked bar charts drawn on the server as SVG geometry: the page needs no JavaScript and
loads nothing from elsewhere.

Bars are horizontal with the label above each bar, so long Azerbaijani area names fit on a
phone. Coordinates are formatted here as plain strings: the template language would print
a float with the active language's decimal comma, which SVG does not read.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

IMPLEMENTED = "implemented"
# A narrow drawing scales up little on a wide screen and keeps its text legible on a phone.
WIDTH = 480
TOTAL_LABEL_SPACE = 48
ROW_HEIGHT = 52
LABEL_BASELINE = 18
BAR_TOP = 24
BAR_HEIGHT = 20
SEGMENT_DIGIT_WIDTH = 8  # a digit of the 13 px count inside a segment


def svg_number(value: float) -> str:
    """A coordinate as SVG reads it: a decimal point, at most two decimals, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Segment:
    status: str
    status_label: str
    count: int
    x: str
    width: str
    # The count written inside the segment, centred, where it fits: the numbers read without
    # telling colours apart.
    count_x: str = ""
    shows_count: bool = False


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
    count_y: str
    segments: list[Segment] = field(default_factory=list)
    # The implemented share of the bar, as text ("33%"); empty for an empty bar.
    implemented_share: str = ""


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
                fits = width >= len(str(count)) * SEGMENT_DIGIT_WIDTH + 6
                segments.append(
                    Segment(
                        status,
                        status_label,
                        count,
                        svg_number(x),
                        svg_number(width),
                        count_x=svg_number(x + width / 2),
                        shows_count=fits,
                    )
                )
                x += width
        total = sum(counts.values())
        bars.append(
            Bar(
                key=str(key),
                label=label,
                total=total,
                counts=[counts.get(status, 0) for status, _label in statuses],
                label_y=svg_number(top + LABEL_BASELINE),
                bar_y=svg_number(top + BAR_TOP),
                total_x=svg_number(x + 6),
                total_y=svg_number(top + BAR_TOP + BAR_HEIGHT - 5),
                count_y=svg_number(top + BAR_TOP + BAR_HEIGHT - 5.5),
                segments=segments,
                implemented_share=f"{round(100 * counts.get(IMPLEMENTED, 0) / total)}%" if total else "",
            )
        )
    return StackedBarChart(
        width=str(WIDTH),
        height=str(max(len(rows), 1) * ROW_HEIGHT),
        bar_height=str(BAR_HEIGHT),
        statuses=list(statuses),
        bars=bars,
    )


def status_bar_chart(by_status: Mapping[str, int], statuses: Sequence[tuple[str, str]]) -> StackedBarChart:
    """A selection by status as one stacked bar (the dashboard's, a report's, a country's)."""
    return stacked_bar_chart([("all", "", by_status)], statuses)


# The progress-over-time chart: one band per status, stacked, a point per period end.
AREA_WIDTH = 480
AREA_HEIGHT = 260
AREA_LEFT = 44  # room for the counts on the left
AREA_TOP = 10
AREA_BOTTOM = 40  # room for the dates below
MAX_DATE_LABELS = 6
DATE_LABEL_FONT = 13  # px, as tracker.css draws .date-label
LABEL_GAP = 6


@dataclass(frozen=True)
class Band:
    status: str
    status_label: str
    points: str


@dataclass(frozen=True)
class AxisLabel:
    x: str
    y: str
    text: str
    anchor: str = "middle"  # SVG text-anchor


@dataclass(frozen=True)
class Point:
    key: str
    label: str
    total: int
    counts: list[int]


@dataclass(frozen=True)
class StackedAreaChart:
    width: str
    height: str
    statuses: list[tuple[str, str]]
    bands: list[Band]
    date_labels: list[AxisLabel]
    count_labels: list[AxisLabel]
    gridlines: list[str]
    axis_left: str
    axis_right: str
    axis_bottom: str
    points: list[Point]

    @property
    def is_empty(self) -> bool:
        return not self.points


def label_width(text: str) -> float:
    """A date label's width in the drawing's units, generously: 13 px text, digits and
    capitals at most ~0.62 em wide (system-ui and the fallbacks)."""
    return len(text) * DATE_LABEL_FONT * 0.62


def spaced_labels(xs: Sequence[float], labels: Sequence[str]) -> list[int]:
    """Which of the points get a date label: the first, the last, and between them as many as
    fit at least LABEL_GAP apart, evenly stepped. The last label is drawn ending at its point
    (anchor end), the others centred; a label that would touch the last one is dropped, so
    "2025" never runs into "2026"."""
    count = len(xs)
    if not count:
        return []
    if count == 1:
        return [0]

    def span(index: int) -> tuple[float, float]:
        width = label_width(labels[index])
        if index == count - 1:
            return xs[index] - width, xs[index]
        return xs[index] - width / 2, xs[index] + width / 2

    step = max(1, -(-count // MAX_DATE_LABELS))  # ceiling division
    while True:
        shown = [0]
        for index in range(step, count - 1, step):
            if span(index)[0] >= span(shown[-1])[1] + LABEL_GAP and span(index)[1] + LABEL_GAP <= span(count - 1)[0]:
                shown.append(index)
        if span(count - 1)[0] >= span(shown[-1])[1] + LABEL_GAP or len(shown) == 1:
            if len(shown) == 1 and span(count - 1)[0] < span(0)[1] + LABEL_GAP:
                return [count - 1]  # two points too close for both labels: the latest is named
            return [*shown, count - 1]
        step += 1


def stacked_area_chart(
    rows: Sequence[tuple[str, str, Mapping[str, int]]], statuses: Sequence[tuple[str, str]]
) -> StackedAreaChart:
    """`rows` are (key, label, counts by status) in time order, one per period end;
    `statuses` the (code, label) stacking order, bottom first."""
    plot_width = AREA_WIDTH - AREA_LEFT - 8
    plot_height = AREA_HEIGHT - AREA_TOP - AREA_BOTTOM
    largest = max((sum(counts.values()) for _key, _label, counts in rows), default=0)
    scale = plot_height / largest if largest else 0
    bottom = AREA_TOP + plot_height
    count = len(rows)

    def x_of(index: int) -> float:
        # A single period is drawn as a flat band across the width.
        return AREA_LEFT + (plot_width * index / (count - 1) if count > 1 else 0)

    xs = [x_of(index) for index in range(count)] if count != 1 else [AREA_LEFT, AREA_LEFT + plot_width]
    stacked_rows = list(rows) if count != 1 else list(rows) * 2
    if not rows:
        xs = []
    below = [0] * len(xs)
    bands = []
    for status, status_label in statuses:
        above = [base + counts.get(status, 0) for base, (_key, _label, counts) in zip(below, stacked_rows, strict=True)]
        if any(top != base for top, base in zip(above, below, strict=True)):
            upper = [
                f"{svg_number(x)},{svg_number(bottom - value * scale)}" for x, value in zip(xs, above, strict=True)
            ]
            lower = [
                f"{svg_number(x)},{svg_number(bottom - value * scale)}" for x, value in zip(xs, below, strict=True)
            ]
            bands.append(Band(status, status_label, " ".join(upper + lower[::-1])))
        below = above
    shown = spaced_labels([x_of(index) for index in range(count)], [label for _key, label, _counts in rows])
    # The last label ends at the last point: centred on it, half of it fell outside the chart.
    date_labels = [
        AxisLabel(
            svg_number(x_of(index)), svg_number(bottom + 22), rows[index][1], "end" if index == count - 1 else "middle"
        )
        for index in shown
    ]
    ticks = sorted({0, largest // 2, largest}) if largest else [0]
    count_labels = [
        AxisLabel(svg_number(AREA_LEFT - 6), svg_number(bottom - tick * scale + 5), str(tick)) for tick in ticks
    ]
    return StackedAreaChart(
        width=str(AREA_WIDTH),
        height=str(AREA_HEIGHT),
        statuses=list(statuses),
        bands=bands,
        date_labels=date_labels,
        count_labels=count_labels,
        gridlines=[svg_number(bottom - tick * scale) for tick in ticks],
        axis_left=str(AREA_LEFT),
        axis_right=svg_number(AREA_LEFT + plot_width),
        axis_bottom=svg_number(bottom),
        points=[
            Point(str(key), label, sum(counts.values()), [counts.get(status, 0) for status, _label in statuses])
            for key, label, counts in rows
        ],
    )
