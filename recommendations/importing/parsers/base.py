"""What every report parser returns, and the checks a document passes before any parser runs.

Parsers are pure functions from text to a `ParseResult`: no database, no files, so the
command line, the admin and the tests all see the same parse, and a parse can be checked
with `--json` before anything is written.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from recommendations.choices import AREAS
from recommendations.search import fold_letters

from . import html_text

# Called as progress(lines_done, lines_total) every few thousand lines of a long document.
ProgressCallback = Callable[[int, int], None]
PROGRESS_EVERY_LINES = 10_000

_SPACE = re.compile(r"\s+")


class DocumentRejected(ValidationError):
    """The document cannot be imported at all (empty, binary, too large, nothing recognisable).

    A ValidationError, so every caller that reports bad input reports this one too."""


@dataclass(frozen=True)
class ParsedRecommendation:
    area: str | None
    action: str
    year_start: int
    year_end: int
    priority: bool
    position: int
    # 1-based line of the document where the action starts, for messages (0 in a PDF).
    line: int
    # Where the record was read: the last line of a text, the pages of a PDF (first to
    # last), and the table's own name ("Table 11") when the document prints one.
    line_end: int = 0
    pages: tuple[int, ...] = ()
    table: str = ""
    # A Word table's row (1 = its header row), the paragraph number the report prints
    # ("121.1"), where the position was given ("A/HRC/43/15 - Para 121"), and the tags read
    # with the record, by vocabulary (tags.vocabularies.Vocabulary): UPR thematic lists.
    row: int = 0
    number: str = ""
    position_source: str = ""
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    # A structural error: the document cannot be read with certainty, so it is refused.
    fatal: bool = False
    page: int = 0
    # A Word table's row (1 = its header row).
    row: int = 0

    def __str__(self) -> str:
        where = (
            f"row {self.row}"
            if self.row
            else f"page {self.page}"
            if self.page
            else f"line {self.line}"
            if self.line
            else "document"
        )
        return f"{where}: {self.message}"


@dataclass
class ParseResult:
    records: list[ParsedRecommendation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # TIP tier as the tracker stores it ("Tier 2", "Tier 2 Watch List"); empty for DOL.
    tier: str = ""
    # The country the chapter's heading names, as printed ("AZERBAIJAN"); empty if none.
    country_name: str = ""

    @property
    def refusals(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.fatal]

    def refuse_if_unsure(self) -> None:
        """Raise DocumentRejected naming every structural error: better no rows than wrong ones."""
        refusals = self.refusals
        if refusals:
            raise DocumentRejected(
                ["Not imported, the table cannot be read with certainty"] + [str(problem) for problem in refusals]
            )


# Ligatures some PDF fonts draw as one glyph; NFC keeps them, search and comparison must not.
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})


def normalize_text(text: str) -> str:
    """Every text the importer reads, whatever extracted it, in one form: NFC (so "I" +
    U+0307 is "İ" and "o" + U+0308 is "ö"), ligatures spelled out, no soft hyphens."""
    return unicodedata.normalize("NFC", text).translate(_LIGATURES).replace("\u00ad", "")


def join_whitespace(text: str) -> str:
    """The only normalisation applied to published text: every run of whitespace (line
    breaks, page breaks, doubled spaces) becomes one space."""
    return _SPACE.sub(" ", text).strip()


_HYPHEN_AT_END = re.compile(r"\w[-‐]$")


def join_lines(lines: list[str]) -> str:
    """A cell's lines as one text: whitespace joined, and a line ending in a hyphen
    ("self-" / "employed") joined to the next without a space, as every extractor agrees."""
    parts: list[str] = []
    previous = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if parts:
            parts.append("" if _HYPHEN_AT_END.search(previous) and line[:1].islower() else " ")
        parts.append(line)
        previous = line
    # Joined once: adding each line to the text so far copies it again and again.
    return join_whitespace("".join(parts))


_GLUED = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")


def split_glued_words(text: str) -> str:
    """ "CombatingTrafficking" → "Combating Trafficking": some extractors (`pdftotext -raw`)
    lose the space between two words; a capital after a small letter inside an English word
    marks it. Applied to every DOL action, whatever read it, so all inputs agree."""
    return _GLUED.sub(" ", text)


def label_words(text: str) -> tuple[str, ...]:
    """Words of a label compared without case or diacritics, so "QANUN VƏ" and "Qanun ve"
    both match "Qanun və"."""
    return tuple(re.findall(r"\w+", fold_letters(text)))


def area_labels(kind: str, aliases: dict[str, tuple[str, ...]] | None = None) -> dict[tuple[str, ...], str]:
    """Label words → area code for one report kind: the Azerbaijani and English names from
    `choices.AREAS` plus any spelling a document prints differently."""
    labels: dict[tuple[str, ...], str] = {}
    for area in AREAS:
        if area.kind != kind:
            continue
        for name in (area.name_az, area.name_en, *(aliases or {}).get(area.code, ())):
            labels[label_words(name)] = area.code
    return labels


def decode_document(data: bytes, *, max_bytes: int) -> str:
    """The text of an uploaded report, or DocumentRejected saying why it is not one."""
    if len(data) > max_bytes:
        raise DocumentRejected(
            f"The document is {len(data):,} bytes; the limit is {max_bytes:,} bytes "
            "(raise it with --max-bytes or IMPORT_MAX_BYTES)."
        )
    if not data.strip():
        raise DocumentRejected("The document is empty.")
    if html_text.is_html(data):
        try:
            return _within_limit(normalize_text(html_text.html_text(data)))
        except html_text.UndecodablePage as exc:
            raise DocumentRejected(str(exc)) from None
    if b"\x00" in data:
        # Often a PNG or DOCX renamed .pdf: saying it is not a PDF tells the person what to fetch.
        raise DocumentRejected(
            _("The document is not a PDF and not plain text: it is a binary file of another kind (an image, say).")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentRejected(
            f"The document is not UTF-8 text (undecodable byte at offset {exc.start}); "
            "extract the text from the PDF as UTF-8 first."
        ) from None
    return _within_limit(normalize_text(text))


def _within_limit(text: str) -> str:
    if len(text) > settings.IMPORT_MAX_CHARACTERS:
        raise DocumentRejected(
            f"The document holds {len(text):,} characters; the limit is {settings.IMPORT_MAX_CHARACTERS:,} "
            "(IMPORT_MAX_CHARACTERS): import the chapter only."
        )
    return text
