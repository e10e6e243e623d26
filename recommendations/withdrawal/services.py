"""Withdrawing and restoring a recommendation or a report: one door for the admin and the API.

A withdrawal hides the row from the public (`models.WithdrawableQuerySet`) and keeps
everything: the row, its progress, evidence and history. Each withdrawal and restore is a
history row with its reason, and a new version of each recommendation it touches (its ETag
changes, so no cache or client keeps the old state).

A report's recommendations are withdrawn with it, stamped with the report's own moment; a
restore of the report brings back exactly those, so one withdrawn on its own before stays
withdrawn. Validation of the rest of the row is not run: a wrong import is what gets
withdrawn, and it must not have to be valid to be hidden.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from recommendations.history import services as history
from recommendations.history.services import Actor
from recommendations.models import ChangeRecord, Recommendation, Source, TrackedModel
from recommendations.progress.services import recommendation_lock
from recommendations.tracked import json_moment

from .models import REASON_MAX_LENGTH

BULK_BATCH_SIZE = 500
REASON_FIELD = "withdrawal_reason"


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({REASON_FIELD: [_("Say why: the reason is kept in the history.")]})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError({REASON_FIELD: [_("At most %(count)d characters.") % {"count": REASON_MAX_LENGTH}]})
    return text


def _withdrawal_values(obj: Source | Recommendation) -> dict:
    """The tracked fields a withdrawal changes, as `snapshot()` writes them. Only these: an
    update's history row keeps the changed keys alone, and a whole snapshot reads each
    many-to-many field (four queries a recommendation; a report of 300 rows took 1,200)."""
    moment = json_moment(obj.withdrawn_at) if obj.withdrawn_at is not None else None
    return {"withdrawn_at": moment, "withdrawal_reason": obj.withdrawal_reason}


def _record(obj: TrackedModel, before: dict, *, user: Actor, message: str) -> ChangeRecord:
    assert isinstance(obj, Source | Recommendation)
    return history.change_record_build(
        obj=obj,
        action=ChangeRecord.Action.UPDATE,
        user=user,
        before=before,
        after=_withdrawal_values(obj),
        message=message,
    )


def recommendation_withdraw(
    *, recommendation_id: int, reason: str, user: Actor, expected_version: int | None = None
) -> Recommendation:
    reason = _reason(reason)
    with transaction.atomic():
        recommendation = recommendation_lock(recommendation_id, expected_version)
        if recommendation.is_withdrawn:
            raise ValidationError({"withdrawn": [_("It is already withdrawn.")]})
        before = _withdrawal_values(recommendation)
        recommendation.withdrawn_at, recommendation.withdrawal_reason = timezone.now(), reason
        recommendation.version += 1
        recommendation.save(update_fields=["withdrawn_at", "withdrawal_reason", "version", "updated_at"])
        _record(recommendation, before, user=user, message=_("Withdrawn: %(reason)s") % {"reason": reason}).save()
        return recommendation


def recommendation_restore(
    *, recommendation_id: int, reason: str, user: Actor, expected_version: int | None = None
) -> Recommendation:
    reason = _reason(reason)
    with transaction.atomic():
        recommendation = recommendation_lock(recommendation_id, expected_version)
        if not recommendation.is_withdrawn:
            raise ValidationError({"withdrawn": [_("It is not withdrawn.")]})
        source = Source.objects.get(pk=recommendation.source_id)
        if source.is_withdrawn:
            raise ValidationError(
                {"withdrawn": [_("Its report %(slug)s is withdrawn: restore the report.") % {"slug": source.slug}]}
            )
        before = _withdrawal_values(recommendation)
        recommendation.withdrawn_at, recommendation.withdrawal_reason = None, ""
        recommendation.version += 1
        recommendation.save(update_fields=["withdrawn_at", "withdrawal_reason", "version", "updated_at"])
        _record(recommendation, before, user=user, message=_("Restored: %(reason)s") % {"reason": reason}).save()
        return recommendation


def withdrawal_set(
    *, recommendation_id: int, data: dict, user: Actor, expected_version: int | None = None, note: str = ""
) -> Recommendation:
    """The API's PATCH `{"withdrawn": true|false, "withdrawal_reason": …}`, shaped as
    `recommendation_update` so the view calls either."""
    change = recommendation_withdraw if data["withdrawn"] else recommendation_restore
    return change(
        recommendation_id=recommendation_id,
        reason=data.get(REASON_FIELD, ""),
        user=user,
        expected_version=expected_version,
    )


def source_withdraw(*, source_id: int, reason: str, user: Actor) -> Source:
    """The report and every recommendation of it not already withdrawn."""
    reason = _reason(reason)
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        if source.is_withdrawn:
            raise ValidationError({"withdrawn": [_("It is already withdrawn.")]})
        before = _withdrawal_values(source)
        source.withdrawn_at, source.withdrawal_reason = timezone.now(), reason
        source.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
        _record(source, before, user=user, message=_("Withdrawn: %(reason)s") % {"reason": reason}).save()
        message = _("Withdrawn with its report %(slug)s: %(reason)s") % {"slug": source.slug, "reason": reason}
        _recommendations_set(
            source.recommendations.public(), withdrawn_at=source.withdrawn_at, reason=reason, user=user, message=message
        )
        return source


def source_restore(*, source_id: int, reason: str, user: Actor) -> Source:
    """The report and the recommendations withdrawn with it (not those withdrawn on their own)."""
    reason = _reason(reason)
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        if not source.is_withdrawn:
            raise ValidationError({"withdrawn": [_("It is not withdrawn.")]})
        withdrawn_with_it = source.recommendations.filter(withdrawn_at=source.withdrawn_at)
        before = _withdrawal_values(source)
        source.withdrawn_at, source.withdrawal_reason = None, ""
        source.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
        _record(source, before, user=user, message=_("Restored: %(reason)s") % {"reason": reason}).save()
        message = _("Restored with its report %(slug)s: %(reason)s") % {"slug": source.slug, "reason": reason}
        _recommendations_set(withdrawn_with_it, withdrawn_at=None, reason="", user=user, message=message)
        return source


def _recommendations_set(queryset, *, withdrawn_at, reason: str, user: Actor, message: str) -> None:
    """Many recommendations at once (a report can hold thousands): a new version and a history
    row each, in a few queries."""
    recommendations = list(queryset.select_for_update().order_by("pk"))
    now = timezone.now()
    records = []
    for recommendation in recommendations:
        before = _withdrawal_values(recommendation)
        recommendation.withdrawn_at, recommendation.withdrawal_reason = withdrawn_at, reason
        recommendation.version += 1
        recommendation.updated_at = now
        records.append(_record(recommendation, before, user=user, message=message))
    Recommendation.objects.bulk_update(
        recommendations, ["withdrawn_at", "withdrawal_reason", "version", "updated_at"], batch_size=BULK_BATCH_SIZE
    )
    history.change_records_create_many(records, batch_size=BULK_BATCH_SIZE)


def withdrawn_notice(obj: Source | Recommendation) -> str:
    """ "Withdrawn on <day>: <reason>" for pages and the admin."""
    assert obj.withdrawn_at is not None
    day = formats.date_format(timezone.localtime(obj.withdrawn_at), "DATE_FORMAT")
    return _("Withdrawn on %(day)s: %(reason)s") % {"day": day, "reason": obj.withdrawal_reason}
