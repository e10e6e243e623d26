"""What importing a report would do: read-only planning shared by the dry-run and the import.

`importing.services.report_import` parses the document, asks `plan_import` what to create, update and
link, and either returns the plan (dry-run) or carries it out in one transaction. Because
both paths share this plan, a dry-run shows exactly what the import then does.
"""

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from recommendations.catalog import matching
from recommendations.catalog.repeats import LaterRepeat, RepeatMatch, later_repeats, repeat_ancestry
from recommendations.choices import AREA_CODES, area_name
from recommendations.models import Recommendation, Source
from recommendations.tags.selectors import tag_codes_by_recommendation
from recommendations.tags.services import tag_codes

from .corrections import IMPORTED_FIELDS, Correction, hand_corrections
from .parsers import ParsedRecommendation, Problem

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


def default_slug(*, kind: str, report_year: int, country: str) -> str:
    return slugify(f"{kind}-{report_year}-{country}")


def provenance_of(record: ParsedRecommendation) -> dict[str, Any]:
    """Where a record was read, as `Recommendation.provenance` keeps it for one language."""
    where: dict[str, Any] = {}
    if record.table:
        where["table"] = record.table
    if record.pages:
        where["pages"] = [min(record.pages), max(record.pages)]
    if record.line:
        where["lines"] = [record.line, max(record.line, record.line_end)]
    if record.row:
        where["row"] = record.row
    if record.position_source:
        where["position_source"] = record.position_source
    return where


def _field_label(name: str) -> str:
    field = Recommendation._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


@dataclass
class ImportItem:
    record: ParsedRecommendation
    operation: str
    recommendation_id: int | None = None
    # field → (stored, from the document), for updates
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    repeats: RepeatMatch | None = None
    # The same recommendation in earlier report years, as (report year, recommendation id),
    # oldest first: the lineage this one joins through `repeats` (catalog.repeats).
    lineage: list[tuple[int, int]] = field(default_factory=list)
    # Recommendations of later reports, linked to nothing yet, that repeat this one: a report
    # imported after the next year's links them now (catalog.repeats.later_repeats).
    repeated_by: list[LaterRepeat] = field(default_factory=list)
    # Hand corrections the document would undo, field → (stored, document's, correction):
    # replaced only when the admin says so, else kept and listed.
    corrections: dict[str, tuple[Any, Any, Correction]] = field(default_factory=dict)
    corrections_replaced: bool = False
    # How `repeats` was decided (catalog.matching): the earlier rows the link was ahead of, or,
    # with no clear match, the candidates a person may choose from; `repeat_chosen` when a
    # person did.
    repeat_beaten: list[matching.Scored] = field(default_factory=list)
    repeat_candidates: list[matching.Scored] = field(default_factory=list)
    repeat_reason: str = ""
    repeat_chosen: bool = False
    repeats_language: str = ""  # the language the texts were compared in

    def area_label(self) -> str:
        return (area_name(self.record.area) if self.record.area in AREA_CODES else self.record.area) or "—"

    def operation_label(self) -> str:
        """What happens to the row, in words: the preview shows these, not the codes."""
        if self.operation == UNCHANGED and self.corrections and not self.corrections_replaced:
            return _("kept: corrected by hand")
        return {CREATE: _("created"), UPDATE: _("updated"), UNCHANGED: _("unchanged")}[self.operation]

    def shown_changes(self) -> list[tuple[str, Any, Any]]:
        """(label, before, after) of every field the import writes, for the preview."""
        return [
            (_field_label(name), before, after)
            for name, (before, after) in sorted(self.changes.items())
            if name != "provenance"
        ]

    def shown_corrections(self) -> list[tuple[str, Any, Any, Correction]]:
        return [
            (_field_label(name), stored, document, correction)
            for name, (stored, document, correction) in sorted(self.corrections.items())
        ]


