"""DOL's machine-readable findings: the file the Department publishes for its app
(`countries_for_app.xml`: one `Country` element per country, each with its advancement level,
statistics and `Suggested_Actions` grouped by area, every `Action` a `Name` and its `Years`).

Read exactly from the elements, never from positions or wording: a country is its `ISO2`, an
area its element's name (mapped to the area codes the chapters' tables use), an action its
`Name`, its years its `Years` cell read as a chapter's "Year(s) Suggested" cell is. The file
states its findings year only in the descriptions ("In 2014, Azerbaijan made …"): all that
state one must agree. Whatever cannot be read with certainty — an area element not known,
an action without its name or years — is a fatal problem of that country: its chapter is
refused, the others are not.

Parsed safely (lxml): no DTD, no entities, no network, no huge text nodes, and no more
elements than MAX_ELEMENTS, so a hostile file fails with a reason instead of filling memory.
"""

import re
from dataclasses import dataclass, field

from django_countries import countries
from lxml import etree  # type: ignore[import-untyped]

from recommendations.choices import SourceKind

from . import years as year_cells
from .base import (
    DocumentRejected,
    ParsedRecommendation,
    ParseResult,
    Problem,
    area_labels,
    join_whitespace,
    label_words,
    normalize_text,
)
from .dol_extent import ALIASES

ROOT, COUNTRY = "Countries", "Country"
# The app's data for 2014 has about 13,000 elements; a file with ten times more is not it.
MAX_ELEMENTS = 200_000
# Area elements as the file names them: the chapters' own labels ("Legal_Framework" is
# "Legal Framework"), and the shorter names some countries' entries use.
XML_ALIASES: dict[str, tuple[str, ...]] = {
    "legal_framework": ALIASES.get("legal_framework", ()),
    "government_policies": ("Policies",),
}
AREA_ELEMENTS = area_labels(SourceKind.DOL, XML_ALIASES)
# Codes the file gives in `ISO2` that ISO 3166-1 does not (its own, or retired ones), each
# taken only for the country the entry's `Name` says: any other pairing is refused.
# Every other entry's ISO2 and ISO3 must be the same country's ISO 3166-1 codes.
FILE_CODES: dict[tuple[str, str, str], str] = {
    ("BU", "BUR", "Burma"): "MM",
    ("KS", "KSO", "Kosovo"): "XK",  # user-assigned, as the EU and the World Bank use it (settings)
    ("KV", "KVR", "Kyrgyz Republic"): "KG",
    ("WB", "WBG", "West Bank and the Gaza Strip"): "PS",
}
_FINDINGS_YEAR = re.compile(r"^\s*In (\d{4}),")
# A run of hyphens printed for a dash ("2012 -- 2014").
_DASH_RUN = re.compile(r"(?<=\d)\s*-{2,}\s*(?=\d)")


@dataclass
class CountryChapter:
    """One country's findings in the file, parsed as a chapter is."""

    country: str
    name: str
    # The advancement level as the file states it ("Moderate Advancement"); empty if none.
    level: str
    result: ParseResult
    # The country's element, serialised: the document its source keeps.
    document: bytes
    # Where it is in the file: "/Countries/Country[12]".
    path: str
    findings_year: int | None = None


@dataclass
class DataFile:
    year: int
    chapters: list[CountryChapter] = field(default_factory=list)


def is_dol_xml(data: bytes) -> bool:
    """Whether the bytes are the app's file: XML whose root element is `Countries`."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    return re.match(rb"(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<Countries[\s>]", head, re.DOTALL) is not None


def is_country_element(data: bytes) -> bool:
    """Whether the bytes are one country's element of the file (what its source keeps)."""
    return data[:16].lstrip().startswith(b"<Country>")


def _safe_parse(data: bytes) -> etree._Element:
    if re.search(rb"<!DOCTYPE|<!ENTITY", data[:65536], re.IGNORECASE):
        raise DocumentRejected("The XML declares a DTD or entities; such a document is not read.")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise DocumentRejected(f"Not DOL's data file: the XML is not well formed ({exc}).") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise DocumentRejected("The XML declares a DTD or entities; such a document is not read.")
    for count, element in enumerate(root.iter(), start=1):
        if not isinstance(element.tag, str):
            raise DocumentRejected("The XML holds an entity reference; such a document is not read.")
        if count > MAX_ELEMENTS:
            raise DocumentRejected(f"The XML holds more than {MAX_ELEMENTS:,} elements; it is not DOL's data file.")
    return root


def parse_tree(data: bytes) -> etree._Element:
    """The root element, or DocumentRejected naming why the XML is not safe, not well formed
    or not the file."""
    root = _safe_parse(data)
    if root.tag != ROOT:
        raise DocumentRejected(f"Not DOL's data file: the XML's root element is <{root.tag}>, not <{ROOT}>.")
    return root


def parse_element(data: bytes) -> etree._Element:
    """One country's element, as its source keeps it (`CountryChapter.document`)."""
    element = _safe_parse(data)
    if element.tag != COUNTRY:
        raise DocumentRejected(f"Not a country of DOL's data file: <{element.tag}>.")
    return element


