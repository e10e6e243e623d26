"""Importing a report already here in another language: its rows are paired with the
original's, row by row, and its text added beside theirs (`services.report_import` finds the
original and hands the document here)."""

from typing import Any

from django.db import transaction

from recommendations.catalog.services import recommendation_import_update, source_translation_add
from recommendations.history.services import Actor
from recommendations.indicators.importing import indicators_plan, indicators_store
from recommendations.models import Recommendation, Source

from .corrections import translation_message
from .parsers import DocumentRejected, ParsedRecommendation, ParseResult, Problem
from .plan import UNCHANGED, UPDATE, ImportItem, ImportReport, provenance_of, set_aside_corrections
from .storing import store_indicators_only, store_source_document


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


def original_in_another_language(
    *, slug: str, kind: str, country: str, report_year: int, language: str
) -> Source | None:
    """The source this document translates: the same report (kind, country, year) already
    imported in another language — unless the slug names a source in this language."""
    same = Source.objects.filter(slug=slug).first()
    if same is not None and same.language == language:
        return None
    if same is not None and (same.kind, str(same.country), same.report_year) == (kind, country, report_year):
        return same
    return (
        Source.objects.filter(kind=kind, country=country, report_year=report_year)
        .exclude(language=language)
        .order_by("pk")
        .first()
    )


def translation_import(
    *,
    original: Source,
    records,
    parsed: ParseResult,
    sha256: str,
    language: str,
    document_name: str,
    data: bytes,
    dry_run: bool,
    replace_corrections: bool,
    user: Actor,
) -> ImportReport:
    """Add the document's text beside the original's, row by row, in one transaction (unless a
    dry run or nothing changes), as `services.report_import` writes a report of its own."""
    report = plan_translation(
        records=records, problems=parsed.problems, sha256=sha256, original=original, language=language, dry_run=dry_run
    )
    set_aside_corrections(report, slug=original.slug, language=language, replace=replace_corrections)
    report.indicators = indicators_plan(
        data=data,
        kind=original.kind,
        language=language,
        report_year=original.report_year,
        source_slug=original.slug,
        dry_run=dry_run,
    )
    if dry_run or not report.changes_anything:
        return store_indicators_only(report, original, user)
    message = translation_message(slug=original.slug, language=language)
    with transaction.atomic():
        source_translation_add(
            source=original, language=language, document_name=document_name, sha256=sha256, user=user
        )
        for item in report.items:
            if item.operation != UPDATE:
                continue
            recommendation_id = item.recommendation_id
            assert recommendation_id is not None  # every row is paired with a stored recommendation
            stored = Recommendation.objects.only("action_translations", "provenance").get(pk=recommendation_id)
            # A hand correction of this language's text, unless replaced, is not in the changes.
            text = {"action_translations": {**stored.action_translations, language: item.record.action}}
            recommendation_import_update(
                recommendation_id=recommendation_id,
                data=text if "action_translations" in item.changes else {},
                provenance={**stored.provenance, language: provenance_of(item.record)},
                user=user,
                note=message,
            )
        indicators_store(plan=report.indicators, source=original, user=user)
        transaction.on_commit(lambda: store_source_document(document_name, data))
    return report
