"""Figures in running text: digits ("11,345", "14-ü"), number words in Azerbaijani and
English, money with the report's own US dollar conversion in brackets, and the year markers
that say which year a figure belongs to."""

import re
from dataclasses import dataclass
from decimal import Decimal

from recommendations.years import YEAR_MAX, YEAR_MIN

WORDS = {
    "az": {
        "bir": 1, "iki": 2, "üç": 3, "dörd": 4, "beş": 5, "altı": 6, "yeddi": 7, "səkkiz": 8, "doqquz": 9, "on": 10,
        # "one of them", "two of them": always part of a figure stated before.
        "biri": 1, "ikisi": 2, "üçü": 3, "dördü": 4, "beşi": 5, "altısı": 6,
    },
    "en": {
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12,
    },
}  # fmt: skip
POSSESSIVE_WORDS = {"biri", "ikisi", "üçü", "dördü", "beşi", "altısı"}
CURRENCIES = (
    (re.compile(r"manat"), "AZN"),
    (re.compile(r"abş dolları|dollars?|\$"), "USD"),
    (re.compile(r"avro|euros?|€"), "EUR"),
)
_LETTERS = "a-zA-ZəƏıIİöÖüÜğĞşŞçÇ"
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_DIGITS = re.compile(rf"(?<![\w.,$])(?P<dollar>\$\s?)?(?P<number>{_NUMBER})(?P<suffix>-[{_LETTERS}]+)?(?![\w])")
_WORD = re.compile(rf"(?<![{_LETTERS}])(?P<word>[{_LETTERS}]+)(?![{_LETTERS}])")
_CURRENCY_AFTER = re.compile(r"\s*(?P<currency>manat[ıa]?|abş dollar[ıa]?|dollars?|avro|euros?)\b", re.IGNORECASE)
_CONVERSION = re.compile(
    rf"\s*\(\s*(?:\$\s?(?P<dollar>{_NUMBER})|(?P<number>{_NUMBER})\s*(?:abş dollar\w*|us dollars?))\s*\)", re.IGNORECASE
)
# After a figure, words that make it a length of time or an age, not a count.
_NOT_A_COUNT = re.compile(
    r"\s*(?:-?\s*(?:il|ildən|ilə|ilədək|illik|ay|aylıq|gün|yaş\w*|saat)\b|-?(?:years?|months?|days?|hours?)\b|%|percent)",
    re.IGNORECASE,
)