@dataclass
class ImportReport:
    source_slug: str
    source_operation: str
    source_id: int | None
    tier: str
    sha256: str
    dry_run: bool
    items: list[ImportItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The document's language; when it translates a source already imported in another
    # language, that source's language: its recommendations get this text beside theirs.
    language: str = ""
    translates: str = ""
    # The indicator values the document states (indicators.importing.IndicatorPlan).
    indicators: Any = None

    def count(self, operation: str) -> int:
        return sum(1 for item in self.items if item.operation == operation)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def corrected(self) -> int:
        return sum(1 for item in self.items if item.corrections)

    @property
    def linked(self) -> int:
        return sum(1 for item in self.items if item.repeats is not None)

    @property
    def unclear(self) -> list[ImportItem]:
        """Rows whose years or text say they repeat an earlier one, with no clear match: their
        candidates are listed for a person to choose."""
        return [item for item in self.items if item.repeats is None and item.repeat_candidates]

    @property
    def linked_later(self) -> int:
        return sum(len(item.repeated_by) for item in self.items)

    @property
    def changes_anything(self) -> bool:
        return (
            self.source_operation != UNCHANGED
            or self.linked_later > 0
            or any(item.operation != UNCHANGED for item in self.items)
        )

    def describe(self, operation: str) -> str:
        if operation == UNCHANGED:
            return "unchanged"
        return f"would {operation}" if self.dry_run else f"{operation}d"

    def summary_lines(self) -> list[str]:
        """Human-readable lines for the command line and the admin preview."""
        lines = [f"source {self.source_slug}: {self.describe(self.source_operation)}"]
        if self.translates:
            lines[0] = (
                f"source {self.source_slug} ({self.translates}): the {self.language} text of the same report, "
                f"paired row by row with its recommendations ({self.describe(self.source_operation)})"
            )
        if self.tier:
            lines[0] += f" (tier: {self.tier})"
        for item in self.items:
            record = item.record
            years = f"{record.year_start}–{record.year_end}" if record.year_end != record.year_start else ""
            line = f"#{record.position} [{record.area or '-'}] {years or record.year_start}"
            if record.number:
                line += f" ¶{record.number}"
            where = provenance_of(record)
            if where.get("row"):
                line += f" (row {where['row']})"
            if where.get("pages"):
                first, last = where["pages"]
                line += f" (page {first})" if first == last else f" (pages {first}–{last})"
            line += ": " + self.describe(item.operation)
            if item.recommendation_id:
                line += f" recommendation {item.recommendation_id}"
            if self.translates:
                line += f" ← “{record.action[:60]}”"
            if item.changes:
                line += (
                    " ("
                    + "; ".join(
                        f"{name}: {_short(old)} → {_short(new)}"
                        for name, (old, new) in sorted(item.changes.items())
                        if name != "provenance"
                    )
                    + ")"
                )
            for name, (stored, document, correction) in sorted(item.corrections.items()):
                fate = "replaced" if item.corrections_replaced else "kept"
                line += (
                    f"; hand correction of {name} by {correction.username} ({correction.changed_at:%Y-%m-%d}) {fate}:"
                    f" {_short(stored)} (document: {_short(document)})"
                )
            if item.repeats:
                match = item.repeats
                line += (
                    f"; {'would link' if self.dry_run else 'linked'} to recommendation {match.recommendation_id}"
                    f" ({match.source_slug}, {match.report_year}), "
                    + ("chosen by hand" if item.repeat_chosen else f"similarity {match.similarity:.2f}")
                    + (f" in {item.repeats_language}" if item.repeats_language else "")
                )
                if item.repeat_beaten:
                    line += ", ahead of " + _scored_list(item.repeat_beaten)
                line += "; same recommendation in " + ", ".join(f"{year} #{pk}" for year, pk in item.lineage)
            elif item.repeat_candidates:
                line += (
                    f"; repeats an earlier recommendation ({item.repeat_reason}), not linked: candidates "
                    + _scored_list(item.repeat_candidates)
                    + " (choose one in the admin's preview or on the recommendation's page)"
                )
            for later in item.repeated_by:
                line += (
                    f"; repeated by recommendation {later.recommendation_id} ({later.source_slug}, "
                    f"{later.report_year}), score {later.similarity:.2f}: {'would link' if self.dry_run else 'linked'}"
                )
            lines.append(line)
        lines.append(
            f"would create {self.created}, update {self.updated}, link {self.linked}, unchanged {self.unchanged}"
            if self.dry_run
            else f"created {self.created}, updated {self.updated}, linked {self.linked}, unchanged {self.unchanged}"
        )
        if self.linked_later:
            lines[-1] += f", {'would link' if self.dry_run else 'linked'} {self.linked_later} of later reports"
        if self.indicators is not None:
            lines.extend(self.indicators.summary_lines())
        return lines


def _scored_list(scored: list[matching.Scored]) -> str:
    return ", ".join(
        f"recommendation {item.row.recommendation_id} (row {item.row.position}, {item.score:.2f}"
        + (f" in {item.language})" if item.language else ", no language in common)")
        for item in scored
    )


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def set_aside_corrections(report: ImportReport, *, slug: str, language: str, replace: bool) -> None:
    """Mark the updates that would undo a hand correction; unless `replace`, keep the
    correction (the field is not written) — never overwritten without the admin saying so."""
    updates = {
        item.recommendation_id: item for item in report.items if item.operation == UPDATE and item.recommendation_id
    }
    corrected = hand_corrections(list(updates), slug=slug, language=language)
    for recommendation_id, item in updates.items():
        for name, correction in corrected.get(recommendation_id, {}).items():
            if name not in item.changes:
                continue
            stored, document = item.changes[name]
            item.corrections[name] = (stored, document, correction)
            item.corrections_replaced = replace
            if not replace:
                del item.changes[name]
        if not item.changes and item.repeats is None:
            item.operation = UNCHANGED


def plan_import(
    *,
    records: list[ParsedRecommendation],
    problems: list[Problem],
    tier: str,
    sha256: str,
    slug: str,
    kind: str,
    country: str,
    report_year: int,
    dry_run: bool,
    language: str = "az",
    repeat_choices: dict[int, int] | None = None,
) -> tuple[ImportReport, Source | None]:
    """Compare parsed records with what is stored under the slug; find earlier repeats."""
    problems = list(problems)
    source = Source.objects.filter(slug=slug).first()
    report = ImportReport(
        source_slug=slug,
        source_operation=CREATE if source is None else UNCHANGED,
        source_id=source.pk if source else None,
        tier=tier,
        sha256=sha256,
        dry_run=dry_run,
        problems=problems,
        language=language,
    )
    stored: dict[int, Recommendation] = {}
    if source is not None:
        if source.document_sha256 == sha256:
            # The same document again: nothing it says has changed, and whatever staff did
            # since (progress, corrections, classification) stays as it is.
            ids = dict(source.recommendations.values_list("position", "pk"))
            report.items = [ImportItem(record, UNCHANGED, ids.get(record.position)) for record in records]
            return report, source
        report.source_operation = UPDATE
        stored = {rec.position: rec for rec in source.recommendations.all()}
    stored_tags = tag_codes_by_recommendation(rec.pk for rec in stored.values()) if stored else {}

    for record in records:
        existing = stored.get(record.position)
        if existing is None:
            report.items.append(ImportItem(record, CREATE))
            continue
        changes = {
            name: (getattr(existing, name), getattr(record, name))
            for name in IMPORTED_FIELDS
            if getattr(existing, name) != getattr(record, name)
        }
        if existing.provenance.get(language) != provenance_of(record):
            changes["provenance"] = (existing.provenance.get(language), provenance_of(record))
        if stored_tags.get(existing.pk, {}) != tag_codes(record.tags):
            changes["tags"] = (stored_tags.get(existing.pk, {}), tag_codes(record.tags))
        report.items.append(ImportItem(record, UPDATE if changes else UNCHANGED, existing.pk, changes))
    parsed_positions = {record.position for record in records}
    for position, existing in sorted(stored.items()):
        if position not in parsed_positions:
            problems.append(
                Problem(0, f"recommendation {existing.pk} (position {position}) is no longer in the document; kept.")
            )

    # Link only where nobody has decided yet: a `repeats` set before (by an import or an
    # admin) is never replaced, and the earlier row it names is no one else's.
    to_link = [
        item for item in report.items if item.operation == CREATE or stored[item.record.position].repeats_id is None
    ]
    if to_link:
        _link_repeats(
            to_link,
            taken=[rec.repeats_id for rec in stored.values() if rec.repeats_id],
            stored=stored,
            country=country,
            kind=kind,
            report_year=report_year,
            language=language,
            choices=repeat_choices or {},
        )
    later = later_repeats(
        country=country,
        kind=kind,
        report_year=report_year,
        language=language,
        records=[
            (item.record.position, item.record.area, item.record.year_start, item.record.action)
            for item in report.items
        ],
    )
    for item in report.items:
        item.repeated_by = later.get(item.record.position, [])
    return report, source


def _link_repeats(
    items: list[ImportItem],
    *,
    taken: list[int],
    stored: dict[int, Recommendation],
    country: str,
    kind: str,
    report_year: int,
    language: str,
    choices: dict[int, int],
) -> None:
    """Each item's earlier repeat (catalog.matching), or the candidates when none is clear;
    `choices` (position → recommendation id) are a person's picks among those candidates."""
    earlier_year, earlier = matching.earlier_rows(country=country, kind=kind, report_year=report_year)
    rows = []
    for item in items:
        texts = {language: item.record.action}
        existing = stored.get(item.record.position)
        if existing is not None:
            texts = {**existing.action_translations, **texts}
        rows.append(matching.NewRow(item.record.position, item.record.area, item.record.year_start, texts))
    verdicts = matching.match_rows(
        rows, earlier, earlier_year=earlier_year, with_years=kind in matching.KINDS_WITH_YEARS, taken=taken
    )
    by_position = {item.record.position: item for item in items}
    unknown = sorted(set(choices) - set(by_position))
    if unknown:
        raise ValidationError({"repeats": _("No row to link at positions %(positions)s.") % {"positions": unknown}})
    for item in items:
        verdict = verdicts[item.record.position]
        item.repeat_reason = verdict.reason
        chosen = choices.get(item.record.position)
        if chosen is not None:
            offered = {scored.row.recommendation_id: scored for scored in verdict.candidates}
            if verdict.link is not None or chosen not in offered:
                raise ValidationError(
                    {
                        "repeats": _(
                            "Row %(position)d: recommendation %(id)d is not among the candidates listed for it."
                        )
                        % {"position": item.record.position, "id": chosen}
                    }
                )
            verdict.link, item.repeat_chosen = offered[chosen], True
        if verdict.link is None:
            item.repeat_candidates = verdict.candidates
            continue
        row = verdict.link.row
        item.repeats = RepeatMatch(row.recommendation_id, row.source_slug, row.report_year, verdict.link.score)
        item.repeat_beaten = verdict.beaten
        item.repeats_language = verdict.link.language
        item.lineage = [(earlier.source.report_year, earlier.pk) for earlier in repeat_ancestry(row.recommendation_id)]
        if item.operation == UNCHANGED:
            item.operation = UPDATE


def with_areas(records: list[ParsedRecommendation], areas: list[str | None]) -> list[ParsedRecommendation]:
    """Records with the areas someone assigned (the TIP report does not tag its items)."""
    return [dataclasses.replace(record, area=area) for record, area in zip(records, areas, strict=True)]
