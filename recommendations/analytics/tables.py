"""The stats and the timeline as tables, for their CSV and XLSX (`?format=csv|xlsx`): the
numbers the JSON answer holds, one row per group, a column per status (codes, as in JSON),
so a spreadsheet's sums are the API's totals."""

from collections.abc import Sequence
from typing import Any

from recommendations.choices import Status

from .spreadsheets import Table as Sheet

STATUS_COLUMNS = tuple(Status.values)


def _counts(row: dict[str, Any]) -> list[int]:
    return [row["by_status"][status] for status in STATUS_COLUMNS]


def stats_sheets(data: dict[str, Any]) -> list[Sheet]:
    """`stats`: the total, then each breakdown's groups (`breakdown` says which), each with its
    `total` and a count per status. With `by`, first `table`: the cross table, a row per row
    key, a column per column key."""
    header = ("breakdown", "key", "label", "total", *STATUS_COLUMNS)
    rows: list[Sequence[Any]] = [("all", "", "", data["total"], *_counts(data))]
    rows += [
        ("area", row["area"] or "", row["area_name"], row["total"], *_counts(row)) for row in data.get("by_area", [])
    ]
    rows += [("year", row["year"], str(row["year"]), row["total"], *_counts(row)) for row in data.get("by_year", [])]
    rows += [("source", row["source"], row["title"], row["total"], *_counts(row)) for row in data.get("by_source", [])]
    sheets: list[Sheet] = [("stats", header, rows)]
    if "table" in data:
        sheets.insert(0, table_sheet(data["table"]))
    return sheets


def table_sheet(table: dict[str, Any]) -> Sheet:
    header = (table["rows"], "label", *(str(key) for key in table["column_keys"]))
    rows = [(row["key"] if row["key"] is not None else "", row["label"], *row["counts"]) for row in table["cells"]]
    return ("table", header, rows)


def timeline_sheets(data: dict[str, Any]) -> list[Sheet]:
    """`timeline`: a row per period end, whether the period is cut short at `to`, the total
    and a count per status."""
    header = ("end", "partial", "total", *STATUS_COLUMNS)
    rows = [(period["end"], period["partial"], period["total"], *_counts(period)) for period in data["periods"]]
    return [("timeline", header, rows)]
