"""The report formats the tracker can import, declared once.

The command line's `--kind` choices, the admin import form's choices, default titles and
publishers and the areas a format's rows may carry all come from FORMATS.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from recommendations.choices import AREAS, SourceKind

from .parsers import DocumentRejected, ParseResult, dol, dol_xml, tip, upr

Parser = Callable[..., ParseResult]


def _not_a_chapter(*args, **kwargs) -> ParseResult:
    raise DocumentRejected("This format is DOL's data file (XML), not a chapter's PDF or text.")


@dataclass(frozen=True)
class ReportFormat:
    kind: str
    parser: Parser
    publisher: str
    # str.format() with `year` and `country` (the country's English name).
    title: str
    # Whether the parser reads the areas from the document; else they are assigned (or none).
    reads_areas: bool
    # The same, from the report's PDF (bytes in, records with their pages out).
    pdf_parser: Parser
    default_language: str = "az"
    # The same, from a Word document (bytes in); None where the report is not published so.
    docx_parser: Parser | None = None
    # A file of many countries' findings (bytes in, a chapter per country out), read instead
    # of `parser` and `pdf_parser`; its key in FORMATS is not a kind of report then.
    data_file: Callable[..., dol_xml.DataFile] | None = None
    name: "str | Promise" = ""

    @property
    def label(self) -> str:
        return str(self.name) if self.name else str(SourceKind(self.kind).label)

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(area.code for area in AREAS if area.kind == self.kind)

    def default_title(self, *, year: int, country: str) -> str:
        """The report's own title, as published (in English), whichever language the admin's
        interface is in: a title that followed the interface read "…: Azərbaycan" in one
        import and "…: Azerbaijan" in another, and a search for either missed half."""
        with translation.override("en"):
            return self.title.format(year=year, country=str(countries.name(country) or country))


FORMATS: dict[str, ReportFormat] = {
    SourceKind.DOL: ReportFormat(
        kind=SourceKind.DOL,
        parser=dol.parse,
        pdf_parser=dol.parse_pdf,
        publisher="U.S. Department of Labor, Bureau of International Labor Affairs",
        title="{year} Findings on the Worst Forms of Child Labor: {country}",
        reads_areas=True,
    ),
    SourceKind.TIP: ReportFormat(
        kind=SourceKind.TIP,
        parser=tip.parse,
        pdf_parser=tip.parse_pdf,
        publisher="U.S. Department of State, Office to Monitor and Combat Trafficking in Persons",
        title="{year} Trafficking in Persons Report: {country}",
        reads_areas=False,
    ),
    SourceKind.UPR: ReportFormat(
        kind=SourceKind.UPR,
        parser=upr.parse_text,
        pdf_parser=upr.parse_pdf,
        docx_parser=upr.parse_docx,
        publisher="United Nations, Office of the High Commissioner for Human Rights",
        title="Universal Periodic Review of {country} ({year}): thematic list of recommendations",
        reads_areas=True,
        default_language="en",
    ),
    # The Department's machine-readable findings for its app: every country's chapter at once.
    "dol-xml": ReportFormat(
        kind=SourceKind.DOL,
        parser=_not_a_chapter,
        pdf_parser=_not_a_chapter,
        publisher="U.S. Department of Labor, Bureau of International Labor Affairs",
        title="{year} Findings on the Worst Forms of Child Labor: {country}",
        reads_areas=True,
        default_language="en",
        data_file=dol_xml.read_file,
        name=_("US DOL findings, the Department's data file (XML, every country)"),
    ),
}


def format_choices() -> list[tuple[str, str]]:
    """(kind, label) for every importable format, for forms and the command line."""
    return [(kind, report_format.label) for kind, report_format in FORMATS.items()]
