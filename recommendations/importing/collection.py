"""A file of many countries' findings (DOL's data file for its app), imported whole: each
country's chapter is imported as one chapter's document is (`services.chapter_import`), in
its own transaction, so a country the reader refuses stops no other. The dry run plans every
country and writes nothing; a summary names each country's rows, level, repeats and refusal.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from recommendations.history.services import Actor

from .formats import ReportFormat
from .plan import ImportReport
from .services import chapter_import, data_file_read

# Called as progress(countries_done, countries_total, country_code).
CountryProgress = Callable[[int, int, str], None]


@dataclass
class ChapterOutcome:
    country: str
    name: str
    path: str
    level: str
    actions: int
    report: ImportReport | None = None
    refusal: list[str] = field(default_factory=list)

    def summary_line(self) -> str:
        head = f"{self.country} {self.name} ({self.path})"
        if self.report is None:
            return f"{head}: refused: " + "; ".join(self.refusal)
        report = self.report
        verb = "would create" if report.dry_run else "created"
        line = (
            f"{head}: source {report.source_slug} {report.describe(report.source_operation)}; "
            f"level: {self.level or '–'}; {self.actions} actions: {verb} {report.created}, "
            f"{'would update' if report.dry_run else 'updated'} {report.updated}, unchanged {report.unchanged}; "
            f"{'would link' if report.dry_run else 'linked'} {report.linked} to earlier reports, "
            f"{report.linked_later} of later reports"
        )
        warnings = [problem for problem in report.problems if not problem.fatal]
        if warnings:
            line += f"; {len(warnings)} notes"
        if report.indicators is not None:
            plan = report.indicators
            line += f"; indicator values {len(plan.reading.values)}, unread figures {len(plan.reading.unread)}"
        return line


@dataclass
class DataFileReport:
    year: int
    dry_run: bool
    outcomes: list[ChapterOutcome] = field(default_factory=list)

    @property
    def refused(self) -> list[ChapterOutcome]:
        return [outcome for outcome in self.outcomes if outcome.report is None]

    @property
    def changes_anything(self) -> bool:
        return any(outcome.report.changes_anything for outcome in self.outcomes if outcome.report is not None)

    def summary_lines(self) -> list[str]:
        lines = [outcome.summary_line() for outcome in self.outcomes]
        imported = [outcome.report for outcome in self.outcomes if outcome.report is not None]
        lines.append(
            f"{self.year} findings: {len(self.outcomes)} countries, {len(self.refused)} refused; "
            f"actions {sum(outcome.actions for outcome in self.outcomes)}; "
            f"{'would create' if self.dry_run else 'created'} {sum(report.created for report in imported)}, "
            f"{'would link' if self.dry_run else 'linked'} {sum(report.linked for report in imported)} to earlier "
            f"and {sum(report.linked_later for report in imported)} of later reports"
        )
        return lines


def data_file_import(
    *,
    report_format: ReportFormat,
    data: bytes,
    report_year: int | None = None,
    countries: set[str] | None = None,
    dry_run: bool = False,
    replace_corrections: bool = False,
    max_bytes: int,
    user: Actor = None,
    progress: CountryProgress | None = None,
) -> DataFileReport:
    """Import every country's chapter of the file (or those of `countries`). Raises
    DocumentRejected only for a file that is not one (too large, not XML, not DOL's, no year);
    a country's refusal is its outcome's."""
    data_file = data_file_read(report_format, data, report_year=report_year, max_bytes=max_bytes)
    chapters = [chapter for chapter in data_file.chapters if countries is None or chapter.country in countries]
    report = DataFileReport(year=data_file.year, dry_run=dry_run)
    for done, chapter in enumerate(chapters, start=1):
        outcome = ChapterOutcome(
            country=chapter.country,
            name=chapter.name,
            path=chapter.path,
            level=chapter.level,
            actions=len(chapter.result.records),
        )
        try:
            outcome.report = chapter_import(
                chapter,
                report_year=data_file.year,
                dry_run=dry_run,
                replace_corrections=replace_corrections,
                user=user,
            )
        except ValidationError as exc:
            outcome.refusal = exc.messages
        report.outcomes.append(outcome)
        if progress:
            progress(done, len(chapters), chapter.country)
    return report
