"""What a document says about itself: the language it is written in and the country it is
about. An import compares them with what the admin chose, so an English chapter given as
Azerbaijani, or Armenia's chapter given as Azerbaijan's, is refused instead of written over
the wrong rows.

Both are read from the text, never guessed: a language is told only by clear signs (letters
only Azerbaijani has, or English's commonest words), and a country only when the opening of
the document names one (a DOL chapter opens "Armenia … In 2019, Armenia made…", a TIP chapter
"AZERBAIJAN: Tier 2" or "AZƏRBAYCAN (Səviyyə 2)"). When the text does not tell, the answer is
"" and the import says it could not check.
"""

import functools
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from recommendations.search import fold_letters

from .columns import reading_order
from .extract import is_pdf, pdf_pages
from .parsers import DocumentRejected, ParsedRecommendation, Problem
from .parsers.upr import is_docx

# Enough of the opening for a DOL chapter's heading and first sentence, or a TIP chapter's
# heading line; further on a chapter names its neighbours (Armenia's names Azerbaijan 83 times).
OPENING_CHARACTERS = 600
# Letters Azerbaijani writes and English never does (ç, ö, ü also occur in English loans).
_AZERBAIJANI_LETTERS = re.compile(r"[əƏıİşŞğĞ]")
_ENGLISH_WORDS = frozenset({"the", "and", "of", "to", "in", "for", "on", "with", "that", "its"})
_WORD = re.compile(r"[^\W\d_]+")
# A whole word, or the name with an Azerbaijani case ending ("Azərbaycanda", "Azərbaycanın"),
# as folded: so "Mali" is not read in "maliyyə" nor "Çad" in "çadır".
_ENDING = r"(?:[dt][ae]n?|n?[iu]n|y?[ae]|l[iu]|d[ae]ki)?(?![^\W\d_])"


def language_of(texts: Iterable[str]) -> str:
    """ "az", "en", or "" when the text is too short or too mixed to tell."""
    text = " ".join(texts)
    words = _WORD.findall(text)
    if len(words) < 20:
        return ""
    letters = sum(len(word) for word in words)
    azerbaijani = len(_AZERBAIJANI_LETTERS.findall(text)) / letters
    english = sum(1 for word in words if word.lower() in _ENGLISH_WORDS) / len(words)
    # Azerbaijani prose has ə, ı, ş or ğ in about one letter in ten; English has none, and
    # its ten commonest words are about a fifth of its words (Azerbaijani has none of them).
    if azerbaijani >= 0.02 and english < 0.03:
        return "az"
    if english >= 0.08 and azerbaijani < 0.002:
        return "en"
    return ""


@functools.cache
def _country_names() -> tuple[tuple[str, str], ...]:
    """(folded name, code) for every country in every interface language, longest first, so
    "Niger" never matches inside "Nigeria" nor "Guinea" inside "Equatorial Guinea"."""
    names: dict[str, str] = {}
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            for code, name in countries:
                names.setdefault(fold_letters(str(name)), code)
    return tuple(sorted(names.items(), key=lambda item: -len(item[0])))


def countries_called(term: str) -> list[str]:
    """Codes of the countries whose name, in any interface language, contains `term` (at
    least three letters): "armenia", "Azerbaijan" and "azərbaycan" all find AZ or AM."""
    folded = fold_letters(" ".join(term.split()))
    if len(folded) < 3:
        return []
    return sorted({code for name, code in _country_names() if folded in name})


def country_named_in(opening: str) -> str:
    """The code of the first country the opening names, or ""."""
    folded = fold_letters(opening)
    first: tuple[int, str] | None = None
    taken: list[tuple[int, int]] = []
    for name, code in _country_names():
        for match in re.finditer(rf"(?<!\w){re.escape(name)}{_ENDING}", folded):
            start, end = match.span()
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            if first is None or start < first[0]:
                first = (start, code)
    return first[1] if first else ""


def opening_of(data: bytes) -> str:
    """The first characters of the document's text: a PDF's first page, or the text itself
    (undecodable bytes replaced: the parser has already refused a document that is not text)."""
    if is_docx(data):
        # A Word document's bytes are a zip: its parser reads the country from its header.
        return ""
    if is_pdf(data):
        # Read as the parsers read it (pdfminer's extract_text would run its layout analysis,
        # minutes on a page of overlapping text runs), column by column.
        try:
            (page,) = pdf_pages(data, first_only=True)
        except DocumentRejected:  # the parser read this PDF already; an opening it cannot give is not checked
            return ""
        text = "\n".join(line.text for line in reading_order(page))
    else:
        text = data[: OPENING_CHARACTERS * 4].decode("utf-8", errors="replace")
    return " ".join(text.split())[:OPENING_CHARACTERS]


def _language_name(code: str) -> str:
    # As the language field offers it, each in its own language.
    return dict(settings.LANGUAGES).get(code, code)


def refuse_another_document(
    data: bytes,
    records: list[ParsedRecommendation],
    problems: list[Problem],
    *,
    language: str,
    country: str,
    heading: str = "",
) -> None:
    """Refuse a document whose text is in another language than `language`, or whose opening
    names another country than `country`: written on, it would replace the right rows' texts
    with the wrong ones (an English chapter over the Azerbaijani texts, Armenia's rows as
    Azerbaijan's). A document that does not name its country is imported with a warning.
    `heading` is the country the parser read the chapter's heading for ("BAHAMAS" in pages of
    the TIP volume, whose opening may be another chapter's): it names the country instead."""
    opening = opening_of(data)
    errors = {}
    found_language = language_of(record.action for record in records) or language_of([opening])
    if found_language and found_language != language:
        errors["language"] = _(
            "The document is written in %(found)s, not %(chosen)s: choose %(found)s as the language of the text."
        ) % {"found": _language_name(found_language), "chosen": _language_name(language)}
    found_country = country_named_in(heading or opening)
    if found_country and found_country != country:
        errors["country"] = _("The document is about %(found)s, not %(chosen)s: choose %(found)s as the country.") % {
            "found": countries.name(found_country),
            "chosen": countries.name(country) or country,
        }
    if errors:
        raise ValidationError(errors)
    if not found_country:
        problems.append(Problem(0, f"The document's opening names no country; check that it is about {country}."))
