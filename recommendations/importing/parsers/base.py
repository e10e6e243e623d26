"""What every report parser returns, and the checks a document passes before any parser runs.

Parsers are pure functions from text to a `ParseResult`: no database, no files, so the
command line, the admin and the tests all see the same parse, and a parse can be checked
with `--json` before anything is written.
"""

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError

from recommendations.choices import AREAS
from recommendations.search import fold_letters

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
    # 1-based line of the document where the action starts, for messages.
    line: int

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ParseResult:
    records: list[ParsedRecommendation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # TIP tier as the tracker stores it ("Tier 2", "Tier 2 Watch List"); empty for DOL.
    tier: str = ""


def join_whitespace(text: str) -> str:
    """The only normalisation applied to published text: every run of whitespace (line
    breaks, page breaks, doubled spaces) becomes one space."""
    return _SPACE.sub(" ", text).strip()


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
    if b"\x00" in data:
        raise DocumentRejected("The document is a binary file (it contains NUL bytes), not plain text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentRejected(
            f"The document is not UTF-8 text (undecodable byte at offset {exc.start}); "
            "extract the text from the PDF as UTF-8 first."
        ) from None
    return text
