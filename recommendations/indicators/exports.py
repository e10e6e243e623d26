"""The indicator values of the exported recommendations' countries, as a sheet of the XLSX
export: one row per value and source (two reports stating one year are two rows, flagged),
with where it was read. Published figures, so in every export whoever asks."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from recommendations.analytics import xlsx

from .models import plain_number
from .selectors import values_with_disagreement

SHEET = "indicators"
COLUMNS = [
    "country",
    "indicator",
    "indicator_name",
    "unit",
    "year",
    "state",
    "number",
    "currency",
    "converted_usd",
    "printed",
    "source",
    "table",
    "table_row",
    "table_column",
    "page",
    "lines",
    "sentence",
    "language",
    "citations",
    "confirmed",
    "corrected",
    "sources_disagree",
]
WIDTHS = {"indicator": 30, "indicator_name": 40, "printed": 24, "source": 18, "table_row": 36, "sentence": 80}
CHUNK = 2000


def _values(recommendations: QuerySet) -> QuerySet:
    # The countries first, as values: the list's filters may be SQL naming the recommendation
    # table, which a subquery would rename (U0).
    countries = sorted({str(code) for code in recommendations.order_by().values_list("country", flat=True).distinct()})
    return (
        values_with_disagreement()
        .filter(country__in=countries)
        .order_by("country", "indicator__kind", "indicator__position", "year", "source__report_year", "pk")
    )


def _rows(recommendations: QuerySet) -> Iterator[list[Any]]:
    for value in _values(recommendations).iterator(chunk_size=CHUNK):
        where = value.location or {}
        lines = where.get("lines") or []
        yield [
            str(value.country),
            value.indicator.code,
            value.indicator.name,
            value.indicator.unit,
            value.year,
            value.state,
            plain_number(value.number),
            value.currency,
            plain_number(value.converted_usd),
            value.printed,
            value.source.slug,
            where.get("table", ""),
            where.get("row", ""),
            where.get("column", ""),
            where.get("page"),
            "–".join(str(line) for line in lines),
            value.quote,
            value.language,
            value.citations,
            value.confirmed,
            value.corrected,
            value.disagrees,
        ]


def indicator_values_sheet(recommendations: QuerySet) -> xlsx.Sheet:
    return xlsx.Sheet(
        name=SHEET, header=COLUMNS, rows=_rows(recommendations), widths=WIDTHS, freeze_header=True, autofilter=True
    )
