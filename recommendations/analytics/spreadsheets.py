"""What every CSV and XLSX the API writes shares: one form for moments, the CSV's separator
and formula guard, the XLSX cell types and the `filters` sheet that says what was exported.
The recommendation export (`exports.py`), the stats and timeline tables (`tables.py`) and the
progress log use them, so a spreadsheet of one reads like the others."""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import xlsx

CSV_BOM = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheet programs run a cell that starts with one of these as a formula (a tab or a
# carriage return first is skipped by some, so what follows still counts: OWASP's list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# In the CSV such a cell gets this in front, so a spreadsheet shows it as text (OWASP's advice).
# A program reading the CSV strips it back: a cell that starts with "'" followed by one of
# FORMULA_PREFIXES had the "'" added here (see README, "Exports").
CSV_FORMULA_GUARD = "'"
# `delimiter`: what separates a CSV's cells. Excel splits by the list separator of the
# reader's regional settings, `;` where the decimal mark is a comma (Azerbaijani, most of Europe).
DELIMITERS = {",": ",", ";": ";", "tab": "\t"}
DELIMITER_PARAMETER = "delimiter"
# Rows are sent in pieces of about this many characters: one write per row was most of the
# time of a large export.
CSV_CHUNK_CHARS = 64 * 1024
FILTER_SHEET = "filters"


def csv_delimiter(params, *, csv_format: bool) -> str:
    """The CSV separator `params` asks for (`,` by default); a 400 naming `delimiter` for any
    other value, or when the format is not CSV (a workbook has no separator)."""
    raw = params.get(DELIMITER_PARAMETER)
    if raw is None:
        return ","
    if not csv_format:
        raise ValidationError({DELIMITER_PARAMETER: [_("Only a CSV export takes a delimiter.")]})
    if raw not in DELIMITERS:
        raise ValidationError(
            {
                DELIMITER_PARAMETER: [
                    _("“%(value)s” is not a delimiter; use one of: %(allowed)s.")
                    % {"value": raw, "allowed": ", ".join(DELIMITERS)}
                ]
            }
        )
    return DELIMITERS[raw]


def iso_moment(value: datetime.datetime) -> str:
    """The one form of a moment in every export: local time to the second with its offset
    (2025-06-15T00:00:00+04:00), so pandas' parse_dates reads a whole column of them."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def csv_text(value: Any) -> Any:
    """A CSV cell no spreadsheet will run. Text that already starts with the guard before a
    formula character gets one more, so stripping one guard always gives the text back."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_PREFIXES)
        or (value.startswith(CSV_FORMULA_GUARD) and value[1:].startswith((*FORMULA_PREFIXES, CSV_FORMULA_GUARD)))
    ):
        return CSV_FORMULA_GUARD + value
    return value


def csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return iso_moment(value)
    return csv_text(value)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> Iterator[str]:
    """A CSV (UTF-8 with a BOM, so Excel reads Azerbaijani letters) in pieces: None as "",
    numbers and dates as ISO 8601, flags as true/false, moments as `iso_moment`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    buffer.write(CSV_BOM)
    writer.writerow(header)
    for values in rows:
        writer.writerow([csv_cell(value) for value in values])
        if buffer.tell() >= CSV_CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_value(value: Any) -> Any:
    """A value as a workbook cell holds it: a moment in local time, to the second, without its
    zone (Excel has none; the `filters` sheet names it)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(microsecond=0, tzinfo=None)
    return value


def xlsx_rows(rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    """Each row's values as `xlsx_value` gives them; the zone is looked up once, not per value
    (a 100,000-row workbook holds a million values)."""
    zone = timezone.get_current_timezone()
    for values in rows:
        yield [
            value.astimezone(zone).replace(microsecond=0, tzinfo=None)
            if type(value) is datetime.datetime and value.tzinfo is not None
            else value
            for value in values
        ]


def zone_described() -> str:
    """The zone the workbook's times are in, with its offset now: "Asia/Baku (UTC+04:00)"."""
    offset = timezone.localtime().strftime("%z")
    return f"{timezone.get_current_timezone_name()} (UTC{offset[:3]}:{offset[3:]})"


def filters_rows(
    *,
    stated: Sequence[tuple[str, str]],
    as_of: datetime.date | None,
    rows: Callable[[], int] | None = None,
    states_as_of: bool = True,
) -> Iterator[list[Any]]:
    """The rows of the sheet that says what was exported: each parameter as given (`as_of`
    apart), the day the data are of (today when `as_of` is absent or later; not for a
    timeline, whose days are its periods), when, in which zone, and how many rows (`rows`,
    asked once the sheets before are written)."""
    for name, value in stated:
        if name != "as_of":
            yield [name, value, None]
    today = timezone.localdate()
    if not states_as_of:
        pass
    elif as_of is None:
        yield ["as_of", today, _("not given: the current status")]
    elif as_of > today:
        yield ["as_of", today, _("given as %(day)s; a day after today answers as today") % {"day": as_of.isoformat()}]
    else:
        yield ["as_of", as_of, None]
    yield ["exported_at", xlsx_value(timezone.now()), None]
    yield ["time_zone", zone_described(), _("of exported_at and every time in this workbook")]
    if rows is not None:
        yield ["rows", rows(), None]


def filters_sheet(rows: Iterable[Sequence[Any]]) -> xlsx.Sheet:
    return xlsx.Sheet(
        name=FILTER_SHEET,
        header=["parameter", "value", "note"],
        rows=rows,
        widths={"parameter": 20, "value": 60, "note": 60},
    )


Table = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def workbook_chunks(
    tables: Sequence[Table], *, stated: Sequence[tuple[str, str]], as_of: datetime.date | None, states_as_of: bool
) -> Iterator[bytes]:
    """A workbook of `tables` (name, header, rows), a frozen header and an autofilter on each,
    then the `filters` sheet, streamed (`xlsx.py`). `states_as_of`: whether the answer has an
    `as_of` day to state (a timeline's days are its periods)."""
    sheets = [
        xlsx.Sheet(name=name, header=header, rows=xlsx_rows(rows), freeze_header=True, autofilter=True)
        for name, header, rows in tables
    ]
    about = filters_rows(stated=stated, as_of=as_of, states_as_of=states_as_of)
    return xlsx.workbook_chunks([*sheets, filters_sheet(about)])
