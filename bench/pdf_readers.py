"""pdfminer.six (the importer's reader) against PDFium (pypdfium2, compiled) on the same PDFs:
the same words at the same positions? how long per page? Prints the numbers.

    .venv/bin/python bench/pdf_readers.py                   # the three shared chapters and a 300-page volume
    .venv/bin/python bench/pdf_readers.py --pages 100        # a shorter volume
    .venv/bin/python bench/pdf_readers.py --callgrind 11     # also instructions per page (valgrind: ~20 min)
    .venv/bin/python bench/pdf_readers.py --import-path      # also the volume read as an import reads it

`pdfminer` is the importer's reader; `pdfminer-ltchar` the same engine as the importer used
it before, through pdfminer's layout objects. All readers end in the importer's own word
grouping (`extract._page_words`: characters into lines by baseline, into words at spaces and
gaps), so what is compared is the characters each engine gives it. PDFium's characters come from its text page (`FPDFText_*`): position, font
size and advance per character; its generated spaces stand for spaces, its hyphen marks for
hyphens, a ligature's letters are one character. Wall-clock time depends on the load of this
shared machine (printed); processor time less so; instruction counts (callgrind) not at all.
"""

import argparse
import ctypes
import io
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings.local")
os.environ.setdefault("TRACKER_VAR_DIR", tempfile.mkdtemp(prefix="tracker-benchmark-"))

import django  # noqa: E402

django.setup()

from recommendations.importing import extract  # noqa: E402

SHARED = {
    "dol-2015-azerbaijan": ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.en.pdf",
    "dol-2018-azerbaijan": ROOT / "tests" / "fixtures" / "dol-2018-azerbaijan.en.pdf",
    "dol-2019-armenia": ROOT / "tests" / "fixtures" / "dol-2019-armenia.en.pdf",
}
LIMIT = 10**9


def processor_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pdfminer_pages(data: bytes, pages: int) -> list[extract.Page]:
    """The importer's reader, in this process (the import runs it in a confined child)."""
    return extract._pdf_pages(data, max(pages, 1), LIMIT, False)


def ltchar_pages(data: bytes, pages: int) -> list[extract.Page]:
    """pdfminer as the importer read it before (until 2026-12-06): its own layout objects
    (LTChar), collected from the page's layout tree."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    def characters(item, found: list) -> None:
        for child in item:
            if isinstance(child, LTChar):
                found.append(_Char(child.get_text(), child.x0, child.x1, child.y0, child.size))
            elif hasattr(child, "__iter__"):
                characters(child, found)

    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    read = []
    for number, page in enumerate(PDFPage.get_pages(io.BytesIO(data), maxpages=pages, caching=True), start=1):
        interpreter.process_page(page)
        layout = device.get_result()
        found: list = []
        characters(layout, found)
        read.append(extract._page_words(number, layout.height, found))
    return read


class _Char:
    """A character shaped as `_page_words` reads pdfminer's."""

    __slots__ = ("size", "text", "x0", "x1", "y0")

    def __init__(self, text: str, x0: float, x1: float, y0: float, size: float) -> None:
        self.text, self.x0, self.x1, self.y0, self.size = text, x0, x1, y0, size


