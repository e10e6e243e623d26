"""Azerbaijani-aware text folding for free-text search.

People type on keyboards without ə, ı, ş, ğ; they write "I" for "ı" and "i" for "İ", and
double letters inconsistently ("muffettis"). Both the stored copy of a text and the query
go through `fold`, so a plain substring match finds what they mean: lower case with
Azerbaijani/Turkish casing, diacritics dropped, runs of one letter collapsed.
"""

import re
import string
import unicodedata
from functools import reduce
from operator import or_

from django.db.models import Q

# Letters NFKD does not decompose into base + combining mark. "ǝ" (U+01DD, turned e) is not an
# Azerbaijani letter but looks like "ə" (U+0259) and is what some keyboards and fonts give.
_LETTER_MAP = str.maketrans({"ə": "e", "ǝ": "e", "ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe"})
_REPEATED_LETTER = re.compile(r"(\w)\1+")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


class _CombiningMarkTable(dict):
    """str.translate table deleting combining marks; filled on first sight of each character."""

    def __missing__(self, code: int) -> str | None:
        self[code] = None if unicodedata.combining(chr(code)) else chr(code)
        return self[code]


_DROP_COMBINING = _CombiningMarkTable()


def fold(text: str) -> str:
    # Azerbaijani casing first: Python's lower() turns "I" into "i" and "İ" into "i̇".
    text = text.replace("İ", "i").replace("I", "ı").lower().translate(_LETTER_MAP)
    stripped = unicodedata.normalize("NFKD", text).translate(_DROP_COMBINING).translate(_LETTER_MAP)
    return _SPACE.sub(" ", _REPEATED_LETTER.sub(r"\1", stripped)).strip()


class _LetterFoldTable(dict):
    """str.translate table filled on first sight of each character (C-speed afterwards)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in "İI":
            folded = "i"
        else:
            lowered = char.lower().translate(_LETTER_MAP)
            decomposed = unicodedata.normalize("NFKD", lowered)
            folded = "".join(part for part in decomposed if not unicodedata.combining(part)).translate(_LETTER_MAP)
        # One character for one, so offsets into the folded text are offsets into the original.
        self[code] = folded if len(folded) == 1 else char
        return self[code]


_LETTER_FOLD = _LetterFoldTable()


def fold_letters(text: str) -> str:
    """Azerbaijani-aware lower case without diacritics, keeping length and digits.

    Unlike `fold` it does not collapse doubled letters or digits ("2011" stays "2011"), and
    each character maps to exactly one, so a parser can match headings on the folded text
    and cut the original text at the same offsets.
    """
    return text.translate(_LETTER_FOLD)


def search_terms(query: str) -> list[str]:
    """The folded words of a query; a row matches when it contains every one."""
    return _WORD.findall(fold(query))


# Letters a stored text may hold for each folded letter ("e": e, E, ə, Ə, é…), for searching
# text that has no folded copy stored: the query's folded word becomes a pattern that matches
# any spelling of it.
_SPELLED = string.ascii_letters + "əƏǝıİşŞğĞöÖüÜçÇâÂîÎûÛéÉèÈêÊëËäÄáÁàÀíÍìÌóÓòÒúÚùÙñÑ"


def _spellings() -> dict[str, str]:
    found: dict[str, set[str]] = {}
    for char in _SPELLED:
        found.setdefault(fold_letters(char), set()).add(char)
    return {folded: "".join(sorted(chars)) for folded, chars in found.items()}


_SPELLINGS = _spellings()


def term_pattern(term: str) -> str:
    """A regular expression (the part both PostgreSQL and Python read alike) matching every
    text that `fold` turns into one containing the folded `term`: each letter in any of its
    spellings, doubled or not ("mufetis" matches "müfəttiş")."""
    parts = []
    for char in term:
        spellings = _SPELLINGS.get(char)
        parts.append(f"[{spellings}]+" if spellings else f"{re.escape(char)}+")
    return "".join(parts)


def folded_search(fields: list[str] | tuple[str, ...], query: str) -> Q:
    """Rows where every word of `query` is in one of `fields`, as `fold` compares them."""
    condition = Q()
    for term in search_terms(query):
        pattern = term_pattern(term)
        condition &= reduce(or_, (Q(**{f"{field}__iregex": pattern}) for field in fields))
    return condition
