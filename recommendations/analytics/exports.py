"""The filtered recommendation list as a spreadsheet: CSV (UTF-8 with a BOM, so Excel reads
Azerbaijani letters) and XLSX. Both walk the queryset with `.iterator()`, so a 100,000-row
export never holds the rows in memory at once.

Column names are the API's field names and are not translated: scripts read them.
"""

import datetime
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from django.db.models import CharField, Exists, Max, OuterRef, QuerySet, Subquery, Value

from recommendations.evidence.selectors import evidence_count_annotation
from recommendations.listing.as_of import status_at_annotation
from recommendations.listing.columns import EXPORT_COLUMNS, EXPORT_FIELDS, EXPORT_ORM, Presentation, export_rows
from recommendations.listing.selectors import responsible_body_names
from recommendations.progress.published import published_entries
from recommendations.tags.models import Tag
from recommendations.tags.selectors import tag_fields_fill

from . import xlsx
from .spreadsheets import csv_lines, filters_rows, filters_sheet

CHUNK_SIZE = 2000
BODY_SEPARATOR = "; "


def recommendation_export_values(queryset: QuerySet, *, as_of: datetime.date | None = None) -> QuerySet:
    """Plain value tuples (the export's stored columns) for an export to iterate: no model
    instances, and per-row counts as subqueries, so no join multiplies the rows."""
    last_progress = (
        published_entries()
        .filter(recommendation=OuterRef("pk"))
        .order_by()
        .values("recommendation")
        .annotate(last=Max("occurred_on"))
        .values("last")
    )
    return queryset.annotate(
        has_tags=Exists(Tag.recommendations.through.objects.filter(recommendation=OuterRef("pk"))),
        evidence_count=evidence_count_annotation(),
        last_progress_on=Subquery(last_progress),
        status_as_of=status_at_annotation(as_of, queryset) if as_of else Value(None, output_field=CharField()),
    ).values_list(*EXPORT_ORM)


STORED_NAMES = tuple(column.name for column in EXPORT_COLUMNS if column.orm)


def _rows(queryset: QuerySet, as_of: datetime.date | None, page_url: str) -> Iterator[list[Any]]:
    """Rows in the order of EXPORT_FIELDS as Python values, labels in the active language.

    The rows come chunk by chunk; each chunk costs one more query for its responsible bodies, and
    one for its tags if any row has some.
    """
    presentation = Presentation.active(page_url=page_url)  # once, not per row
    values = recommendation_export_values(queryset, as_of=as_of).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(values, CHUNK_SIZE)):
        rows = [dict(zip(STORED_NAMES, row, strict=True)) for row in chunk]
        bodies = responsible_body_names(row["id"] for row in rows)
        for row in rows:
            row["responsible_bodies"] = BODY_SEPARATOR.join(bodies.get(row["id"], ()))
        tag_fields_fill(rows, presentation.language, tagged=[row["id"] for row in rows if row["has_tags"]])
        yield from export_rows(rows, presentation)


def csv_chunks(
    queryset: QuerySet, *, as_of: datetime.date | None = None, page_url: str = "", delimiter: str = ","
) -> Iterator[str]:
    """The CSV in pieces (`spreadsheets.csv_lines`: one form for every moment)."""
    return csv_lines(EXPORT_FIELDS, _rows(queryset, as_of, page_url), delimiter=delimiter)


URL_COLUMN = EXPORT_FIELDS.index("url")
PROGRESS_SHEET = "progress"
XLSX_WIDTHS = {
    "action": 80,
    "responsible_bodies": 40,
    "area_name": 24,
    "status_label": 22,
    "status_as_of_label": 22,
    "status_changed_at": 20,
    "url": 40,
}
# Rows an XLSX export holds: Excel's limit less the header. Past it, the export is refused
# (a 400 that says to use CSV or narrow the filters), before anything is sent.
XLSX_MAX_ROWS = xlsx.MAX_ROWS - 1


def xlsx_too_many_rows(queryset: QuerySet) -> bool:
    return queryset.order_by().values("pk")[XLSX_MAX_ROWS : XLSX_MAX_ROWS + 1].exists()


def xlsx_chunks(
    queryset: QuerySet,
    *,
    as_of: datetime.date | None = None,
    page_url: str = "",
    filters: Sequence[tuple[str, str]] = (),
    more_sheets: Sequence[xlsx.Sheet] = (),
) -> Iterator[bytes]:
    """The workbook in pieces, streamed while the rows are read (`xlsx.py`).

    The first sheet holds the rows (an autofilter on the header, each row's page as a link);
    then `more_sheets`; the last says what was exported: the filters (`filters`, as (parameter, value)),
    `as_of`, when, in which zone, and how many rows.
    """
    rows = xlsx.Sheet(
        name="recommendations",
        header=EXPORT_FIELDS,
        rows=_rows(queryset, as_of, page_url),
        widths=XLSX_WIDTHS,
        freeze_header=True,
        autofilter=True,
        link_column="url",
    )
    # The row count is known once the first sheet is written.
    stated = filters_sheet(filters_rows(stated=filters, as_of=as_of, rows=lambda: rows.rows_written))
    return xlsx.workbook_chunks([rows, *more_sheets, stated])