# Year markers. Azerbaijani: "2020-ci ildə", "2020-ci ildəki", "2021-ci ilin oktyabrında";
# two years at once ("2021 və 2020-ci illərdə", "2020-2024-cü illər") say no single year.
_YEAR_AZ = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)\s*-\s*(?:ci|cı|cu|cü|cü)\s+il(?!lər)\w*", re.IGNORECASE)
_YEARS_AZ = re.compile(
    r"(?<!\d)(?:19|20)\d\d\s*(?:və|,|-|–)\s*(?:19|20)\d\d\s*-\s*(?:ci|cı|cu|cü)\s+illər\w*", re.IGNORECASE
)
_YEAR_EN = re.compile(
    r"\b(?:in|during|for|of|since|by)\s+(?:fiscal\s+year\s+|calendar\s+year\s+|the\s+year\s+)?(?P<year>(?:19|20)\d\d)\b"
    r"(?!\s*(?:and|or|-|–|to)\s*(?:19|20)\d\d)",
    re.IGNORECASE,
)
_YEARS_EN = re.compile(r"\b(?:19|20)\d\d\s*(?:and|or|-|–|to)\s*(?:19|20)\d\d\b", re.IGNORECASE)
# "This year" and its kin: the reporting year.
_THIS_YEAR = {
    "az": re.compile(r"\bbu\s+dəfə\b|\bbu\s+il\b|\bil\s+ərzində\b|\bhesabat\s+dövründə\b", re.IGNORECASE),
    "en": re.compile(
        r"\bthis\s+year\b|\bduring\s+the\s+(?:reporting\s+)?(?:year|period)\b|\bin\s+the\s+reporting\s+period\b",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class YearMarker:
    start: int
    end: int
    # None: the words name more than one year, so no figure can take a year from them.
    year: int | None
    this_year: bool = False


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    number: Decimal
    printed: str
    word: bool = False
    # "14-ü", "biri": a part of something counted before.
    possessive: bool = False
    currency: str = ""
    converted_usd: Decimal | None = None


def to_decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def year_markers(text: str, language: str, reporting_year: int) -> list[YearMarker]:
    markers: list[YearMarker] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= other_start or start >= other_end for other_start, other_end in taken)

    several, single = (_YEARS_AZ, _YEAR_AZ) if language == "az" else (_YEARS_EN, _YEAR_EN)
    for match in several.finditer(text):
        markers.append(YearMarker(match.start(), match.end(), None))
        taken.append(match.span())
    for match in single.finditer(text):
        if free(*match.span()):
            markers.append(YearMarker(match.start(), match.end(), int(match["year"])))
            taken.append(match.span())
    for match in _THIS_YEAR[language].finditer(text):
        if free(*match.span()):
            markers.append(YearMarker(match.start(), match.end(), reporting_year, this_year=True))
            taken.append(match.span())
    return sorted(markers, key=lambda marker: marker.start)


def figures(text: str, language: str, markers: list[YearMarker]) -> list[Figure]:
    """Every figure in `text` that is not part of a year marker, a year, a length of time or
    an age. Number words are returned as figures; whether they count something is the
    reader's question."""
    found: list[Figure] = []
    inside_markers = [(marker.start, marker.end) for marker in markers]
    consumed_until = 0
    for match in _DIGITS.finditer(text):
        start, end = match.span()
        if start < consumed_until or any(a <= start < b for a, b in inside_markers):
            continue
        raw = match["number"]
        value = to_decimal(raw)
        suffix = match["suffix"] or ""
        if suffix and suffix[1:].lower() in ("ci", "cı", "cu", "cü"):
            continue  # an ordinal ("2-ci"), or a year not followed by "il"
        if not match["dollar"] and not suffix and "," not in raw and YEAR_MIN <= value <= YEAR_MAX and len(raw) == 4:
            continue  # a year standing alone
        if _NOT_A_COUNT.match(text, end):
            continue
        currency, converted, printed_end = "", None, end
        if match["dollar"]:
            currency = "USD"
        else:
            after = _CURRENCY_AFTER.match(text, end)
            if after:
                currency = _currency_of(after["currency"])
                printed_end = after.end()
                conversion = _CONVERSION.match(text, printed_end)
                if conversion and currency != "USD":
                    converted = to_decimal(conversion["dollar"] or conversion["number"])
                    printed_end = conversion.end()
        if match["dollar"]:
            printed_end = end
        found.append(
            Figure(
                start=start,
                end=printed_end,
                number=value,
                printed=text[start:printed_end],
                possessive=bool(suffix),
                currency=currency,
                converted_usd=converted,
            )
        )
        consumed_until = printed_end
    words = WORDS[language]
    for match in _WORD.finditer(text):
        word = match["word"].lower()
        if word not in words or any(figure.start <= match.start() < figure.end for figure in found):
            continue
        if language == "az" and text[max(0, match.start() - 4) : match.start()].lower().strip() == "heç":
            continue  # "heç bir": none at all, said as a negation, not a figure
        found.append(
            Figure(
                start=match.start(),
                end=match.end(),
                number=Decimal(words[word]),
                printed=match["word"],
                word=True,
                possessive=word in POSSESSIVE_WORDS,
            )
        )
    return sorted(found, key=lambda figure: figure.start)


def _currency_of(word: str) -> str:
    folded = word.lower()
    for pattern, code in CURRENCIES:
        if pattern.match(folded):
            return code
    return ""
