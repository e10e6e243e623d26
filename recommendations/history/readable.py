"""History rows as people read them: one line per changed field, its label translated and
its values named (a status's label, an area's name, a responsible body's name), never raw
JSON. The history page, the stale-page notice and the admin's change records share it."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from recommendations.catalog.provenance import provenance_text
from recommendations.choices import AREA_CODES, EvidenceKind, ReviewState, Role, SourceKind, Status, area_name
from recommendations.indicators.models import Indicator
from recommendations.measures.models import Measure, MeasureKind, MeasureLink
from recommendations.models import ChangeRecord, Evidence, Recommendation, ResponsibleBody, Source, TagSuggestion


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


def _area(code):
    return area_name(code) if code in AREA_CODES else str(code)


def _evidence(value) -> str:
    if not value:
        return "—"
    kind = dict(EvidenceKind.choices).get(value.get("kind"), value.get("kind", ""))
    return f"{value.get('title', '')} ({kind})"


def _date(value) -> str:
    parsed = parse_datetime(value) if isinstance(value, str) and "T" in value else None
    if parsed is not None:
        aware = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, datetime.UTC)
        local = timezone.localtime(aware)
        if local.time() == datetime.time.min:
            # The start of a day: a status that holds from the day progress happened, recorded
            # on another day (progress/timeline.py); "0:00" would claim a time nobody gave.
            return formats.date_format(local.date(), "DATE_FORMAT")
        return formats.date_format(local, "DATETIME_FORMAT")
    day = parse_date(value) if isinstance(value, str) else value
    if isinstance(day, datetime.date):
        return formats.date_format(day, "DATE_FORMAT")
    return str(value)


SPECIAL_LABELS = {
    "evidence_added": lambda: _("Evidence added"),
    "evidence_removed": lambda: _("Evidence removed"),
    "measure_answering": lambda: _("Measure answering it"),
    "document_sha256": lambda: _("document sha256"),
    "role": lambda: _("Role"),
}


class _Names:
    """Names for the ids a batch of history rows mentions, fetched in one query per kind."""

    def __init__(self, records: Iterable[ChangeRecord]) -> None:
        bodies: set[int] = set()
        indicators: set[int] = set()
        sources: set[int] = set()
        recommendations: set[int] = set()
        measures: set[int] = set()
        for record in records:
            for values in (record.before or {}, record.after or {}):
                if isinstance(values.get("measure"), int):
                    measures.add(values["measure"])
                bodies.update(values.get("responsible_bodies") or [])
                indicators.update(values.get("indicators") or [])
                if isinstance(values.get("source"), int):
                    sources.add(values["source"])
                if isinstance(values.get("repeats"), int):
                    recommendations.add(values["repeats"])
        self.bodies = {body.pk: str(body) for body in ResponsibleBody.objects.filter(pk__in=bodies)}
        self.indicators = {indicator.pk: indicator.name for indicator in Indicator.objects.filter(pk__in=indicators)}
        self.sources = {source.pk: str(source) for source in Source.objects.filter(pk__in=sources)}
        self.recommendations = set(Recommendation.objects.filter(pk__in=recommendations).values_list("pk", flat=True))
        self.measures = {measure.pk: measure.title for measure in Measure.objects.filter(pk__in=measures)}


def _label(model, field: str) -> str:
    if field in SPECIAL_LABELS:
        return SPECIAL_LABELS[field]()
    try:
        return str(model._meta.get_field(field).verbose_name).capitalize() if model else field
    except FieldDoesNotExist:
        return field


def _value(field: str, value, names: _Names, model=None) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if field in ("status", "status_after"):
        return str(dict(Status.choices).get(value, value))
    if field == "role":
        return str(dict(Role.choices).get(value, value))
    if field == "review_state":
        return str(dict(ReviewState.choices).get(value, value))
    if field == "state":  # a suggested tag's: suggested → accepted or rejected
        return str(dict(TagSuggestion.State.choices).get(value, value))
    if field == "kind":
        kinds = MeasureKind if model is Measure else EvidenceKind if model is Evidence else SourceKind
        return str(dict(kinds.choices).get(value, value))
    if field == "measure_answering":
        return names.measures.get(value, _("Measure %(id)s") % {"id": value})
    if field == "recommendations":
        return "; ".join(_("Recommendation %(id)s") % {"id": pk} for pk in value)
    if field == "area":
        return _area(value)
    if field in ("evidence_added", "evidence_removed"):
        return _evidence(value)
    if field == "responsible_bodies":
        return "; ".join(names.bodies.get(pk, f"#{pk}") for pk in value)
    if field == "indicators":
        return "; ".join(names.indicators.get(pk, f"#{pk}") for pk in value)
    if field == "source":
        return names.sources.get(value, f"#{value}")
    if field == "repeats":
        return _("Recommendation %(id)s") % {"id": value}
    if field == "provenance" and isinstance(value, dict):
        return provenance_text(value)
    if isinstance(value, dict):
        # Per-language texts and similar: one "key: value" per entry, never raw JSON.
        return "; ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field.endswith(("_at", "_on")) or field == "due_on":
        return _date(value)
    return str(value)


def _plain(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key} {_plain(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return "–".join(str(item) for item in value)
    return str(value)


def field_changes(record: ChangeRecord, names: _Names | None = None) -> list[FieldChange]:
    """The fields a history row changed, readable; every field of a created object. Evidence
    added or removed is one line naming it."""
    names = names or _Names([record])
    model = record.object_type.model_class() if record.object_type_id else None
    if model is Evidence and record.action in (ChangeRecord.Action.CREATE, ChangeRecord.Action.DELETE):
        if record.action == ChangeRecord.Action.CREATE:
            return [FieldChange("evidence_added", _("Evidence added"), "—", _evidence(record.after))]
        return [FieldChange("evidence_removed", _("Evidence removed"), _evidence(record.before), "—")]
    if model is MeasureLink:
        # Linked: "— → the measure"; unlinked: "the measure → —".
        measure = _value("measure_answering", (record.after or record.before or {}).get("measure"), names)
        label = _label(model, "measure_answering")
        if record.action == ChangeRecord.Action.CREATE:
            return [FieldChange("measure_answering", label, "—", measure)]
        return [FieldChange("measure_answering", label, measure, "—")]
    before, after = record.before or {}, record.after or {}
    keys = list(after) + [key for key in before if key not in after]
    changes = []
    for key in keys:
        if record.action == ChangeRecord.Action.CREATE and after.get(key) in (None, "", [], {}):
            continue
        shown_before = _value(key, before.get(key), names, model)
        shown_after = _value(key, after.get(key), names, model)
        if record.action == ChangeRecord.Action.UPDATE and shown_before == shown_after:
            continue  # a change too small to show (a moment within the same minute): no "x → x" line
        changes.append(FieldChange(key, _label(model, key), shown_before, shown_after))
    return changes


def readable_history(records: Iterable[ChangeRecord]) -> list[tuple[ChangeRecord, list[FieldChange]]]:
    """Each record with its readable field changes; names looked up once for the batch."""
    records = list(records)
    names = _Names(records)
    return [(record, field_changes(record, names)) for record in records]
