"""Which reader reads which document: a report's bytes (PDF or text) and kind in, a Reading out."""

from recommendations.choices import SourceKind
from recommendations.importing.extract import is_pdf, layout_pages, lines_of, pdf_pages
from recommendations.importing.parsers.base import normalize_text
from recommendations.importing.parsers.dol_xml import is_country_element

from ..vocabulary import of_kind, reporting_year
from . import Reading
from .dol import read_dol_tables
from .dol_statistics import read_statistics
from .tip import read_tip


def read_document(*, data: bytes, kind: str, language: str, report_year: int) -> Reading:
    """The indicator values a report states, and its unread figures. The document has been
    accepted by the recommendation parser already (size, encoding), so it is read as is."""
    definitions = of_kind(kind)
    if not definitions:
        return Reading()
    if is_country_element(data):
        return read_statistics(data, definitions=definitions, report_year=report_year)
    definitions = tuple(definition for definition in definitions if not definition.element)
    pdf = is_pdf(data)
    text = "" if pdf else normalize_text(data.decode("utf-8-sig", errors="replace"))
    if kind == SourceKind.DOL:
        pages = pdf_pages(data) if pdf else layout_pages(text)
        return read_dol_tables(pages, definitions=definitions, language=language)
    if pdf:
        lines = [
            (line.text, {"page": page.number})
            for page in pdf_pages(data)
            for line in lines_of(page.words, page.number, 0.15 * page.pitch)
        ]
    else:
        lines = [(line, {"line": number}) for number, line in enumerate(text.splitlines(), start=1)]
    return read_tip(lines, language=language, reporting_year=reporting_year(kind, report_year), definitions=definitions)
