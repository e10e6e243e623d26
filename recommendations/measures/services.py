"""Measures created, edited and linked to the recommendations they answer, and a measure's
progress recorded with a status on each linked recommendation. Every change goes through the
history service (a history row each) and every status through `progress_record`."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.history import services as history
from recommendations.history.services import Actor
from recommendations.models import ChangeRecord, Evidence, ProgressUpdate, Recommendation, ResponsibleBody
from recommendations.progress.bulk import RecommendationRefused, naming_the_recommendation
from recommendations.progress.services import (
    EvidenceItem,
    files_removed_on_failure,
    may_record_progress,
    measure_lock,
    progress_record,
    progress_record_with_evidence,
)
from recommendations.tracked import TrackedModel

from .models import Measure, MeasureLink


def may_edit_measures(user: Actor) -> bool:
    """Who records progress edits measures and their links: NGO staff and admins (commands act
    as the system). Every country today: a user may edit any country's recommendations."""
    return may_record_progress(user)


def _refuse_unless_allowed(user: Actor) -> None:
    if not may_edit_measures(user):
        raise PermissionDenied(_("Only NGO staff and administrators may edit measures."))


def measure_create(
    *,
    country: str,
    kind: str,
    user: Actor,
    title_az: str = "",
    title_en: str = "",
    description: str = "",
    responsible_bodies: Iterable[ResponsibleBody] = (),
    start_on: datetime.date | None = None,
    end_on: datetime.date | None = None,
    recommendation_ids: Iterable[int] = (),
) -> Measure:
    """A new measure, linked to the recommendations it answers (one history row for the
    measure, one related to each recommendation)."""
    _refuse_unless_allowed(user)
    bodies = list(responsible_bodies)
    ids = list(recommendation_ids)
    measure = Measure(
        country=country,
        kind=kind,
        title_az=title_az,
        title_en=title_en,
        description=description,
        start_on=start_on,
        end_on=end_on,
    )

    def links_and_bodies(obj: TrackedModel) -> None:
        assert isinstance(obj, Measure)
        obj.responsible_bodies.set(bodies)
        _links_write(obj, ids, user=user)

    with transaction.atomic():
        history.tracked_create(obj=measure, user=user, after_save=links_and_bodies)
    return measure


def measure_update(
    *, measure_id: int, data: dict[str, Any], user: Actor, expected_version: int | None = None
) -> Measure:
    """Edit a measure's fields (not its status, which only progress changes; not its links,
    which `measure_links_add` and `measure_link_remove` change)."""
    _refuse_unless_allowed(user)
    history.refuse_unknown_fields(Measure, data)
    with transaction.atomic():
        measure = measure_lock(measure_id, expected_version)
        history.tracked_update(obj=measure, data=data, user=user, before_save=_next_version)
        return measure


def _next_version(obj: TrackedModel) -> None:
    assert isinstance(obj, Measure)
    obj.version += 1


def measure_links_add(
    *, measure_id: int, recommendation_ids: Iterable[int], user: Actor, expected_version: int | None = None
) -> Measure:
    """Link the measure to recommendations it answers (those linked already stay as they are)."""
    _refuse_unless_allowed(user)
    ids = list(recommendation_ids)
    with transaction.atomic():
        measure = measure_lock(measure_id, expected_version)
        linked = set(measure.links.values_list("recommendation_id", flat=True))
        new = [pk for pk in dict.fromkeys(ids) if pk not in linked]
        if new:

            def link(obj: TrackedModel) -> None:
                assert isinstance(obj, Measure)
                _links_write(obj, new, user=user)

            history.tracked_update(obj=measure, data={}, user=user, before_save=_next_version, after_save=link)
        return measure


def measure_link_remove(
    *, measure_id: int, recommendation_id: int, user: Actor, expected_version: int | None = None
) -> Measure:
    """The measure no longer answers the recommendation. Entries recorded with the measure's
    entries stay as they were recorded (the log is append-only), with their evidence."""
    _refuse_unless_allowed(user)
    with transaction.atomic():
        measure = measure_lock(measure_id, expected_version)
        link = MeasureLink.objects.filter(measure=measure, recommendation_id=recommendation_id).first()
        if link is None:
            raise ValidationError({"recommendation": _("The measure does not answer this recommendation.")})

        def unlink(obj: TrackedModel) -> None:
            _versions_bump([recommendation_id])
            record = history.change_record_build(
                obj=link,
                action=ChangeRecord.Action.DELETE,
                user=user,
                before=link.snapshot(),
                after=None,
                related=link.recommendation,
            )
            link.delete()
            record.save()

        history.tracked_update(obj=measure, data={}, user=user, before_save=_next_version, after_save=unlink)
        return measure


