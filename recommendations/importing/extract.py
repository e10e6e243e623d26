"""Words with their positions, from a PDF or from text laid out as on the page.

A table is read by where its words are, not by the order an extractor happened to emit
them in. Two inputs give positions:

- a PDF, read with pdfminer.six: each character's box, grouped into lines by baseline and
  into words by spaces and gaps (units: PDF points, `pitch` about one line of body text),
  and the horizontal rules it draws (a table's lines between its rows);
- text from `pdftotext -layout`, which keeps the columns: a word's column is its character
  offset and its line the line number (units: characters and lines, `pitch` 1).

Both give the same `Page`/`Word` shapes, so one table reader serves both.
"""

import contextvars
import functools
import io
import re
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings

from .parsers.base import DocumentRejected, ProgressCallback, normalize_text

# Who hears of each page as it is read (an admin import job shows "pages read"), whichever
# parser asked for the pages: set around the import by `pages_reported_to`.
_page_listener: contextvars.ContextVar[ProgressCallback | None] = contextvars.ContextVar("page_listener", default=None)


@contextmanager
def pages_reported_to(progress: ProgressCallback) -> Iterator[None]:
    """Within it, every PDF read page by page calls progress(pages_read, 0) (the total is
    not known until the end)."""
    token = _page_listener.set(progress)
    try:
        yield
    finally:
        _page_listener.reset(token)


PDF_MAGIC = b"%PDF-"
# A line of `pdftotext -layout` text: words and the gaps between them kept as spaces.
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    # The text's own line number (layout text), 0 in a PDF.
    line: int = 0
    size: float = 1.0


@dataclass(frozen=True)
class Rule:
    """A horizontal line drawn on the page (a table's rule between rows), in the page's units."""

    x0: float
    x1: float
    top: float


@dataclass
class Page:
    number: int
    words: list[Word] = field(default_factory=list)
    # Horizontal rules, top to bottom (a PDF's; text has none).
    rules: list[Rule] = field(default_factory=list)
    # Distance of two lines of body text, and the least gap between two columns, in the
    # page's units.
    pitch: float = 1.0
    column_gap: float = 2.0


@dataclass(frozen=True)
class Line:
    page: int
    top: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(PDF_MAGIC)


def lines_of(words: list[Word], page: int, tolerance: float) -> list[Line]:
    """Words grouped into lines (tops within `tolerance`), top to bottom, left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda word: (word.top, word.x0)):
        if lines and abs(lines[-1][0].top - word.top) <= tolerance:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [Line(page, group[0].top, tuple(sorted(group, key=lambda word: word.x0))) for group in lines]


def layout_pages(text: str) -> list[Page]:
    """Pages of `pdftotext -layout` text (pages end at form feeds)."""
    pages = [Page(1)]
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        parts = raw.split("\f")
        for index, part in enumerate(parts):
            if index:
                pages.append(Page(len(pages) + 1))
            for match in _TOKEN.finditer(part):
                x0 = match.start()
                pages[-1].words.append(Word(match[0], x0, x0 + len(match[0]), float(number), line=number))
    return [page for page in pages if page.words] or pages[:1]


class _Character:
    """A character as `_page_words` reads it: its text and its box in PDF points."""

    __slots__ = ("size", "text", "x0", "x1", "y0")

    def __init__(self, text: str, x0: float, x1: float, y0: float, size: float) -> None:
        self.text, self.x0, self.x1, self.y0, self.size = text, x0, x1, y0, size


def _device(resources):
    """pdfminer's page aggregator, given no LAParams, that keeps each character as a
    `_Character` in `characters` (reset at each page) rather than as a layout object.

    The box is pdfminer's LTChar's, by the same arithmetic (the advance and the font's descent
    through the text matrix), so the words and positions are the same to the last bit; building
    the layout objects was a quarter of a page's reading. Drawn paths (rules) stay in the
    layout."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar
    from pdfminer.pdffont import PDFUnicodeNotDefined
    from pdfminer.utils import apply_matrix_rect

    class Recorder(PDFPageAggregator):
        characters: list[_Character]

        def begin_page(self, page, ctm) -> None:
            super().begin_page(page, ctm)
            self.characters = []

        def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
            try:
                text = font.to_unichr(cid)
            except PDFUnicodeNotDefined:
                text = self.handle_undefined_char(font, cid)
            if font.is_vertical():
                char = LTChar(
                    matrix, font, fontsize, scaling, rise, text, font.char_width(cid), font.char_disp(cid), ncs,
                    graphicstate,
                )  # fmt: skip
                self.characters.append(_Character(text, char.x0, char.x1, char.y0, char.size))
                return char.adv
            advance = font.char_width(cid) * fontsize * scaling
            descent = font.get_descent() * fontsize
            x0, y0, x1, y1 = apply_matrix_rect(matrix, (0, descent + rise, advance, descent + rise + fontsize))
            self.characters.append(_Character(text, x0, x1, y0, y1 - y0))
            return advance

    return Recorder(resources, laparams=None)


def _layouts(data: bytes, max_pages: int):
    """Each page's layout (its drawn paths) and characters as pdfminer places them, without its
    layout analysis.

    `pdfminer.high_level.extract_pages(laparams=None)` runs the analysis anyway (it turns
    None into the default LAParams()), and grouping thousands of overlapping text runs into
    boxes takes minutes; the words here are grouped by `_page_words`. So the pipeline is
    built as extract_pages builds it, with an aggregator that is given no LAParams."""
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    resources = PDFResourceManager(caching=True)
    device = _device(resources)
    interpreter = PDFPageInterpreter(resources, device)
    # One page more than allowed, to tell a document at the limit from one beyond it.
    for page in PDFPage.get_pages(io.BytesIO(data), maxpages=max_pages + 1, caching=True):
        interpreter.process_page(page)
        yield device.get_result(), device.characters


