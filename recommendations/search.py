"""Azerbaijani-aware text folding for free-text search, and the search's query language.

People type on keyboards without ə, ı, ş, ğ; they write "I" for "ı" and "i" for "İ", "sh"
for "ş", "ch" for "ç", "gh" for "ğ", and double letters inconsistently ("muffettis"). Both
the stored copy of a text and the query go through `fold`: lower case with
Azerbaijani/Turkish casing, diacritics dropped, the digraphs read as the letter they stand
for, a doubled letter read as one, invisible format characters (a soft hyphen from a PDF,
a direction mark: Unicode category Cf) removed rather than read as a word break.

A query's words match at the start of a word of the text (`DİN` finds the ministry, not
every verb ending in "-din"); it takes what people type into web search (`parse_query`).
The stored text (`searchable`) is its folded words, each after a space, so "a word starting
with w" is the substring " w" — on SQLite and PostgreSQL alike, and PostgreSQL's trigram
index serves it (migration 0002).
"""

import re
import string
import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q

# Letters NFKD does not decompose into base + combining mark. "ǝ" (U+01DD, turned e) is not an
# Azerbaijani letter but looks like "ə" (U+0259) and is what some keyboards and fonts give;
# "ә" (U+04D9) is the Cyrillic letter Latin-script Azerbaijani text often carries.
_LETTER_MAP = str.maketrans(
    {"ə": "e", "ǝ": "e", "ә": "e", "ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe"}
)
# What English keyboards write for ş, ç, ğ, folded as those letters are (to s, c, g).
_DIGRAPH = re.compile(r"([scg])h")
# A letter doubled, as people misspell ("muffettis"); a longer run ("zzzz") is no spelling of
# a word and is kept, so it does not find what its one letter finds.
_DOUBLED_LETTER = re.compile(r"(\w)\1+")


def _undouble(match: re.Match) -> str:
    return match[1] if len(match[0]) == 2 else match[0]


_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")  # letters and digits; "_" and punctuation separate words


class _FormatCharacterTable(dict):
    """str.translate table deleting invisible format characters (Unicode category Cf)."""

    def __missing__(self, code: int) -> str | None:
        self[code] = None if unicodedata.category(chr(code)) == "Cf" else chr(code)
        return self[code]


_DROP_FORMAT = _FormatCharacterTable()


class _CombiningMarkTable(dict):
    """str.translate table deleting combining marks; filled on first sight of each character."""

    def __missing__(self, code: int) -> str | None:
        self[code] = None if unicodedata.combining(chr(code)) else chr(code)
        return self[code]


_DROP_COMBINING = _CombiningMarkTable()


def fold(text: str) -> str:
    # Azerbaijani casing first: Python's lower() turns "I" into "i" and "İ" into "i̇".
    text = text.translate(_DROP_FORMAT).replace("İ", "i").replace("I", "ı").lower().translate(_LETTER_MAP)
    stripped = unicodedata.normalize("NFKD", text).translate(_DROP_COMBINING).translate(_LETTER_MAP)
    return _SPACE.sub(" ", _DOUBLED_LETTER.sub(_undouble, _DIGRAPH.sub(r"\1", stripped))).strip()


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

    Unlike `fold` it does not undouble letters or digits ("2011" stays "2011"), and
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


def words(text: str) -> list[str]:
    """The folded words of a text: letters and digits, punctuation dropped."""
    return _WORD.findall(fold(text))


def searchable(text: str) -> str:
    """The stored search text (`Recommendation.action_search`): the folded words, each after
    a space, and a space at the end, so a word's start and a whole phrase are substrings."""
    found = words(text)
    return f" {' '.join(found)} " if found else ""


@dataclass(frozen=True)
class Term:
    """A word or a phrase: the text has it when it holds `" " + " ".join(words)` — the first
    word at the start of a word, the others whole and in order, the last at least begun."""

    words: tuple[str, ...]
    excluded: bool = False

    @property
    def pattern(self) -> str:
        return " " + " ".join(self.words)


# PostgreSQL keeps, beside each recommendation, the first this-many letters of each of its
# search text's words that long (migration 0026, table recommendations_word_start): a word
# (or phrase) found in a row starts with the same letters as one of those.
WORD_START_LENGTH = 4
WORD_START_TABLE = "recommendations_word_start"


def word_start_key(term: Term) -> str | None:
    """The word start a row holding `term` must have in that table (of the term's longest
    word: rarer, as a rule), or None when no word of the term is long enough (or it is
    excluded). Every word of a phrase is a word's start in the text: the first and the last
    at least begun, the middle ones whole."""
    if term.excluded:
        return None
    longest = max(term.words, key=len)
    return longest[:WORD_START_LENGTH] if len(longest) >= WORD_START_LENGTH else None


# A query is a conjunction of groups; a group is met when any of its terms is.
Query = tuple[tuple[Term, ...], ...]

_TOKEN = re.compile(r'(?P<minus>-?)"(?P<phrase>[^"]*)"?|(?P<token>[^\s"]+)')


def parse_query(query: str) -> Query:
    """The query language of web search (PostgreSQL's `websearch_to_tsquery`, SQLite's FTS5):
    words, all of which must be found (`insan alveri`); `"a phrase"`, its words in order;
    `OR` (in capitals) between two terms, either of which will do (`a b OR c` is a and b-or-c);
    `-word` or `-"a phrase"` for what must not be found. A word joined to another by
    punctuation (`QHT-lərin`) is its words. Empty when nothing in it is a letter or digit.
    """
    groups: list[list[Term]] = []
    joined = False  # the last token was `OR`: the next term joins the last group
    for match in _TOKEN.finditer(query):
        bare = match["token"]
        if bare == "OR":
            joined = bool(groups)
            continue
        if match["phrase"] is not None:
            terms = [Term(tuple(words(match["phrase"])), excluded=bool(match["minus"]))]
        else:
            excluded = bare.startswith("-") and len(bare) > 1
            found = words(bare[1:] if excluded else bare)
            terms = [Term(tuple(found), excluded=True)] if excluded else [Term((word,)) for word in found]
        terms = [term for term in terms if term.words]
        if not terms:
            continue
        if joined:
            groups[-1].append(terms[0])
            terms = terms[1:]
        groups.extend([term] for term in terms)
        joined = False
    return tuple(tuple(group) for group in groups)


def matching_q(query: Query, field: str = "action_search") -> Q:
    """The rows whose stored search text (`searchable`) the query finds, as an ORM condition."""
    condition = Q()
    for group in query:
        either = Q()
        for term in group:
            found = Q(**{f"{field}__contains": term.pattern})
            either |= ~found if term.excluded else found
        condition &= either
    return condition
