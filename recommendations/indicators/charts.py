"""A trend chart of one indicator over the years, drawn on the server as SVG geometry.

One point per year a report states a number for; a year with no value is a gap in the line
(the line is broken there, never drawn through it); a year the report says is unknown or not
applicable is marked on the axis with "?" or "–", never drawn as zero. Coordinates are plain
strings: the template language would print floats with the language's decimal comma."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from recommendations.analytics.charts import svg_number

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 28, 16, 40
UNKNOWN_MARK = {"unknown": "?", "not_applicable": "–"}


@dataclass(frozen=True)
class TrendPoint:
    year: int
    x: str
    y: str
    label: str


@dataclass(frozen=True)
class TrendMark:
    year: int
    x: str
    text: str
    title: str


@dataclass
class TrendChart:
    width: str = str(WIDTH)
    height: str = str(HEIGHT)
    axis_left: str = str(LEFT)
    axis_right: str = str(WIDTH - RIGHT)
    axis_bottom: str = str(HEIGHT - BOTTOM)
    points: list[TrendPoint] = field(default_factory=list)
    # The line's runs between gaps: each a "x,y x,y …" polyline.
    runs: list[str] = field(default_factory=list)
    marks: list[TrendMark] = field(default_factory=list)
    year_labels: list[tuple[str, str]] = field(default_factory=list)
    value_labels: list[tuple[str, str]] = field(default_factory=list)
    gridlines: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.points and not self.marks


def trend_chart(years: Sequence[tuple[int, str, Decimal | None, str]]) -> TrendChart:
    """`years`: (year, state, number, label) for every year of the range, oldest first;
    state "" for a year no report speaks of."""
    chart = TrendChart()
    if not years:
        return chart
    first, last = years[0][0], years[-1][0]
    numbers = [number for _year, state, number, _label in years if state == "number" and number is not None]
    top = max(numbers, default=Decimal(0))
    top = top if top > 0 else Decimal(1)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x_of(year: int) -> float:
        return LEFT + (plot_width * (year - first) / (last - first) if last > first else plot_width / 2)

    def y_of(number: Decimal) -> float:
        return TOP + plot_height * (1 - float(number / top))

    run: list[str] = []
    for year, state, number, label in years:
        x = x_of(year)
        chart.year_labels.append((svg_number(x), str(year)))
        if state == "number" and number is not None:
            y = y_of(number)
            chart.points.append(TrendPoint(year, svg_number(x), svg_number(y), label))
            run.append(f"{svg_number(x)},{svg_number(y)}")
            continue
        if run:
            chart.runs.append(" ".join(run))
            run = []
        if state in UNKNOWN_MARK:
            chart.marks.append(TrendMark(year, svg_number(x), UNKNOWN_MARK[state], label))
    if run:
        chart.runs.append(" ".join(run))
    for fraction in (0, 0.5, 1):
        value = top * Decimal(str(fraction))
        gridline = svg_number(y_of(value))
        chart.gridlines.append(gridline)
        shown = f"{value:,.0f}" if value >= 10 or value == value.to_integral_value() else f"{value:,.1f}"
        chart.value_labels.append((gridline, shown))
    return chart
