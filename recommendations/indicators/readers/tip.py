"""TIP figures from a country chapter's narrative, in Azerbaijani or English.

A chapter compares years in sentences: "Hüquq mühafizə orqanları 2020-ci ildə 20 şübhəlinin
iştirakı ilə 18 işi araşdırdığı halda, 2021-ci ildə 14 şübhəlinin iştirak etdiyi 15 işi
araşdırmışdır", "investigated 15 cases involving 14 suspects, compared with 18 cases involving
20 suspects in 2020". Each sentence is cut into parts (at ";"), each part into the sides of
its comparison ("… halda", "… ilə müqayisədə", "compared with …") and its bracketed asides.

A figure is a value when all of this is certain:
- its indicator: the part has the indicator's cue and the words after the figure are what it
  counts (vocabulary.py); a figure whose noun is left out ("2019-cu ildə 28 və 2018-ci ildə
  20 insan alverçisi") takes the noun of the figure it is listed with;
- its year: the nearest year marker before it in its side or aside (or the only one, as
  English puts it after: "… 20 suspects in 2020"); "bu dəfə", "this year", "il ərzində" are the
  reporting year; a side without a year, compared with another side's earlier year, is the
  reporting year;
- it is the whole figure: not a part ("onlardan 14-ü", "biri", "of whom"), not approximate
  ("təxminən", "more than"), not a back-reference to an earlier sentence ("Bu məbləğ 2020-ci
  ildə 30,000 manat").
Anything else that could be a figure is returned unread, with its sentence and the reason.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..vocabulary import COUNT, MONEY, IndicatorDefinition
from . import Reading, ReadValue, UnreadFigure
from .figures import Figure, YearMarker, figures, year_markers

# Where one side of a comparison ends and the other begins.
_COMPARISON = {
    "az": re.compile(r"\bhalda\b,?|\bilə\s+müqayisədə\b,?|\bnisbətən\b,?", re.IGNORECASE),
    "en": re.compile(r",?\s*\b(?:compared\s+(?:with|to)|versus|whereas|while)\b", re.IGNORECASE),
}
# Where a clause of another kind ends: "… göndərsə də, …", "but", "although".
_CLAUSE = {
    "az": re.compile(r"\b\w+s[əa]\s+d[əa]\b,?|\blakin\b|\bamma\b", re.IGNORECASE),
    # English states the compared figure in a phrase that ends at the next clause.
    "en": re.compile(r"\b(?:but|however|although|though)\b|,\s*and\b|,\s*while\b", re.IGNORECASE),
}
# Words just before a figure that make it a part, an estimate or a bound of something else.
_PARTIAL = {
    "az": re.compile(
        r"(onlardan|bunlardan|\w+lardan|\w+lərdən|başqa|qalan|təxminən|ən azı|azı|nəticəsində|o cümlədən|"
        r"daxil olmaqla|artıq|çox)\s*(\S+\s+){0,1}$",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\b(of whom|of which|of these|of them|another|other|approximately|about|around|nearly|more than|over|"
        r"at least|fewer than|less than|up to|including|as a result)\s+(\S+\s+){0,1}$",
        re.IGNORECASE,
    ),
}
# A sentence or aside that speaks of a figure stated before it.
_BACK_REFERENCE = {
    "az": re.compile(r"\bbu\s+(məbləğ|vəsait|göstərici|rəqəm|say)\w*", re.IGNORECASE),
    "en": re.compile(r"\b(this|that|the same)\s+(amount|figure|number|sum)\b", re.IGNORECASE),
}
# What may stand between a figure whose noun is left out and the next one ("28 və 2018-ci ildə 20 …").
_LISTED_WITH = {"az": re.compile(r"^[\s,]*(və|,)?[\s,]*$"), "en": re.compile(r"^[\s,]*(and|,|or)?[\s,]*$")}
_QUALIFIER = {
    "az": r"(?:yeni |potensial |rəsmi təsdiqlənmiş |ehtimal olunan )?",
    "en": r"(?:new |potential |alleged |(?:sex |labor |labour )?trafficking |official )?",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])[\s\"”’)]*\s+(?=[\"“(]?[A-ZÇƏĞIİÖŞÜ0-9])")


@dataclass(frozen=True)
class _Side:
    start: int
    end: int
    index: int
    # Whether a comparison marker ends the side before it ("… halda, 2021-ci ildə …"): then
    # it compares the same quantity as that side, which may name it.
    compares: bool = False
    # Whether a comparison marker ends this side.
    compared: bool = False


@dataclass
class _Line:
    text: str
    where: dict[str, Any]


def read_tip(
    lines: Sequence[tuple[str, dict[str, Any]]],
    *,
    language: str,
    reporting_year: int,
    definitions: Sequence[IndicatorDefinition],
) -> Reading:
    """`lines`: the chapter's lines in order, each with where it stands ({"line": n} or
    {"page": n})."""
    reading = Reading()
    phrased = [
        (definition, definition.phrasings[language]) for definition in definitions if language in definition.phrasings
    ]
    text, origins = _joined(lines)
    seen: dict[tuple[str, int], ReadValue] = {}
    doubtful: set[tuple[str, int]] = set()
    for start, end in _sentences(text):
        sentence = text[start:end]
        where = _where(origins, start, end)
        for part in sentence.split(";"):
            _read_part(part, language, reporting_year, phrased, sentence, where, reading, seen, doubtful)
    # A figure stated twice with different values is not certain: neither is stored.
    for key in sorted(doubtful):
        value = seen[key]
        reading.values = [other for other in reading.values if (other.code, other.year) != key]
        reading.unread.append(
            UnreadFigure(
                value.printed,
                f"{value.code} {value.year} is stated more than once with different values",
                value.quote,
                value.location,
            )
        )
    return reading


def lower_in_place(text: str) -> str:
    """Lower case with every character kept at its offset ("İ".lower() is two characters)."""
    return "".join(char.lower() if len(char.lower()) == 1 else "i" for char in text)


def _read_part(part, language, reporting_year, phrased, sentence, where, reading, seen, doubtful) -> None:
    folded = lower_in_place(part)
    markers = year_markers(part, language, reporting_year)
    found = figures(part, language, markers)
    if not found:
        return
    if not markers and not any(re.search(phrasing.cue, folded) for _definition, phrasing in phrased):
        return  # a sentence about neither a year nor an indicator: its numbers are not figures of ours
    sides = _sides(part, language)
    brackets = _brackets(part)
    codes = [_indicator_of(figure, folded, language, _cued(figure, folded, sides, phrased)) for figure in found]
    # A figure whose noun is left out takes the noun of the figure it is listed with.
    for index in range(len(found) - 2, -1, -1):
        if codes[index] is None and codes[index + 1] is not None and not found[index].possessive:
            between = part[found[index].end : found[index + 1].start]
            between = _strip_markers(between, markers, found[index].end)
            if _LISTED_WITH[language].match(between):
                codes[index] = codes[index + 1]
    # "…prosecuted 16 defendants, compared with 21 in 2020": the compared figure's noun is the
    # one its side is compared with, when that side counts exactly one thing.
    for index, figure in enumerate(found):
        side = _side_of(figure.start, sides)
        if codes[index] is not None or figure.possessive or not side.compares:
            continue
        if any(_side_of(other.start, sides) == side for other in found[:index]):
            continue
        compared = {
            (code.code if code else None): code
            for other, code in zip(found, codes, strict=True)
            if _side_of(other.start, sides).index == side.index - 1
        }
        if len(compared) == 1 and None not in compared:
            codes[index] = next(iter(compared.values()))
    for figure, code in zip(found, codes, strict=True):
        definition = code
        if definition is None:
            if figure.word and not figure.possessive:
                continue  # "bir", "one": an article as often as a number; unread only when it counts
            reason = (
                "a part of a figure stated before it"
                if figure.possessive
                else _back_reference(figure, part, language, sides, brackets)
                or "no indicator of this report states it so"
            )
            reading.unread.append(UnreadFigure(figure.printed, reason, sentence, where))
            continue
        doubt = _doubt(figure, part, language, sides, brackets, definition)
        year = None
        if doubt is None:
            year, doubt = _year_of(figure, markers, sides, brackets, reporting_year)
        if doubt is not None:
            reading.unread.append(UnreadFigure(figure.printed, f"{definition.code}: {doubt}", sentence, where))
            continue
        assert year is not None
        value = ReadValue(
            code=definition.code,
            year=year,
            state="number",
            number=figure.number,
            currency=figure.currency,
            converted_usd=figure.converted_usd,
            printed=figure.printed,
            quote=sentence,
            location=where,
            language=language,
        )
        key = (definition.code, year)
        if key in seen:
            if seen[key].number != value.number or seen[key].currency != value.currency:
                doubtful.add(key)
            continue
        seen[key] = value
        reading.values.append(value)


def _cued(figure: Figure, folded: str, sides: list[_Side], phrased):
    """The indicators whose cue is in the figure's clause — or, for the later side of a
    comparison, in the side it is compared with."""
    side = _side_of(figure.start, sides)
    scope = [side]
    while scope[-1].compares and scope[-1].index > 0:
        scope.append(sides[scope[-1].index - 1])
    for clause in scope:
        text = folded[clause.start : clause.end]
        cued = [(definition, phrasing) for definition, phrasing in phrased if re.search(phrasing.cue, text)]
        if cued:
            return cued
    return []


def _indicator_of(figure: Figure, folded: str, language: str, cued) -> IndicatorDefinition | None:
    after = folded[figure.end :].lstrip()
    before = folded[: figure.start]
    matches = []
    for definition, phrasing in cued:
        unit_fits = bool(figure.currency) == (definition.unit == MONEY)
        counted = bool(definition.unit == COUNT and re.match(_QUALIFIER[language] + phrasing.counted, after))
        if definition.unit == MONEY:
            counted = bool(figure.currency and re.search(phrasing.counted, figure.printed.lower()))
        elif phrasing.counted_before and re.search(phrasing.counted_before, before):
            counted = True
        if unit_fits and counted:
            matches.append(definition)
    return matches[0] if len(matches) == 1 else None


def _doubt(figure: Figure, part: str, language: str, sides, brackets, definition) -> str | None:
    if figure.possessive:
        return "a part of a figure stated before it"
    segment_start = _segment_of(figure.start, sides, brackets)[0]
    before = part[segment_start : figure.start]
    if _PARTIAL[language].search(before[-40:]):
        return "a part, an estimate or a bound, not the figure itself"
    return _back_reference(figure, part, language, sides, brackets)


def _back_reference(figure: Figure, part: str, language: str, sides, brackets) -> str | None:
    """ "Bu məbləğ 2020-ci ildə 30,000 manat": the amount is named in an earlier sentence, which
    this reader does not follow. The later side of a comparison may say "bu məbləğ" of the
    side it is compared with, in the same sentence."""
    side = _side_of(figure.start, sides)
    bracket = _bracket_of(figure.start, brackets)
    start = bracket[0] if bracket else side.start
    if _BACK_REFERENCE[language].search(part[start : figure.start]) and (bracket or not side.compares):
        return "refers back to a figure of an earlier sentence"
    return None


def _year_of(
    figure: Figure, markers: list[YearMarker], sides, brackets, reporting_year
) -> tuple[int | None, str | None]:
    start, end = _segment_of(figure.start, sides, brackets)
    bracket = _bracket_of(figure.start, brackets)
    own = [marker for marker in markers if start <= marker.start < end and _in_same(marker, bracket, brackets)]
    before = [marker for marker in own if marker.end <= figure.start]
    chosen = before[-1] if before else (own[0] if len(own) == 1 else None)
    if chosen is None and bracket is not None:
        side = _side_of(figure.start, sides)
        outer = [m for m in markers if side.start <= m.start < bracket[0] and _bracket_of(m.start, brackets) is None]
        chosen = outer[-1] if outer else None
    if chosen is None:
        side = _side_of(figure.start, sides)
        linked = [sides[side.index - 1]] if side.compares else []
        linked += [sides[side.index + 1]] if side.compared else []
        others = [m for m in markers if any(other.start <= m.start < other.end for other in linked)]
        compared = bool(linked)
        if compared and others and all(m.year is not None and m.year < reporting_year for m in others):
            return reporting_year, None
        return None, "no year is stated for it"
    if chosen.year is None:
        return None, "its year is one of several named together"
    return chosen.year, None


def _in_same(marker: YearMarker, bracket, brackets) -> bool:
    return _bracket_of(marker.start, brackets) == bracket


def _segment_of(position: int, sides, brackets) -> tuple[int, int]:
    bracket = _bracket_of(position, brackets)
    if bracket is not None:
        return bracket
    side = _side_of(position, sides)
    return side.start, side.end


def _side_of(position: int, sides: list[_Side]) -> _Side:
    for side in sides:
        if side.start <= position < side.end:
            return side
    return sides[-1]


def _bracket_of(position: int, brackets: list[tuple[int, int]]) -> tuple[int, int] | None:
    for start, end in brackets:
        if start < position < end:
            return start, end
    return None


def _sides(part: str, language: str) -> list[_Side]:
    cuts = sorted(
        [(match.end(), True) for match in _COMPARISON[language].finditer(part)]
        + [(match.end(), False) for match in _CLAUSE[language].finditer(part)]
    )
    bounds = [(0, False), *cuts]
    sides = []
    for index, (start, compares) in enumerate(bounds):
        end, compared = bounds[index + 1] if index + 1 < len(bounds) else (len(part), False)
        sides.append(_Side(start, end, index, compares=compares, compared=compared))
    return sides


def _brackets(part: str) -> list[tuple[int, int]]:
    found, opened = [], None
    for index, char in enumerate(part):
        if char == "(" and opened is None:
            opened = index
        elif char == ")" and opened is not None:
            found.append((opened, index + 1))
            opened = None
    return found


def _strip_markers(between: str, markers: list[YearMarker], offset: int) -> str:
    for marker in sorted(markers, key=lambda marker: -marker.start):
        start, end = marker.start - offset, marker.end - offset
        if start >= 0 and end <= len(between):
            between = between[:start] + between[end:]
    return between


def _joined(lines: Sequence[tuple[str, dict[str, Any]]]) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    """The lines as one text (a word hyphenated at a line's end joined again: "2020-" + "ci"),
    and for each line the offset it starts at."""
    text = ""
    origins: list[tuple[int, dict[str, Any]]] = []
    for raw, where in lines:
        line = raw.strip()
        if not line:
            continue
        if text and not text.endswith("-"):
            text += " "
        origins.append((len(text), where))
        text += line
    return text, origins


def _sentences(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return [(a, b) for a, b in bounds if text[a:b].strip()]


def _where(origins: list[tuple[int, dict[str, Any]]], start: int, end: int) -> dict[str, Any]:
    inside = [where for offset, where in origins if start <= offset < end]
    first = next((where for offset, where in reversed(origins) if offset <= start), origins[0][1] if origins else {})
    spots = [first, *inside]
    if "line" in first:
        lines = [spot["line"] for spot in spots if "line" in spot]
        return {"lines": [min(lines), max(lines)]}
    pages = [spot["page"] for spot in spots if "page" in spot]
    return {"pages": [min(pages), max(pages)]} if pages else {}
