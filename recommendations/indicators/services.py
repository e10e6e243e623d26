"""Writing indicators: the vocabulary's rows, values read by an import, and values staff
confirm, correct or add. Every value change leaves a history row (`history.services`)."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from recommendations.history.services import (
    Actor,
    change_record_build,
    change_records_create_many,
    refuse_unknown_fields,
    tracked_create,
    tracked_update,
)
from recommendations.models import ChangeRecord, Source
from recommendations.tracked import TrackedModel

from .models import Indicator, IndicatorValue, Unit, ValueState
from .readers import ReadValue
from .vocabulary import INDICATORS


def indicators_sync(*, indicator_model: Any = Indicator) -> int:
    """Create or rename the Indicator rows the vocabulary declares (never deletes: values
    refer to them). Returns how many rows were written. The migration passes its
    historical model."""
    written = 0
    for position, definition in enumerate(INDICATORS):
        fields = {
            "kind": definition.kind,
            "name_az": definition.name_az,
            "name_en": definition.name_en,
            "unit": definition.unit,
            "group": definition.group,
            "position": position,
        }
        row, created = indicator_model.objects.get_or_create(code=definition.code, defaults=fields)
        if not created and any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
        written += created
    parents = {definition.code: definition.parent for definition in INDICATORS if definition.parent}
    by_code = {row.code: row for row in indicator_model.objects.filter(code__in={*parents, *parents.values()})}
    for code, parent in parents.items():
        if by_code[code].parent_id != by_code[parent].pk:
            by_code[code].parent = by_code[parent]
            by_code[code].save(update_fields=["parent"])
    return written


def _read_fields(value: ReadValue) -> dict[str, Any]:
    return {
        "state": value.state,
        "number": value.number,
        "currency": value.currency,
        "converted_usd": value.converted_usd,
    }


def indicator_values_store_read(
    *, source: Source, values: list[tuple[Indicator, ReadValue]], user: Actor, message: str
) -> list[str]:
    """Store what an import read (inside the import's transaction): new rows, or stored rows
    brought up to the document where nobody corrected them. A row staff corrected keeps
    their value (its `as_read` shows what the document now says). Returns one operation per
    value: "create", "update", "unchanged" or "kept". New rows and their history rows are
    written in bulk: a chapter's tables are fifty values."""
    stored = {
        (row.indicator_id, row.year): row for row in IndicatorValue.objects.select_for_update().filter(source=source)
    }
    operations: list[str] = []
    created: list[IndicatorValue] = []
    for indicator, value in values:
        read = _read_fields(value)
        provenance = {
            "printed": value.printed[:300],
            "quote": value.quote,
            "location": value.location,
            "language": value.language,
            "citations": value.citations[:100],
        }
        shown = value.as_json()
        as_read = {name: shown[name] for name in ("state", "number", "currency", "converted_usd")}
        row = stored.get((indicator.pk, value.year))
        if row is None:
            row = IndicatorValue(
                source=source,
                indicator=indicator,
                country=source.country,
                year=value.year,
                as_read=as_read,
                **read,
                **provenance,
            )
            # The unique and check constraints are the database's: one query each per row here.
            row.full_clean(validate_unique=False, validate_constraints=False)
            created.append(row)
            operations.append("create")
        elif row.as_read == as_read:
            operations.append("unchanged")
        elif row.corrected:
            row.as_read = as_read
            row.save(update_fields=["as_read", "updated_at"])
            operations.append("kept")
        else:
            _update_read(row, read, {**provenance, "as_read": as_read}, user=user, message=message)
            operations.append("update")
    IndicatorValue.objects.bulk_create(created)
    change_records_create_many(
        change_record_build(
            obj=row, action=ChangeRecord.Action.CREATE, user=user, before=None, after=row.snapshot(), message=message
        )
        for row in created
    )
    return operations


def _update_read(row: IndicatorValue, read: dict[str, Any], provenance: dict[str, Any], *, user: Actor, message: str):
    def keep_provenance(obj: TrackedModel) -> None:
        for name, field_value in provenance.items():
            setattr(obj, name, field_value)

    tracked_update(obj=row, data=read, user=user, message=message, before_save=keep_provenance)


def value_fields_clean(data: dict[str, Any], unit: str) -> dict[str, Any]:
    """The value a person typed, checked against the indicator's unit; errors name the field."""
    cleaned = dict(data)
    for name in ("number", "converted_usd"):
        if cleaned.get(name) not in (None, ""):
            try:
                cleaned[name] = Decimal(str(cleaned[name]))
            except InvalidOperation:
                raise ValidationError({name: _("Enter a number.")}) from None
        elif name in cleaned:
            cleaned[name] = None
    if cleaned.get("currency") and not re.fullmatch(r"[A-Z]{3}", cleaned["currency"]):
        raise ValidationError({"currency": _("A currency is its three-letter ISO 4217 code, e.g. AZN or USD.")})
    state = cleaned.get("state")
    if state is not None and state not in ValueState.values:
        raise ValidationError({"state": _("Not a value state: %(state)s.") % {"state": state}})
    if state == ValueState.NUMBER and cleaned.get("number") is None:
        raise ValidationError({"number": _("A number is required when the value is a number.")})
    if state not in (None, ValueState.NUMBER) and cleaned.get("number") is not None:
        raise ValidationError({"number": _("Only a value that is a number has one.")})
    if state in (ValueState.YES, ValueState.NO) and unit != Unit.YES_NO:
        raise ValidationError({"state": _("This indicator is not a yes-or-no question.")})
    if state == ValueState.NUMBER and unit == Unit.YES_NO:
        raise ValidationError({"state": _("This indicator is answered yes or no.")})
    if state == ValueState.NUMBER and unit == Unit.MONEY and not cleaned.get("currency"):
        raise ValidationError({"currency": _("An amount of money needs its currency.")})
    return cleaned


@transaction.atomic
def indicator_value_correct(*, value_id: int, data: dict[str, Any], user: Actor, message: str = "") -> IndicatorValue:
    """Confirm or correct a stored value. The value as read stays in `as_read`; the change
    is a history row."""
    refuse_unknown_fields(IndicatorValue, data)
    row = IndicatorValue.objects.select_for_update().select_related("indicator").get(pk=value_id)
    merged = {**{name: getattr(row, name) for name in IndicatorValue.editable_fields}, **data}
    if "state" in data and data["state"] != ValueState.NUMBER and "number" not in data:
        merged["number"] = None
    cleaned = value_fields_clean(merged, row.indicator.unit)
    tracked_update(obj=row, data=cleaned, user=user, message=message)
    return row


@transaction.atomic
def indicator_value_add(
    *,
    indicator: Indicator,
    source: Source,
    year: int,
    state: str,
    user: Actor,
    number: Decimal | str | None = None,
    currency: str = "",
    converted_usd: Decimal | str | None = None,
    note: str = "",
    quote: str = "",
    location: dict[str, Any] | None = None,
) -> IndicatorValue:
    """A value a person files by hand (an unread figure of an import, or one the report
    states in a way no reader knows); confirmed, since a person read it."""
    cleaned = value_fields_clean(
        {"state": state, "number": number, "currency": currency, "converted_usd": converted_usd},
        indicator.unit,
    )
    if IndicatorValue.objects.filter(source=source, indicator=indicator, year=year).exists():
        raise ValidationError({"year": _("This source already has a value of this indicator for that year.")})
    row = IndicatorValue(
        indicator=indicator,
        source=source,
        country=source.country,
        year=year,
        confirmed=True,
        note=note,
        quote=quote,
        location=location or {},
        **cleaned,
    )
    tracked_create(obj=row, user=user)
    return row
