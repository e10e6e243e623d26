"""The country chapters of a TIP text that holds several (pages of the report's volume).

A chapter starts at its heading, the country's name in capitals with its tier, on a line of
its own ("AZERBAIJAN: Tier 2", "ARMENIA (Tier 2 Watch List)", "AZƏRBAYCAN (2-ci Səviyyə)",
"LIBYA: Special Case"), and ends at the next such heading.
"""

import re
from dataclasses import dataclass

from django.utils import translation
from django_countries import countries

from recommendations.search import fold_letters

from .base import DocumentRejected, label_words

# On folded text; the name is then checked to be printed in capitals.
HEADING = re.compile(
    r"^(?P<name>[^\W\d_][^:()\n]{0,60}?)\s*(?::\s*|\(\s*)"
    r"(?:tier\s*[123](?:\s*watch\s*list)?|special\s+case|seviyye\s*[123]"
    r"|[123]\s*-?\s*(?:ci|cu)\s+seviyye(?:\s*(?:nezaret|musahide|izleme)\s*siyahisi)?)\s*\)?$"
)
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
# Longer lines are text, not a heading: they are not looked at twice.
HEADING_MAX_CHARACTERS = 120


@dataclass(frozen=True)
class Chapter:
    name: str  # as printed
    start: int  # offset of the heading in the text
    end: int  # offset of the next heading, or the text's length


def chapters(text: str) -> list[Chapter]:
    found: list[tuple[str, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if len(stripped) <= HEADING_MAX_CHARACTERS:
            match = HEADING.match(fold_letters(stripped))
            if match:
                name = stripped[: match.end("name")]
                if name.upper() == name:
                    found.append((name, offset + line.index(stripped[:1])))
        offset += len(line)
    return [
        Chapter(name, start, found[index + 1][1] if index + 1 < len(found) else len(text))
        for index, (name, start) in enumerate(found)
    ]


def _words(name: str) -> tuple[str, ...]:
    return tuple(word for word in label_words(name) if word != "the")


def _names(country: str) -> set[tuple[str, ...]]:
    """The country's name in the languages the reports are read in, as words ("Bahamas
    (The)" also without its parenthesis, as the report prints "BAHAMAS")."""
    names = set()
    for language in ("en", "az"):
        with translation.override(language):
            name = str(countries.name(country.upper()))
        for variant in (name, _PARENTHESIS.sub("", name)):
            if _words(variant):
                names.add(_words(variant))
    return names


def country_chapter(text: str, country: str) -> tuple[str, str]:
    """(the text with only `country`'s chapter left, the name its heading prints) when the
    text holds several chapters; the text as it is when it holds one or none. Lines before
    the chapter are kept as empty lines, so line numbers stay those of the document."""
    found = chapters(text)
    if len(found) <= 1:
        return text, found[0].name if found else ""
    names = _names(country) if country else set()
    chosen = [chapter for chapter in found if _words(chapter.name) in names]
    if len(chosen) != 1:
        listed = ", ".join(chapter.name for chapter in found[:12]) + (", …" if len(found) > 12 else "")
        raise DocumentRejected(
            f"The document holds {len(found)} country chapters ({listed}); "
            + (f"none is {country}'s." if not chosen else f"{len(chosen)} are {country}'s.")
        )
    chapter = chosen[0]
    return "\n" * text.count("\n", 0, chapter.start) + text[chapter.start : chapter.end], chapter.name