def pdf_pages(
    data: bytes, *, max_pages: int | None = None, max_characters: int | None = None, first_only: bool = False
) -> list[Page]:
    """Pages of a PDF as words with positions (only the first with `first_only`);
    DocumentRejected if it cannot be read or is larger than the limits (IMPORT_MAX_PAGES,
    IMPORT_MAX_CHARACTERS by default)."""
    max_pages = settings.IMPORT_MAX_PAGES if max_pages is None else max_pages
    max_characters = settings.IMPORT_MAX_CHARACTERS if max_characters is None else max_characters
    return _pdf_pages_confined(data, max_pages, max_characters, first_only)


# The last documents' pages are kept (with the limits they were read under): an import reads
# them for its recommendations, its opening (first page only) and its indicators
# (indicators/readers), and extracting is most of an import's time. Two entries: the whole
# document and its first page. Readers never change the pages they are given.
@functools.lru_cache(maxsize=2)
def _pdf_pages_confined(data: bytes, max_pages: int, max_characters: int, first_only: bool) -> list[Page]:
    # Every reading of a PDF, from the admin's preview, the command or the indicators, passes
    # here: pdfminer runs in a child under CPU, memory and time limits, never in this process.
    from .confine import read_confined

    listener = None if first_only else _page_listener.get()
    return read_confined(_pdf_pages, data, max_pages, max_characters, first_only, progress=listener)


def _pdf_pages(
    data: bytes, max_pages: int, max_characters: int, first_only: bool, progress: ProgressCallback | None = None
) -> list[Page]:
    from pdfminer.layout import LTCurve
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    def drawn(item, paths: list) -> None:
        for child in item:
            if isinstance(child, LTCurve):  # lines and rectangles too
                paths.append(child)
            elif hasattr(child, "__iter__"):
                drawn(child, paths)

    pages = []
    read = 0
    try:
        for number, (layout, chars) in enumerate(_layouts(data, 0 if first_only else max_pages), start=1):
            if number > max_pages and not first_only:
                raise DocumentRejected(
                    f"The PDF has more than {max_pages:,} pages, the limit (IMPORT_MAX_PAGES); "
                    "import the chapter's pages only."
                )
            paths: list = []
            drawn(layout, paths)
            read += len(chars)
            if read > max_characters:
                raise DocumentRejected(
                    f"The PDF holds more than {max_characters:,} characters by page {number}, the limit "
                    "(IMPORT_MAX_CHARACTERS); import the chapter's pages only."
                )
            page = _page_words(number, layout.height, chars)
            page.rules = _rules(layout.height, [(path.x0, path.y0, path.x1, path.y1) for path in paths])
            pages.append(page)
            if first_only:
                break
            if progress is not None:
                progress(number, 0)
    except (PDFSyntaxError, PSException, ValueError, TypeError, KeyError) as exc:
        raise DocumentRejected(f"The PDF could not be read ({exc.__class__.__name__}: {exc}).") from None
    except Exception as exc:  # pdfminer raises many kinds of errors on a damaged file
        if exc.__class__.__module__.startswith("pdfminer"):
            raise DocumentRejected(f"The PDF could not be read ({exc.__class__.__name__}).") from None
        raise
    if not any(page.words for page in pages):
        raise DocumentRejected("The PDF has no text (a scanned image?); it would need OCR first.")
    return pages


def _words_of_row(row: list) -> list[list]:
    """A line's characters cut into words at spaces and at gaps wider than a fifth of the
    font size (PDFs often position words without a space character between them)."""
    words: list[list] = []
    current: list = []
    previous = None
    for char in row:
        if not char.text.strip():
            if current:
                words.append(current)
            current, previous = [], char
            continue
        if current and previous is not None and char.x0 - previous.x1 > 0.2 * char.size:
            words.append(current)
            current = []
        current.append(char)
        previous = char
    if current:
        words.append(current)
    return words


def _page_words(number: int, height: float, chars: list) -> Page:
    page = Page(number)
    # Lines by baseline: characters of one line of one font share it exactly.
    rows: list[list] = []
    for char in sorted(chars, key=lambda char: (-round(char.y0, 1), char.x0)):
        if rows and abs(rows[-1][0].y0 - char.y0) <= 1.0:
            rows[-1].append(char)
        else:
            rows.append([char])
    sizes = []
    for row in rows:
        row.sort(key=lambda char: char.x0)
        # The baseline is the line's position: the same for every word of it.
        top = round(height - row[0].y0, 1)
        for word in _words_of_row(row):
            text = normalize_text("".join(char.text for char in word))
            size = max(char.size for char in word)
            page.words.append(Word(text, word[0].x0, word[-1].x1, top, size=size))
            sizes.append(size)
    size = statistics.median(sizes) if sizes else 10.0
    page.pitch = size * 1.15
    page.column_gap = size * 0.9
    return page


# A drawn path this thin (points) and at least this wide is a rule, not a shape or a box.
RULE_THICKNESS = 2.0
RULE_MIN_WIDTH = 6.0


def _rules(height: float, boxes: list[tuple[float, float, float, float]]) -> list[Rule]:
    """The horizontal rules among a page's drawn paths (their boxes: x0, y0, x1, y1 from the
    bottom of the page), top to bottom."""
    rules = {
        Rule(round(x0, 1), round(x1, 1), round(height - (y0 + y1) / 2, 1))
        for x0, y0, x1, y1 in boxes
        if abs(y1 - y0) <= RULE_THICKNESS and abs(x1 - x0) >= RULE_MIN_WIDTH
    }
    return sorted(rules, key=lambda rule: (rule.top, rule.x0))
