"""A streamed XLSX writer: the workbook leaves in pieces while its rows are still being read.

An XLSX file is a zip of XML parts. `zipfile` writes to a stream that cannot seek (each entry's
sizes follow its data), so each sheet's XML is compressed and handed on row by row: the first
bytes of a 100,000-row export leave at once and memory does not grow with the rows (what
openpyxl's and XlsxWriter's writers cannot do: both finish the whole file before its first
byte). Only each sheet's hyperlinks are put aside, in a temporary file, because the format
wants them after the rows.

Use: describe each sheet (`Sheet`: a name, a header, rows as any iterable of value lists, read
lazily and in order) and send `workbook_chunks(sheets)`. A sheet's `rows` may be a generator that
depends on what an earlier sheet counted (`Sheet.rows_written`): the sheets are written one after
the other. Cell values: str, int, float, bool, date, datetime (written as local time, without
zone), None (an empty cell); anything else as its str(). Text is always text, never a formula.
"""

import datetime
import decimal
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, cast
from xml.sax.saxutils import escape, quoteattr

# Excel's limits: rows of a sheet (the header counts), characters of a sheet's name.
MAX_ROWS = 1_048_576
MAX_SHEET_NAME = 31
# Rows are compressed in pieces of about this many characters.
PIECE_CHARS = 256 * 1024
# Control characters other than tab, newline and carriage return are not XML: dropped from
# the encoded text (`xml_bytes`). In UTF-8 each is one byte that no other character's bytes
# contain, so a byte deletion finds them; U+FFFE and U+FFFF (not XML either) are three bytes.
ILLEGAL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
ILLEGAL_SEQUENCES = ("\ufffe".encode(), "\uffff".encode())
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles (their order in styles.xml): plain, date, date and time, header, link.
STYLE_DATE, STYLE_DATETIME, STYLE_HEADER, STYLE_LINK = 1, 2, 3, 4
HEADER, LINK = f' s="{STYLE_HEADER}"', f' s="{STYLE_LINK}"'
STYLES = (
    XML_HEAD + f'<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class TooManyRows(ValueError):
    """A sheet was given more rows than Excel opens. Check before streaming (`MAX_ROWS`): once
    the response has started, this can only cut the download short."""


@dataclass
class Sheet:
    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    # Column widths in characters, by header name; others get `default_width`.
    widths: Mapping[str, float] = field(default_factory=dict)
    default_width: float = 14
    # The header row stays in view, and gets an autofilter over every row.
    freeze_header: bool = False
    autofilter: bool = False
    # The column (by header name) whose text is a web address the cell links to.
    link_column: str | None = None
    rows_written: int = 0  # set while writing: rows below the header

    def __post_init__(self) -> None:
        if not self.name or len(self.name) > MAX_SHEET_NAME or set(self.name) & set("[]:*?/\\"):
            raise ValueError(f"not an Excel sheet name: {self.name!r}")


def column_letter(index: int) -> str:
    """'A' for 0, 'Z' for 25, 'AA' for 26."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text(value: str, style: str = "") -> str:
    if not value:
        return "<c/>"
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    return f'<c t="inlineStr"{style}><is><t xml:space="preserve">{value}</t></is></c>'


def _number(value: float | decimal.Decimal, style: str = "") -> str:
    return f"<c{style}><v>{value}</v></c>"


def _float(value: float, style: str = "") -> str:
    return f"<c{style}><v>{value!r}</v></c>"


def _bool(value: bool, style: str = "") -> str:
    return f'<c t="b"{style}><v>{int(value)}</v></c>'


def _datetime(value: datetime.datetime, style: str = "") -> str:
    days = (value.replace(tzinfo=None) - EXCEL_EPOCH) / ONE_DAY
    return f'<c s="{STYLE_DATETIME}"><v>{days!r}</v></c>'


def _date(value: datetime.date, style: str = "") -> str:
    return f'<c s="{STYLE_DATE}"><v>{(value - EXCEL_EPOCH_DATE).days}</v></c>'


def _empty(value: None, style: str = "") -> str:
    return "<c/>"  # keeps the next cells in their columns (cells here name no reference)


ONE_DAY = datetime.timedelta(days=1)
EXCEL_EPOCH_DATE = EXCEL_EPOCH.date()
WRITERS: dict[type, Callable[[Any, str], str]] = {
    str: _text,
    int: _number,
    float: _float,
    decimal.Decimal: _number,
    bool: _bool,
    datetime.datetime: _datetime,
    datetime.date: _date,
    type(None): _empty,
}


def _cell(value: Any, style: str = "") -> str:
    """One cell, by its value's type. Cells are written in order, without a reference: the
    row's first is in column A, the next in B, and so on."""
    writer = WRITERS.get(type(value))
    if writer is None:  # subclasses (a lazy translation, an enum's str), anything else as text
        writer = next((WRITERS[kind] for kind in WRITERS if isinstance(value, kind)), None)
        if writer is None or writer is _text:
            return _text(str(value), style)
    return writer(value, style)


class _Pipe:
    """Where zipfile writes: kept until `drain` hands the bytes on. No `seek`, no `tell`: zipfile
    then writes each entry's sizes after its data."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> Iterator[bytes]:
        if self.pieces:
            data = b"".join(self.pieces)
            self.pieces.clear()
            yield data


def _sheet_parts(sheet: Sheet, *, selected: bool, links: IO[str]) -> Iterator[str]:
    """The sheet's XML, in pieces. Each linked cell's reference and address go to `links`, a
    line each, for the hyperlinks after the rows and the sheet's relationships."""
    letters = [column_letter(index) for index in range(len(sheet.header))]
    link = sheet.header.index(sheet.link_column) if sheet.link_column else None
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>'
        if sheet.freeze_header
        else ""
    )
    tab = ' tabSelected="1"' if selected else ""
    cols = "".join(
        f'<col min="{number}" max="{number}" width="{sheet.widths.get(name, sheet.default_width)}" customWidth="1"/>'
        for number, name in enumerate(sheet.header, start=1)
    )
    header = "".join(_cell(name, HEADER) for name in sheet.header)
    yield (
        XML_HEAD + f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<sheetViews><sheetView workbookViewId="0"{tab}>{pane}</sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData><row r="1">{header}</row>'
    )
    number = 1
    buffer: list[str] = []
    size = 0
    for values in sheet.rows:
        number += 1
        if number > MAX_ROWS:
            raise TooManyRows(f"sheet {sheet.name!r} has more than {MAX_ROWS - 1} rows")
        # Text and empty cells (most of a sheet) written here, the rest by their type's writer:
        # a call per cell was a third of a large workbook's time.
        cells = [
            (_text(value) if value else "<c/>")
            if type(value) is str
            else "<c/>"
            if value is None
            else (WRITERS.get(type(value)) or _cell)(value, "")
            for value in values
        ]
        if link is not None and link < len(values) and values[link]:
            cells[link] = _cell(values[link], LINK)
            address = " ".join(str(values[link]).split())  # one line, whatever it held
            links.write(f"{letters[link]}{number}\t{address}\n")
        piece = f'<row r="{number}">{"".join(cells)}</row>'
        buffer.append(piece)
        size += len(piece)
        if size >= PIECE_CHARS:
            yield "".join(buffer)
            buffer.clear()
            size = 0
    sheet.rows_written = number - 1
    buffer.append("</sheetData>")
    if sheet.autofilter:
        buffer.append(f'<autoFilter ref="A1:{letters[-1]}{number}"/>')
    yield "".join(buffer)
    if links.seek(0, 2):
        links.seek(0)
        buffer = ["<hyperlinks>"]
        for count, line in enumerate(links, start=1):
            buffer.append(f'<hyperlink ref="{line.split(TAB, 1)[0]}" r:id="rId{count}"/>')
            if len(buffer) >= 4096:
                yield "".join(buffer)
                buffer.clear()
        buffer.append("</hyperlinks>")
        yield "".join(buffer)
    yield "</worksheet>"


