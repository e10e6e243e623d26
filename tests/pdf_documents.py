"""Small PDFs built in the tests from layout facts: text placed where a report prints it.

A page is a list of `Text` runs (left edge and baseline in points from the top-left corner,
as one reads a page) and `Rule`s, the horizontal lines a table draws. Helvetica, one of the
fonts every PDF reader knows, so the file needs no embedded font; text is WinAnsi (cp1252:
English, with its dashes and quotes).
"""

import struct
import subprocess
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

PAGE_WIDTH, PAGE_HEIGHT = 612, 792


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline, from the top of the page
    text: str
    size: float = 9.0


@dataclass(frozen=True)
class Rule:
    x0: float
    x1: float
    y: float  # from the top of the page
    width: float = 0.5


def _drawn(run: Text | Rule) -> bytes:
    if isinstance(run, Rule):
        y = PAGE_HEIGHT - run.y
        return b"%.2f w %.2f %.2f m %.2f %.2f l S\n" % (run.width, run.x0, y, run.x1, y)
    return b"BT /F1 %.1f Tf %.2f %.2f Td (%s) Tj ET\n" % (run.size, run.x, PAGE_HEIGHT - run.y, _escape(run.text))


def _escape(text: str) -> bytes:
    return text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def build_pdf(pages: Sequence[Sequence[Text | Rule]]) -> bytes:
    """A valid PDF (cross-reference table included) with one content stream per page."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages' numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for page in pages:
        content = b"".join(_drawn(run) for run in page)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, len(objects))
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    return _pdf_file(objects)


def _pdf_file(objects: list[bytes]) -> bytes:
    """The file of numbered `objects` (the first the catalog), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdftotext(pdf: bytes, mode: str, tmp_path) -> str:
    """The text `pdftotext` gives in `mode` ("-layout", "-raw"), as a user would extract it."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    completed = subprocess.run(["pdftotext", mode, str(path), "-"], capture_output=True, check=True, timeout=60)  # noqa: S603, S607
    return completed.stdout.decode()


def flow_pages(
    blocks: list[str],
    *,
    columns: tuple[float, ...],
    width: int,
    top: float = 70,
    bottom: float = 300,
    furniture=lambda number: [],
    line: float = 11,
) -> list[list[Text]]:
    """Paragraphs set as a report sets them: wrapped to `width` characters, each column
    filled top to bottom before the next (left edges `columns`), then the next page; a blank
    line after each paragraph. `furniture(page_number)` adds the page's running header,
    footer and number."""
    import textwrap

    pages: list[list[Text]] = [[]]
    column, y = 0, top

    def advance() -> None:
        nonlocal column, y
        column, y = column + 1, top
        if column == len(columns):
            pages.append([])
            column = 0

    for block in blocks:
        for wrapped in textwrap.wrap(block, width):
            if y > bottom:
                advance()
            pages[-1].append(Text(columns[column], y, wrapped))
            y += line
        y += line
    return [page + furniture(number) for number, page in enumerate(pages, start=1)]


def _spaces_deflated(megabytes: int) -> bytes:
    """A zlib stream of `megabytes` MiB of spaces, built without holding (or compressing)
    them all: after a full flush the compressor forgets what it saw, so each further MiB
    compresses to the same bytes, and the checksum of n equal bytes has a closed form."""
    chunk = b" " * 2**20
    compressor = zlib.compressobj(9)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()[:-4]  # the last, empty block; its checksum is of two MiB only
    length, modulus = megabytes * 2**20, 65521
    a = (1 + length * 0x20) % modulus
    b = (length + 0x20 * length * (length + 1) // 2) % modulus
    return first + repeated * (megabytes - 1) + end + struct.pack(">I", (b << 16) | a)


def flate_bomb_pdf(megabytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to `megabytes` MiB of spaces (1,500: a
    1.5 MB file, 1.5 GB once read)."""
    stream = _spaces_deflated(megabytes)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    return _pdf_file(objects)


VOLUME_FILLER = (
    "The government maintained efforts to prevent trafficking, funded a hotline operated by a "
    "civil society organisation and trained officials on the identification of victims in the "
    "capital and in the regions, though it did not report how many officials were trained."
)
VOLUME_ITEMS = [
    "Vigorously investigate and prosecute trafficking crimes under Articles 144-1 and 144-2.",
    "Increase efforts to identify victims among children begging on the streets.",
    "Fund NGO-run shelters adequately and consistently, as the national action plan requires.",
]


def tip_volume(pages: int) -> bytes:
    """A TIP report volume: country chapters in two columns a page, with a running header and
    page numbers, Azerbaijan's chapter among them, about `pages` pages long."""
    from django_countries import countries

    names = [name.upper() for code, name in countries if code not in ("AZ",) and name.isascii() and ":" not in name]
    blocks: list[str] = []
    for index, name in enumerate(names):
        if index == 10:
            blocks += ["AZERBAIJAN: Tier 2", VOLUME_FILLER, "PRIORITIZED RECOMMENDATIONS:"]
            blocks += [*(f"• {item}" for item in VOLUME_ITEMS), "PROSECUTION", VOLUME_FILLER]
        blocks += [f"{name}: Tier 2", VOLUME_FILLER, "PROSECUTION", *[VOLUME_FILLER] * 24]
    laid = flow_pages(
        blocks,
        columns=(50, 320),
        width=52,
        top=70,
        bottom=720,
        furniture=lambda number: [Text(220, 40, "2023 TRAFFICKING IN PERSONS REPORT"), Text(300, 760, str(number))],
    )
    return build_pdf(laid[:pages])
