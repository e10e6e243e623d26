"""The report formats the tracker can import, declared once.

The command line's `--kind` choices, the admin import form's choices, default titles and
publishers and the areas a format's rows may carry all come from FORMATS.
"""

from collections.abc import Callable
from dataclasses import dataclass

from recommendations.choices import AREAS, SourceKind

from .parsers import ParseResult, dol, tip, upr

Parser = Callable[..., ParseResult]


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

    @property
    def label(self) -> str:
        return str(SourceKind(self.kind).label)

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(area.code for area in AREAS if area.kind == self.kind)

    def default_title(self, *, year: int, country_name: str) -> str:
        return self.title.format(year=year, country=country_name)


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
}


def format_choices() -> list[tuple[str, str]]:
    """(kind, label) for every importable format, for forms and the command line."""
    return [(kind, report_format.label) for kind, report_format in FORMATS.items()]
