"""Cross tables of the stats (`/stats/?by=area,year`): the recommendations counted by two of
area, year, source and status at once, one cell per pair.

The counts come with the stats' own (`stats.recommendation_stats`): one more grouped query
by the columns the two dimensions need and the status, the `as_of` moves applied to its cells
as to every breakdown, so a table as of a day agrees with `by_area` and `by_year` that day.
A recommendation counts in every year of its range, as in `by_year`: a row's `total` is the
recommendations in it, which may be less than the sum of its year cells."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from recommendations.choices import AREAS, Status, area_label, status_labels

DIMENSIONS = ("area", "year", "source", "status")
BY_PARAMETER = "by"
# The stored columns a dimension is counted by (year: the range).
COLUMNS = {"area": ("area",), "year": ("year_start", "year_end"), "source": ("source",), "status": ()}
AREA_POSITION = {area.code: area.position for area in AREAS}

Cells = dict[tuple[Any, Any], dict[str, int]]


def parse_by(value: str | None) -> tuple[str, str] | None:
    """`by=<rows>,<columns>`: two different dimensions; None when absent; a 400 naming `by`."""
    if value is None:
        return None
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 2 or parts[0] == parts[1] or not set(parts) <= set(DIMENSIONS):
        raise ValidationError(
            {
                BY_PARAMETER: [
                    _("“%(value)s” is not a cross table; give two different ones of %(allowed)s, such as area,year.")
                    % {"value": value, "allowed": ", ".join(DIMENSIONS)}
                ]
            }
        )
    return parts[0], parts[1]


def grouped_columns(by: tuple[str, str]) -> tuple[str, ...]:
    return tuple(column for dimension in by for column in COLUMNS[dimension])


def _keys(dimension: str, row: dict[str, Any], status: str) -> Iterable[Any]:
    if dimension == "area":
        return (row["area"],)
    if dimension == "year":
        return range(row["year_start"], row["year_end"] + 1)
    if dimension == "source":
        return (row["source"],)
    return (status,)


def add(cells: Cells, by: tuple[str, str], row: dict[str, Any], status: str, count: int) -> None:
    """Count `count` rows of `row`'s values (area, year_start, year_end, source) with
    `status` in each cell they fall in (negative to take them out)."""
    for row_key in _keys(by[0], row, status):
        for column_key in _keys(by[1], row, status):
            cells[(row_key, column_key)][status] += count


def new_cells() -> Cells:
    return defaultdict(lambda: dict.fromkeys(Status.values, 0))


def _order(dimension: str, keys: Iterable[Any], sources: dict[int, dict]) -> list[Any]:
    keys = set(keys)
    if dimension == "status":
        return list(Status.values)
    if dimension == "area":
        return sorted(keys, key=lambda area: AREA_POSITION.get(area, len(AREAS) + 1))
    if dimension == "source":
        return sorted(keys, key=lambda source: (-sources[source]["report_year"], sources[source]["slug"]))
    return sorted(keys)


def _label(dimension: str, key: Any, sources: dict[int, dict], labels: dict[str, str]) -> Any:
    if dimension == "area":
        return area_label(key)
    if dimension == "source":
        return sources[key]["slug"]
    if dimension == "status":
        return labels[key]
    return key


def table(by: tuple[str, str], cells: Cells, sources: dict[int, dict], *, implemented: bool = False) -> dict[str, Any]:
    """The table's answer: the columns, and per row its cells in the columns' order.
    `sources` maps the ids counted to their `slug` and `report_year`. With `implemented`
    each row also gives how many of each cell are implemented (the dashboard's heat table)."""
    counts = {pair: sum(by_status.values()) for pair, by_status in cells.items()}
    present = [pair for pair, count in counts.items() if count]
    row_keys = _order(by[0], (pair[0] for pair in present), sources)
    column_keys = _order(by[1], (pair[1] for pair in present), sources)
    labels = status_labels()

    def key_of(dimension: str, key: Any) -> Any:
        return sources[key]["slug"] if dimension == "source" else key

    result = {
        "rows": by[0],
        "columns": by[1],
        "column_keys": [key_of(by[1], key) for key in column_keys],
        "column_labels": [_label(by[1], key, sources, labels) for key in column_keys],
        "cells": [
            {
                "key": key_of(by[0], row_key),
                "label": _label(by[0], row_key, sources, labels),
                "counts": [counts.get((row_key, column_key), 0) for column_key in column_keys],
            }
            for row_key in row_keys
        ],
    }
    if implemented:
        for row, row_key in zip(result["cells"], row_keys, strict=True):
            row["implemented"] = [
                cells[(row_key, column_key)][Status.IMPLEMENTED] if (row_key, column_key) in cells else 0
                for column_key in column_keys
            ]
    return result
