"""Small PDFs built in the tests from layout facts: text placed where a report prints it.

A page is a list of `Text` runs (left edge and baseline in points from the top-left corner,
as one reads a page). Helvetica, one of the fonts every PDF reader knows, so the file needs no
embedded font; text is WinAnsi (cp1252: English, with its dashes and quotes).
"""

import subprocess
from dataclasses import dataclass

PAGE_WIDTH, PAGE_HEIGHT = 612, 792


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline, from the top of the page
    text: str
    size: float = 9.0


def _escape(text: str) -> bytes:
    return text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def build_pdf(pages: list[list[Text]]) -> bytes:
    """A valid PDF (cross-reference table included) with one content stream per page."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages' numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for page in pages:
        content = b"".join(
            b"BT /F1 %.1f Tf %.2f %.2f Td (%s) Tj ET\n" % (run.size, run.x, PAGE_HEIGHT - run.y, _escape(run.text))
            for run in page
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, len(objects))
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
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