def _pdfium_characters(data: bytes, pages: int) -> Iterator[tuple[float, list[_Char]]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(data)
    x, y = ctypes.c_double(), ctypes.c_double()
    width, descent = ctypes.c_float(), ctypes.c_float()
    matrix, box = raw.FS_MATRIX(), raw.FS_RECTF()
    try:
        for index in range(min(len(document), pages)):
            page = document[index]
            text_page = raw.FPDFText_LoadPage(page.raw)
            chars: list[_Char] = []
            objects: dict = {}
            widths: dict = {}
            previous = None
            for number in range(raw.FPDFText_CountChars(text_page)):
                code = raw.FPDFText_GetUnicode(text_page, number)
                if raw.FPDFText_IsGenerated(text_page, number):
                    # PDFium drops some spaces the content draws and generates its own.
                    if code == 32 and chars and chars[-1].text != " ":
                        raw.FPDFText_GetCharOrigin(text_page, number, x, y)
                        chars.append(_Char(" ", x.value, x.value, chars[-1].y0, chars[-1].size))
                        previous = None
                    continue
                if code == 2 and raw.FPDFText_IsHyphen(text_page, number):
                    code = ord("-")  # a hyphen ending a line, marked so by PDFium
                raw.FPDFText_GetCharOrigin(text_page, number, x, y)
                text_object = raw.FPDFText_GetTextObject(text_page, number)
                key = ctypes.cast(text_object, ctypes.c_void_p).value
                known = objects.get(key)
                if known is None:
                    font = raw.FPDFTextObj_GetFont(text_object)
                    size = raw.FPDFText_GetFontSize(text_page, number)
                    raw.FPDFText_GetMatrix(text_page, number, matrix)
                    raw.FPDFFont_GetDescent(font, size, descent)
                    font_key = ctypes.cast(font, ctypes.c_void_p).value
                    known = objects[key] = (font, font_key, size, matrix.a, matrix.d, descent.value)
                font, font_key, size, scale_x, scale_y, font_descent = known
                origin = (x.value, y.value, key)
                if origin == previous:
                    # A ligature's further letters share its origin; its advance is its box's.
                    chars[-1].text += chr(code)
                    raw.FPDFText_GetLooseCharBox(text_page, number, box)
                    chars[-1].x1 = box.right
                    continue
                previous = origin
                advance = widths.get((font_key, code, size))
                if advance is None:
                    raw.FPDFFont_GetGlyphWidth(font, code, size, width)
                    advance = widths[(font_key, code, size)] = width.value
                chars.append(
                    _Char(
                        chr(code),
                        x.value,
                        x.value + advance * scale_x,
                        y.value + font_descent * scale_y,
                        size * scale_y,
                    )
                )
            raw.FPDFText_ClosePage(text_page)
            yield page.get_height(), chars
    finally:
        document.close()


def pdfium_pages(data: bytes, pages: int) -> list[extract.Page]:
    return [
        extract._page_words(number, height, chars)
        for number, (height, chars) in enumerate(_pdfium_characters(data, pages), start=1)
    ]


READERS = {"pdfminer": pdfminer_pages, "pdfminer-ltchar": ltchar_pages, "pdfium": pdfium_pages}


def timed(reader: str, data: bytes, pages: int) -> tuple[list[extract.Page], float, float]:
    started, processor = time.perf_counter(), processor_seconds()
    read = READERS[reader](data, pages)
    return read, time.perf_counter() - started, processor_seconds() - processor


def compare(first: list[extract.Page], second: list[extract.Page]) -> tuple[int, int, float, list[str]]:
    """(words, words that differ, largest position difference of equal words, examples)."""
    words = differing = 0
    largest = 0.0
    examples: list[str] = []
    for page_a, page_b in zip(first, second, strict=False):
        a = sorted(page_a.words, key=lambda word: (word.top, word.x0))
        b = sorted(page_b.words, key=lambda word: (word.top, word.x0))
        words += len(a)
        texts_a, texts_b = [word.text for word in a], [word.text for word in b]
        if texts_a != texts_b:
            import difflib

            matcher = difflib.SequenceMatcher(None, texts_a, texts_b, autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag != "equal":
                    differing += max(i2 - i1, j2 - j1)
                    if len(examples) < 6:
                        examples.append(
                            f"page {page_a.number}: {' '.join(texts_a[i1:i2])!r} → {' '.join(texts_b[j1:j2])!r}"
                        )
            continue
        for word_a, word_b in zip(a, b, strict=True):
            largest = max(
                largest,
                abs(word_a.x0 - word_b.x0),
                abs(word_a.x1 - word_b.x1),
                abs(word_a.top - word_b.top),
                abs(word_a.size - word_b.size),
            )
    return words, differing, largest, examples


def instructions(reader: str, path: Path, pages: int) -> int | None:
    """Instructions executed reading `pages` pages (valgrind's callgrind; None without it)."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--one",
        reader,
        str(path),
        str(pages),
    ]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    except FileNotFoundError:
        return None
    found = re.search(r"Collected\s*:\s*(\d+)", completed.stderr)
    return int(found[1]) if found else None


def volume(pages: int) -> bytes:
    from tests.pdf_documents import tip_volume

    return tip_volume(pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300, help="pages of the synthetic two-column volume")
    parser.add_argument("--callgrind", type=int, default=0, help="also count instructions for this many pages")
    parser.add_argument("--import-path", action="store_true", help="also read the volume as an import does")
    parser.add_argument("--one", nargs=3, metavar=("READER", "PDF", "PAGES"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:  # under valgrind: one reading, nothing printed
        reader, path, pages = options.one
        READERS[reader](Path(path).read_bytes(), int(pages))
        return

    print(f"load average at start: {' '.join(f'{value:.2f}' for value in os.getloadavg())} ({os.cpu_count()} cores)")
    documents = {name: path.read_bytes() for name, path in SHARED.items()}
    documents[f"volume-{options.pages}"] = volume(options.pages)
    volume_path = Path(tempfile.mkdtemp(prefix="tracker-benchmark-")) / "volume.pdf"
    volume_path.write_bytes(documents[f"volume-{options.pages}"])
    paths = {**SHARED, f"volume-{options.pages}": volume_path}

    print(
        f"{'document':22} {'pages':>5} {'reader':15} {'wall s':>7} {'cpu s':>7} {'cpu ms/page':>11} "
        f"{'words':>7} {'differ':>6} {'max pos diff':>12}"
    )
    for name, data in documents.items():
        read = {}
        for reader in READERS:
            pages, wall, processor = timed(reader, data, LIMIT)
            read[reader] = pages
            words, differing, largest, examples = (
                compare(read["pdfminer"], pages)
                if reader != "pdfminer"
                else (sum(len(p.words) for p in pages), 0, 0.0, [])
            )
            print(
                f"{name:22} {len(pages):5} {reader:15} {wall:7.2f} {processor:7.2f} {1000 * processor / len(pages):11.1f} "
                f"{words:7} {differing:6} {largest:12.5f}"
            )
            for example in examples:
                print(f"    {example}")
        if options.callgrind and name in ("dol-2018-azerbaijan", f"volume-{options.pages}"):
            # Instructions for the pages after the first: the interpreter's start, Django's and
            # the first page (fonts loaded) counted once and taken off.
            pages = min(options.callgrind, len(read["pdfminer"]))
            counts = {}
            for reader in READERS:
                more, one = instructions(reader, paths[name], pages), instructions(reader, paths[name], 1)
                counts[reader] = (more - one) / (pages - 1) if more and one and pages > 1 else None
            print(
                f"{name:22} instructions per page (pages 2–{pages}): "
                + ", ".join(
                    f"{reader} {count / 1e6:.0f} M" if count else f"{reader} n/a" for reader, count in counts.items()
                )
            )
    if options.import_path:
        from django.conf import settings

        from recommendations.importing.parsers import tip

        # Wall-clock and processor limits out of the way: a loaded machine is measured, not refused.
        settings.IMPORT_READ_SECONDS = settings.IMPORT_READ_CPU_SECONDS = 3600
        extract._pdf_pages_confined.cache_clear()
        started = time.perf_counter()
        result = tip.parse_pdf(documents[f"volume-{options.pages}"], year=2023, country="AZ")
        print(
            f"import path (read in the confined child, the TIP chapter found in the volume): wall "
            f"{time.perf_counter() - started:.2f} s, {len(result.records)} recommendations"
        )
    print(f"load average at end: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