TAB = "\t"


def _link_relationships(links: IO[str]) -> Iterator[str]:
    links.seek(0)
    buffer = []
    for count, line in enumerate(links, start=1):
        target = quoteattr(line.rstrip("\n").split(TAB, 1)[1])
        buffer.append(
            f'<Relationship Id="rId{count}" Type="{REL_NS}/hyperlink" Target={target} TargetMode="External"/>'
        )
        if len(buffer) >= 4096:
            yield "".join(buffer)
            buffer.clear()
    yield "".join(buffer)


def xml_bytes(text: str) -> bytes:
    """A sheet's XML text as the bytes the archive holds, without the characters XML has no
    place for (none is in the markup, so a whole piece at once: a regular expression over the
    text was a tenth of a large workbook's time, a byte deletion is a fraction of that)."""
    data = text.encode().translate(None, ILLEGAL_BYTES)
    for sequence in ILLEGAL_SEQUENCES:
        if sequence in data:
            data = data.replace(sequence, b"")
    return data


def workbook_chunks(sheets: Sequence[Sheet]) -> Iterator[bytes]:
    """The workbook's bytes, in pieces, as its sheets' rows are read."""
    if not sheets:
        raise ValueError("a workbook needs a sheet")
    if len({sheet.name.casefold() for sheet in sheets}) != len(sheets):
        raise ValueError("two sheets with one name")
    pipe = _Pipe()
    archive = zipfile.ZipFile(cast(IO[bytes], pipe), "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)

    def part(name: str, text: str) -> Iterator[bytes]:
        archive.writestr(name, text.encode())
        yield from pipe.drain()

    count = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for number in range(1, count + 1)
    )
    yield from part(
        "[Content_Types].xml",
        XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>",
    )
    yield from part(
        "_rels/.rels",
        XML_HEAD + f'<Relationships xmlns="{PACKAGE_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    )
    yield from part("xl/styles.xml", STYLES)
    for number, sheet in enumerate(sheets, start=1):
        # Each linked cell, a line: usually small, on disk past 1 MB.
        with tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8") as links:
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as entry:
                for text in _sheet_parts(sheet, selected=number == 1, links=links):
                    entry.write(xml_bytes(text))
                    yield from pipe.drain()
            if links.seek(0, 2):  # any link
                with archive.open(f"xl/worksheets/_rels/sheet{number}.xml.rels", "w") as entry:
                    entry.write((XML_HEAD + f'<Relationships xmlns="{PACKAGE_REL_NS}">').encode())
                    for relationship in _link_relationships(links):
                        entry.write(xml_bytes(relationship))
                    entry.write(b"</Relationships>")
                yield from pipe.drain()
    names = "".join(
        f'<sheet name={quoteattr(sheet.name)} sheetId="{number}" r:id="rId{number}"/>'
        for number, sheet in enumerate(sheets, start=1)
    )
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{number}" hidden="1">'
        f"{escape(_quoted(sheet.name))}!$A$1:${column_letter(len(sheet.header) - 1)}${sheet.rows_written + 1}"
        "</definedName>"
        for number, sheet in enumerate(sheets)
        if sheet.autofilter
    )
    yield from part(
        "xl/workbook.xml",
        XML_HEAD + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView activeTab="0"/>'
        f"</bookViews><sheets>{names}</sheets>{f'<definedNames>{filters}</definedNames>' if filters else ''}"
        "</workbook>",
    )
    yield from part(
        "xl/_rels/workbook.xml.rels",
        XML_HEAD
        + f'<Relationships xmlns="{PACKAGE_REL_NS}">'
        + "".join(
            f'<Relationship Id="rId{number}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{number}.xml"/>'
            for number in range(1, count + 1)
        )
        + f'<Relationship Id="rId{count + 1}" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>',
    )
    archive.close()
    yield from pipe.drain()


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"