def text_of(element: etree._Element | None) -> str:
    """An element's text as the importer keeps text: NFC, whitespace runs as one space."""
    if element is None:
        return ""
    return join_whitespace(normalize_text("".join(element.itertext())))


def _years_cell(text: str) -> str:
    cell = _DASH_RUN.sub(" – ", text)
    # The same cell printed twice ("2009 – 2014 2009 – 2014"): both copies say the same.
    half = len(cell) // 2
    if len(cell) % 2 == 1 and cell[half] == " " and cell[:half] == cell[half + 1 :] and year_cells.is_cell(cell[:half]):
        return cell[:half]
    return cell


def read_country(element: etree._Element, *, path: str, report_year: int | None) -> CountryChapter:
    """One `Country` element: its actions in document order, as a chapter's table rows."""
    result = ParseResult()
    name = text_of(element.find("Name"))
    printed_code, alpha3 = text_of(element.find("ISO2")).upper(), text_of(element.find("ISO3")).upper()
    country = FILE_CODES.get((printed_code, alpha3, name), printed_code)
    level = text_of(element.find("Advancement_Level"))
    result.tier, result.country_name = level, name
    match = _FINDINGS_YEAR.match(text_of(element.find("Description")))
    chapter = CountryChapter(
        country=country,
        name=name,
        level=level,
        result=result,
        document=etree.tostring(element, encoding="utf-8"),
        path=path,
        findings_year=int(match.group(1)) if match else None,
    )

    def problem(where: str, message: str, *, fatal: bool = False) -> None:
        result.problems.append(Problem(0, f"{where}: {message}", fatal=fatal))

    if country not in dict(countries):
        problem(f"{path}/ISO2", f"“{printed_code}” ({name}) is not a country code the tracker knows.", fatal=True)
    elif country != printed_code:
        problem(f"{path}/ISO2", f"the file's code “{printed_code}” for {name} is {country} in ISO 3166-1.")
    elif countries.alpha3(country) != alpha3:
        problem(f"{path}/ISO3", f"“{alpha3}” is not the ISO3 code of {country} ({name}).", fatal=True)
    sections = element.findall("Suggested_Actions")
    if len(sections) > 1:
        problem(f"{path}/Suggested_Actions", "the country has more than one list of suggested actions.", fatal=True)
    for section in sections:
        for area_element in section:
            area_path = f"{path}/Suggested_Actions/{area_element.tag}"
            area = AREA_ELEMENTS.get(label_words(area_element.tag.replace("_", " ")))
            if area is None:
                problem(area_path, f"<{area_element.tag}> is not an area of the DOL table.", fatal=True)
            for action_index, action in enumerate(area_element, start=1):
                where = f"{area_path}/Action[{action_index}]"
                if action.tag != "Action":
                    problem(where, f"<{action.tag}> where an <Action> was expected.", fatal=True)
                    continue
                _read_action(action, where=where, area=area, report_year=report_year, result=result)
    return chapter


def _read_action(
    action: etree._Element, *, where: str, area: str | None, report_year: int | None, result: ParseResult
) -> None:
    text = text_of(action.find("Name"))
    years_text = _years_cell(text_of(action.find("Years")))
    if not text:
        result.problems.append(Problem(0, f"{where}/Name: the action has no text.", fatal=True))
        return
    if years_text != text_of(action.find("Years")):
        result.problems.append(Problem(0, f"{where}/Years: “{text_of(action.find('Years'))}” read as “{years_text}”."))
    span, message, fatal = year_cells.check(years_text, report_year)
    if message:
        result.problems.append(Problem(0, f"{where}/Years: {message}", fatal=fatal))
    if span is None:
        return
    records = result.records
    records.append(
        ParsedRecommendation(
            area=area,
            action=text,
            year_start=span[0],
            year_end=span[1],
            priority=False,
            position=len(records) + 1,
            line=0,
            table=where,
        )
    )


def read_file(data: bytes, *, year: int | None = None) -> DataFile:
    """Every country of the file. `year`, if given, must be the findings year the file states."""
    root = parse_tree(data)
    countries = [element for element in root if element.tag == COUNTRY]
    if not countries:
        raise DocumentRejected(f"The XML has no <{COUNTRY}> element: not DOL's data file.")
    stated = set()
    for element in countries:
        match = _FINDINGS_YEAR.match(text_of(element.find("Description")))
        if match:
            stated.add(int(match.group(1)))
    if len(stated) > 1:
        raise DocumentRejected(f"The descriptions state different findings years: {sorted(stated)}.")
    if not stated and year is None:
        raise DocumentRejected("The file states no findings year (“In 2014, …”); give the report's year.")
    found = stated.pop() if stated else year
    assert found is not None
    if year is not None and year != found:
        raise DocumentRejected(f"The file's findings are of {found}, not {year}.")
    data_file = DataFile(year=found)
    seen: dict[str, str] = {}
    for index, element in enumerate(countries, start=1):
        chapter = read_country(element, path=f"/{ROOT}/{COUNTRY}[{index}]", report_year=found)
        if chapter.country in seen:
            chapter.result.problems.append(
                Problem(0, f"{chapter.path}: {chapter.country} is also {seen[chapter.country]}.", fatal=True)
            )
        seen.setdefault(chapter.country, chapter.path)
        data_file.chapters.append(chapter)
    return data_file
