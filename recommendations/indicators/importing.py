"""Indicators in the import's dry run and confirm (`importing.services.report_import` calls
these two functions): what the document states, compared with what its source holds, and
stored in the import's transaction."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from recommendations.history.services import Actor
from recommendations.models import Source

from .models import Indicator, IndicatorValue
from .readers import Reading, ReadValue
from .readers.document import read_document
from .services import indicator_values_store_read

CREATE, UPDATE, UNCHANGED, KEPT = "create", "update", "unchanged", "kept"


@dataclass
class IndicatorPlan:
    reading: Reading
    dry_run: bool
    # One operation per read value, in reading order.
    operations: list[str] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return any(operation in (CREATE, UPDATE) for operation in self.operations)

    def summary_lines(self) -> list[str]:
        verb = (
            {CREATE: "would create", UPDATE: "would update"} if self.dry_run else {CREATE: "created", UPDATE: "updated"}
        )
        lines = []
        for value, operation in zip(self.reading.values, self.operations, strict=True):
            shown = value.as_json()
            amount = shown["number"] if value.state == "number" else value.state
            if value.currency:
                amount = f"{amount} {value.currency}"
            what = verb.get(operation, "kept (corrected by staff)" if operation == KEPT else operation)
            lines.append(f"indicator {value.code} {value.year}: {amount} ({_where(value.location)}): {what}")
        for figure in self.reading.unread:
            lines.append(f"unread figure “{figure.printed}” ({_where(figure.location)}): {figure.reason}")
        counts = {operation: self.operations.count(operation) for operation in (CREATE, UPDATE, UNCHANGED, KEPT)}
        lines.append(
            f"indicator values: {verb[CREATE]} {counts[CREATE]}, {verb[UPDATE]} {counts[UPDATE]}, "
            f"unchanged {counts[UNCHANGED]}, kept as corrected {counts[KEPT]}; "
            f"unread figures {len(self.reading.unread)}"
        )
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "values": [
                {**value.as_json(), "operation": operation}
                for value, operation in zip(self.reading.values, self.operations, strict=True)
            ],
            "unread": [figure.as_json() for figure in self.reading.unread],
        }


def _where(location: dict[str, Any]) -> str:
    parts = []
    if location.get("element"):
        parts.append(location["element"] + (f" (ages {location['age_range']})" if location.get("age_range") else ""))
    if location.get("table"):
        parts.append(f"{location['table']}, {location.get('row', '')}, {location.get('column', '')}")
    if location.get("page"):
        parts.append(f"page {location['page']}")
    if location.get("pages"):
        first, last = location["pages"]
        parts.append(f"page {first}" if first == last else f"pages {first}–{last}")
    if location.get("lines"):
        first, last = location["lines"]
        parts.append(f"line {first}" if first == last else f"lines {first}–{last}")
    return "; ".join(parts)


def indicators_plan(
    *, data: bytes, kind: str, language: str, report_year: int, source_slug: str, dry_run: bool
) -> IndicatorPlan:
    reading = read_document(data=data, kind=kind, language=language, report_year=report_year)
    plan = IndicatorPlan(reading=reading, dry_run=dry_run)
    stored = {
        (row.indicator.code, row.year): row
        for row in IndicatorValue.objects.filter(source__slug=source_slug).select_related("indicator")
    }
    for value in reading.values:
        row = stored.get((value.code, value.year))
        plan.operations.append(_operation(row, value))
    return plan


def _operation(row: IndicatorValue | None, value: ReadValue) -> str:
    if row is None:
        return CREATE
    read = value.as_json()
    if row.as_read == {name: read[name] for name in ("state", "number", "currency", "converted_usd")}:
        return UNCHANGED
    return KEPT if row.corrected else UPDATE


def indicators_store(*, plan: IndicatorPlan, source: Source, user: Actor) -> None:
    """Carry out the plan inside the caller's transaction (the import's)."""
    indicators = {row.code: row for row in Indicator.objects.all()}
    plan.operations = indicator_values_store_read(
        source=source,
        values=[(indicators[value.code], value) for value in plan.reading.values],
        user=user,
        message=_("Read from %(slug)s") % {"slug": source.slug},
    )
