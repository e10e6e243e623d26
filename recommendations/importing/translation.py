"""Planning the import of a report already here in another language: its rows are paired with
the original's, row by row, and its text added beside theirs (`services.report_import`)."""

from typing import Any

from recommendations.models import Source

from .parsers import DocumentRejected, ParsedRecommendation, Problem
from .plan import UNCHANGED, UPDATE, ImportItem, ImportReport, provenance_of


def plan_translation(
    *,
    records: list[ParsedRecommendation],
    problems: list[Problem],
    sha256: str,
    original: Source,
    language: str,
    dry_run: bool,
) -> ImportReport:
    """The same report in another language: pair its rows with the original's, row by row.

    Refused (DocumentRejected) unless the table has the same shape — as many rows, and the
    same area and years in each — so a translation can never land on the wrong row.
    """
    report = ImportReport(
        source_slug=original.slug,
        source_operation=UPDATE,
        source_id=original.pk,
        tier="",
        sha256=sha256,
        dry_run=dry_run,
        problems=list(problems),
        language=language,
        translates=original.language,
    )
    stored = list(original.recommendations.order_by("position"))
    differences = []
    if len(stored) != len(records):
        differences.append(
            f"the {original.language} source {original.slug} has {len(stored)} recommendations, "
            f"this document {len(records)}"
        )
    for existing, record in zip(stored, records, strict=False):
        ours = (existing.area, existing.year_start, existing.year_end)
        theirs = (record.area, record.year_start, record.year_end)
        if ours != theirs:
            differences.append(
                f"row {record.position}: {original.slug} has {ours[0] or '-'} {ours[1]}–{ours[2]}, "
                f"this document {theirs[0] or '-'} {theirs[1]}–{theirs[2]}"
            )
    if differences:
        raise DocumentRejected(
            [
                f"This document is the {language} text of {original.slug} ({original.language}), but its table "
                "does not have the same shape, so its rows cannot be paired:",
                *differences[:20],
            ]
        )
    known = original.translations.get(language, {})
    if known.get("sha256") == sha256:
        report.source_operation = UNCHANGED
        report.items = [
            ImportItem(record, UNCHANGED, existing.pk) for existing, record in zip(stored, records, strict=True)
        ]
        return report
    for existing, record in zip(stored, records, strict=True):
        changes: dict[str, tuple[Any, Any]] = {}
        if existing.action_translations.get(language) != record.action:
            changes["action_translations"] = (existing.action_translations.get(language), record.action)
        if existing.provenance.get(language) != provenance_of(record):
            changes["provenance"] = (existing.provenance.get(language), provenance_of(record))
        report.items.append(ImportItem(record, UPDATE if changes else UNCHANGED, existing.pk, changes))
    return report