def _links_write(measure: Measure, recommendation_ids: Sequence[int], *, user: Actor) -> None:
    """Links and their history rows, each related to its recommendation, whose version moves
    on (its representation lists its measures). Every id must name a recommendation."""
    if not recommendation_ids:
        return
    found = set(
        Recommendation.objects.select_for_update()
        .filter(pk__in=recommendation_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    missing = [pk for pk in recommendation_ids if pk not in found]
    if missing:
        raise ValidationError(
            {"recommendations": [_("Recommendation %(id)s does not exist.") % {"id": pk} for pk in missing]}
        )
    links = MeasureLink.objects.bulk_create(
        [MeasureLink(measure=measure, recommendation_id=pk) for pk in recommendation_ids]
    )
    _versions_bump(recommendation_ids)
    history.change_records_create_many(
        history.change_record_build(
            obj=link,
            action=ChangeRecord.Action.CREATE,
            user=user,
            before=None,
            after=link.snapshot(),
            related=Recommendation(pk=link.recommendation_id),
        )
        for link in links
    )


def _versions_bump(recommendation_ids: Sequence[int]) -> None:
    Recommendation.objects.filter(pk__in=recommendation_ids).update(version=F("version") + 1, updated_at=timezone.now())


def measure_delete(*, measure_id: int, user: Actor) -> None:
    """Remove a measure entered by mistake: its links go first (each a history row), then the
    measure (a history row). A measure with progress or evidence is kept: the log refers to it."""
    _refuse_unless_allowed(user)
    with transaction.atomic():
        measure = measure_lock(measure_id, None)
        if measure.progress_updates.exists() or Evidence.objects.filter(measure=measure).exists():
            raise ValidationError(_("A measure with progress or evidence is kept: the progress log refers to it."))
        for recommendation_id in measure.links.values_list("recommendation_id", flat=True):
            measure_link_remove(measure_id=measure.pk, recommendation_id=recommendation_id, user=user)
        measure.refresh_from_db()
        record = history.change_record_build(
            obj=measure, action=ChangeRecord.Action.DELETE, user=user, before=measure.snapshot(), after=None
        )
        measure.delete()
        record.save()


@dataclass(frozen=True)
class LinkedStatus:
    """A status to record on a linked recommendation with the measure's entry: `status` None
    is the measure's own; `expected_version` the recommendation's version the client saw."""

    recommendation_id: int
    status: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class MeasureProgress:
    update: ProgressUpdate
    evidence: list[Evidence]
    recommendation_updates: list[ProgressUpdate]


def measure_progress_record(
    *,
    measure_id: int,
    status: str,
    user: Actor,
    note: str = "",
    occurred_on: datetime.date | None = None,
    evidence: Sequence[EvidenceItem] = (),
    recommendations: Sequence[LinkedStatus] = (),
    expected_version: int | None = None,
) -> MeasureProgress:
    """The measure's entry with its evidence, and on each recommendation given (which it must
    answer) an entry of the same day and note recorded with it, all in one transaction. The
    evidence is stored once, on the measure's entry, and shown on each of those entries.

    Refusals, nothing saved: StaleVersion (the measure), RecommendationStale, ValidationError
    for the measure's fields, EvidenceItemInvalid, RecommendationRefused (one recommendation's
    status, or one the measure does not answer)."""
    seen: set[int] = set()
    for item in recommendations:
        if item.recommendation_id in seen:
            raise RecommendationRefused(
                item.recommendation_id, ValidationError({"recommendation": _("Given more than once.")})
            )
        seen.add(item.recommendation_id)
    with files_removed_on_failure() as stored, transaction.atomic():
        update, added = progress_record_with_evidence(
            measure_id=measure_id,
            status=status,
            note=note,
            occurred_on=occurred_on,
            evidence=tuple(evidence),
            expected_version=expected_version,
            user=user,
        )
        stored.extend(name for item in added if (name := item.file.name))
        linked = set(MeasureLink.objects.filter(measure_id=measure_id).values_list("recommendation_id", flat=True))
        recorded = []
        # Locked in the order of their ids, as every bulk entry locks them.
        for item in sorted(recommendations, key=lambda item: item.recommendation_id):
            if item.recommendation_id not in linked:
                raise RecommendationRefused(
                    item.recommendation_id,
                    ValidationError({"recommendation": _("The measure does not answer this recommendation.")}),
                )
            with naming_the_recommendation(item.recommendation_id):
                recorded.append(
                    progress_record(
                        recommendation_id=item.recommendation_id,
                        status=item.status or status,
                        note=note,
                        occurred_on=update.occurred_on,
                        user=user,
                        expected_version=item.expected_version,
                        with_evidence=bool(added),
                        measure_update_id=update.pk,
                    )
                )
        return MeasureProgress(update=update, evidence=added, recommendation_updates=recorded)
