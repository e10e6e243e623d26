"""The heat table: the share implemented per area (rows) and year (columns), from the stats'
cross table (`cross.table(..., implemented=True)`). Each cell writes its share as text and
its counts in a tooltip; the shade only repeats the number (one hue, light to dark, which
colour-blind readers tell apart by lightness)."""

from dataclasses import dataclass
from typing import Any

# Shares up to these bounds (per cent) take the shades heat-1 … heat-4; 0% is heat-0.
SHADE_BOUNDS = (25, 50, 75, 100)


@dataclass(frozen=True)
class HeatCell:
    count: int
    implemented: int
    share: str  # "33%"; empty where no recommendation falls
    shade: str  # a CSS class: heat-none, heat-0 … heat-4


@dataclass(frozen=True)
class HeatRow:
    key: str
    label: str
    cells: list[HeatCell]


@dataclass(frozen=True)
class HeatTable:
    columns: list[str]
    rows: list[HeatRow]

    @property
    def is_empty(self) -> bool:
        return not self.rows


def _shade(count: int, implemented: int) -> str:
    if not count:
        return "heat-none"
    if not implemented:
        return "heat-0"
    share = 100 * implemented / count
    return f"heat-{next(index for index, bound in enumerate(SHADE_BOUNDS, 1) if share <= bound)}"


def implemented_heat(table: dict[str, Any]) -> HeatTable:
    """`table` is the stats' area × year cross table with its `implemented` counts."""
    rows = []
    for row in table["cells"]:
        cells = [
            HeatCell(
                count, implemented, f"{round(100 * implemented / count)}%" if count else "", _shade(count, implemented)
            )
            for count, implemented in zip(row["counts"], row["implemented"], strict=True)
        ]
        rows.append(HeatRow(str(row["key"] or ""), str(row["label"]), cells))
    return HeatTable(columns=[str(year) for year in table["column_keys"]], rows=rows)
