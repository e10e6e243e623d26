"""The filtered recommendation list as a spreadsheet: CSV (UTF-8 with a BOM, so Excel reads
Azerbaijani letters) and XLSX. Both walk the queryset with `.iterator()`, so a 100,000-row
export never holds the rows in memory at once.

Column names are the API's field names and are not translated: scripts read them.
"""

import csv
import datetime
import io
import tempfile
from collections.abc import Iterator
from itertools import islice
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from .api.serializers import area_name
from .choices import AREAS, Status
from .selectors import recommendation_export_rows, responsible_body_names

EXPORT_COLUMNS = (
    "id",
    "source",
    "country",
    "area",
    "area_name",
    "action",
    "year_start",
    "year_end",
    "priority",
    "status",
    "status_label",
    "status_changed_at",
    "responsible_bodies",
    "evidence_count",
    "last_progress_on",
)
CHUNK_SIZE = 2000
BODY_SEPARATOR = "; "
CSV_BOM = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@")


def _rows(queryset: QuerySet) -> Iterator[list[Any]]:
    """Rows in the order of EXPORT_COLUMNS as Python values, labels in the active language.

    The rows come chunk by chunk; each chunk costs one more query for its responsible bodies.
    """
    status_labels = {value: str(label) for value, label in Status.choices}
    area_names = {area.code: area_name(area.code) for area in AREAS}
    zone = timezone.get_current_timezone()  # once, not per row
    rows = recommendation_export_rows(queryset).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        bodies = responsible_body_names(row[0] for row in chunk)
        for pk, source, country, area, action, start, end, priority, status, changed, evidence, progress in chunk:
            yield [
                pk,
                source,
                country,
                area or "",
                area_names.get(area, ""),
                action,
                start,
                end,
                priority,
                status,
                status_labels[status],
                changed.astimezone(zone),
                BODY_SEPARATOR.join(bodies.get(pk, ())),
                evidence,
                progress,
            ]


PRIORITY_COLUMN = EXPORT_COLUMNS.index("priority")
STATUS_CHANGED_COLUMN = EXPORT_COLUMNS.index("status_changed_at")
# Rows are sent in pieces of about this many characters: one write per row was most of the
# time of a large export.
CSV_CHUNK_CHARS = 64 * 1024


def csv_chunks(queryset: QuerySet) -> Iterator[str]:
    """The CSV in pieces. The csv module writes None as "", numbers and dates (ISO 8601) as
    they should be; only the flag and the timestamp need converting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(CSV_BOM)
    writer.writerow(EXPORT_COLUMNS)
    for values in _rows(queryset):
        values[PRIORITY_COLUMN] = "true" if values[PRIORITY_COLUMN] else "false"
        values[STATUS_CHANGED_COLUMN] = values[STATUS_CHANGED_COLUMN].isoformat()
        writer.writerow(values)
        if buffer.tell() >= CSV_CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _xlsx_cell(sheet, value: Any) -> WriteOnlyCell:
    if isinstance(value, datetime.datetime):
        value = value.replace(tzinfo=None)  # Excel has no time zones; the value is local time
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters copied from PDFs are not XML
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"  # text as published, never a formula
    if isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def xlsx_file(queryset: QuerySet) -> IO[bytes]:
    """The workbook in a temporary file, rewound. Write-only mode streams rows to disk."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("recommendations")
    widths = {"action": 80, "responsible_bodies": 40, "area_name": 24, "status_label": 22, "status_changed_at": 20}
    for index, column in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(column, 14)
    sheet.freeze_panes = "A2"
    sheet.append(list(EXPORT_COLUMNS))
    for values in _rows(queryset):
        sheet.append([_xlsx_cell(sheet, value) for value in values])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response streams and then closes it
    workbook.save(output)
    output.seek(0)
    return output
