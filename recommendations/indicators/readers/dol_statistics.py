"""DOL's data file (XML): a country's "Statistics on Children's Work and Education", read from
the elements the vocabulary names (`IndicatorDefinition.element`), each with the year its own
elements give and the age range the figure is of.

An element left empty states nothing. A figure is an unread figure, never a guessed value,
when its text is not a number, a share is above 100%, or its year is not one year: no
year, a survey spanning two ("2010-11"), or the two survey years of the working children's
figures disagreeing. Numbers keep two decimals (the file prints some as 8.71937262083); the
text as printed is kept beside the value.
"""

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from lxml import etree  # type: ignore[import-untyped]

from recommendations.importing.parsers.dol_xml import parse_element, text_of

from ..vocabulary import IndicatorDefinition
from . import Reading, ReadValue, UnreadFigure

STATISTICS = "Country_Statistics"
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
CENT = Decimal("0.01")


def read_statistics(data: bytes, *, definitions: Sequence[IndicatorDefinition], report_year: int) -> Reading:
    """The statistics of one country's element (the document a source of the file keeps)."""
    country = parse_element(data)
    code = text_of(country.find("ISO2"))
    base = f"/Countries/Country[ISO2='{code}']/{STATISTICS}"
    statistics = country.find(STATISTICS)
    reading = Reading()
    if statistics is None:
        return reading
    for definition in definitions:
        if not definition.element:
            continue
        printed = text_of(statistics.find(definition.element))
        if not printed:
            continue
        group = definition.element.split("/")[0]
        location = {"element": f"{base}/{definition.element}"}
        age_range = text_of(statistics.find(f"{group}/Age_Range"))
        if age_range:
            location["age_range"] = age_range
        year, reason = _year(statistics, definition.year_elements, report_year)
        if year is not None:
            location["year_element"] = " = ".join(f"{base}/{path}" for path in definition.year_elements)
        number, number_reason = _number(printed, definition.maximum)
        reason = reason or number_reason
        if reason or year is None or number is None:
            reading.unread.append(UnreadFigure(printed=printed, reason=reason, location=location))
            continue
        reading.values.append(
            ReadValue(
                code=definition.code,
                year=year,
                state="number",
                number=number,
                printed=printed,
                location=location,
                language="en",
            )
        )
    return reading


def _year(statistics: etree._Element, paths: Sequence[str], report_year: int) -> tuple[int | None, str]:
    printed = [text_of(statistics.find(path)) for path in paths]
    if not any(printed):
        return None, "the file gives no year for this figure"
    if len(set(printed)) > 1:
        return None, "the survey years the file gives disagree: " + ", ".join(f"“{text}”" for text in printed)
    match = _YEAR.match(printed[0])
    if match is None:
        return None, f"the year “{printed[0]}” is not one year (a survey spanning two?): file it by hand"
    year = int(match.group(1))
    if not 1990 <= year <= report_year:
        return None, f"the year {year} is outside 1990–{report_year}"
    return year, ""


def _number(printed: str, maximum: int | None) -> tuple[Decimal | None, str]:
    if not _NUMBER.match(printed):
        return None, f"“{printed}” is not a number"
    try:
        number = Decimal(printed).quantize(CENT, rounding=ROUND_HALF_EVEN)
    except InvalidOperation:
        return None, f"“{printed}” is not a number"
    if maximum is not None and number > maximum:
        return None, f"{printed} is more than {maximum}, the most this figure can be"
    return number, ""
