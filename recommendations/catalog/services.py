"""Creating and editing sources and recommendations. A status in an edit goes through the
progress log (`progress.services.progress_record`), never around it."""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.history import services as history
from recommendations.history.services import Actor
from recommendations.models import ChangeRecord, Recommendation, ResponsibleBody, Source
from recommendations.progress.services import (
    EvidenceItem,
    progress_record,
    progress_record_with_evidence,
    recommendation_lock,
)
from recommendations.search import searchable
from recommendations.tracked import TrackedModel

BULK_BATCH_SIZE = 500


def _refresh_search_text(recommendation: Recommendation) -> None:
    # Every language's text: a search in either finds the recommendation.
    texts = [recommendation.action, *(recommendation.action_translations or {}).values()]
    recommendation.action_search = searchable(" ".join(texts))


def recommendation_create(
    *,
    source: Source,
    action: str,
    year_start: int,
    year_end: int,
    position: int,
    area: str | None = None,
    action_translations: dict[str, str] | None = None,
    priority: bool = False,
    repeats: Recommendation | None = None,
    responsible_bodies: Iterable[ResponsibleBody] = (),
    status: str | None = None,
    note: str = "",
    due_on: datetime.date | None = None,
    user: Actor = None,
    message: str = "",
) -> Recommendation:
    """A new recommendation of `source`; a `status` other than the default is recorded as
    its first progress update."""
    with transaction.atomic():
        recommendation = Recommendation(
            source=source,
            country=source.country,
            area=area,
            action=action,
            action_translations=action_translations or {},
            year_start=year_start,
            year_end=year_end,
            position=position,
            priority=priority,
            repeats=repeats,
            due_on=due_on,
        )
        _refresh_search_text(recommendation)
        bodies = list(responsible_bodies)

        def set_bodies(obj: Recommendation) -> None:
            if bodies:
                obj.responsible_bodies.set(bodies)

        history.tracked_create(obj=recommendation, user=user, message=message, after_save=set_bodies)
        if status is not None and status != recommendation.status:
            progress_record(recommendation_id=recommendation.pk, status=status, note=note, user=user)
            recommendation.refresh_from_db()
        return recommendation


def recommendations_create_many(
    *, source: Source, rows: Sequence[dict[str, Any]], user: Actor = None, message: str = ""
) -> list[Recommendation]:
    """Many recommendations of one source at once, for report imports: each field validated
    and one history row per recommendation as recommendation_create writes, but in a few
    queries per batch instead of a dozen per row. The rules the database enforces itself
    (year order, known area, unique position) are left to it, so a violation still rolls
    the whole import back."""
    with transaction.atomic():
        # The repeat rule (Recommendation.clean) reads each repeated one's source: fetched
        # for all of them at once rather than one query per row.
        prefetch_related_objects([row["repeats"] for row in rows if row.get("repeats")], "source")
        recommendations = []
        for row in rows:
            recommendation = Recommendation(source=source, country=source.country, **row)
            _refresh_search_text(recommendation)
            # The source (with its country) and the repeated recommendations were just read
            # from the database; checking them again per row would cost a query or a scan
            # of every country each.
            recommendation.full_clean(
                exclude=["source", "country", "repeats"], validate_unique=False, validate_constraints=False
            )
            recommendations.append(recommendation)
        snapshots = [recommendation.snapshot() for recommendation in recommendations]
        Recommendation.objects.bulk_create(recommendations, batch_size=BULK_BATCH_SIZE)
        history.change_records_create_many(
            (
                history.change_record_build(
                    obj=recommendation,
                    action=ChangeRecord.Action.CREATE,
                    user=user,
                    before=None,
                    after=snapshot,
                    message=message,
                )
                for recommendation, snapshot in zip(recommendations, snapshots, strict=True)
            ),
            batch_size=BULK_BATCH_SIZE,
        )
        return recommendations


def recommendation_update(
    *,
    recommendation_id: int,
    data: dict[str, Any],
    user: Actor,
    expected_version: int | None = None,
    note: str = "",
    occurred_on: datetime.date | None = None,
    evidence: Sequence[EvidenceItem] = (),
) -> Recommendation:
    """Edit a recommendation's fields. A status in `data` is recorded as a progress update
    (on `occurred_on`, today when not given, with its `evidence`), so a status changed in the
    admin shows in the timeline like one reported through the API or the page."""
    history.refuse_unknown_fields(Recommendation, data, allowed={"status"})
    with transaction.atomic():
        recommendation = recommendation_lock(recommendation_id, expected_version)
        fields = {key: value for key, value in data.items() if key != "status"}
        changed = False
        if fields:

            def before_save(obj: Recommendation) -> None:
                _refresh_search_text(obj)
                obj.version += 1

            changed = history.tracked_update(
                obj=recommendation, data=fields, user=user, message=note, before_save=before_save
            )
        if note.strip() and not changed and "status" not in data:
            # The note is kept on the history row of a change or on a progress entry; with
            # neither it would be dropped without a word (the admin's lone note was).
            raise ValidationError(
                {"note": [_("A note is kept with a status change or a field edit; send one with it.")]}
            )
        if "status" in data and (data["status"] != recommendation.status or note or evidence):
            progress_record_with_evidence(
                recommendation_id=recommendation.pk,
                status=data["status"],
                note=note,
                occurred_on=occurred_on,
                evidence=tuple(evidence),
                user=user,
            )
        recommendation.refresh_from_db()
        return recommendation


def recommendation_import_update(
    *,
    recommendation_id: int,
    data: dict[str, Any],
    provenance: dict[str, Any],
    user: Actor,
    note: str = "",
) -> Recommendation:
    """What a report import changes on a recommendation it read again (a corrected document,
    or the report in another language): the imported fields and where they were read. One
    history row, as any edit; status and staff's fields are never touched."""
    history.refuse_unknown_fields(Recommendation, data)
    with transaction.atomic():
        recommendation = recommendation_lock(recommendation_id, None)

        def before_save(obj: TrackedModel) -> None:
            assert isinstance(obj, Recommendation)
            obj.provenance = provenance
            _refresh_search_text(obj)
            obj.version += 1

        history.tracked_update(obj=recommendation, data=data, user=user, message=note, before_save=before_save)
        recommendation.refresh_from_db()
        return recommendation


def source_translation_add(*, source: Source, language: str, document_name: str, sha256: str, user: Actor) -> None:
    """The report in another language, imported onto this source: its document is kept too."""

    def before_save(obj: TrackedModel) -> None:
        assert isinstance(obj, Source)
        obj.translations = {**obj.translations, language: {"document": document_name, "sha256": sha256}}

    history.tracked_update(obj=source, data={}, user=user, before_save=before_save)


def source_create(*, user: Actor = None, **fields: Any) -> Source:
    source = Source(**fields)
    history.tracked_create(obj=source, user=user)
    return source


def source_update(*, source_id: int, data: dict[str, Any], user: Actor) -> Source:
    history.refuse_unknown_fields(Source, data)
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)

        country_before = source.country
        history.tracked_update(obj=source, data=data, user=user)
        if source.country != country_before:
            _recommendations_follow_country(source, user=user)
        return source


def _recommendations_follow_country(source: Source, *, user: Actor) -> None:
    """Recommendations carry their source's country (for indexed filtering): a corrected
    country is each one's change too — its history row and a new version, so ETags and caches
    do not keep the old country. In bulk: a source can hold thousands of rows."""
    message = _("The country of %(slug)s was corrected") % {"slug": source.slug}
    recommendations = list(source.recommendations.select_for_update().order_by("pk"))
    now = timezone.now()
    records = []
    for recommendation in recommendations:
        before = recommendation.snapshot()
        recommendation.country = source.country
        recommendation.version += 1
        recommendation.updated_at = now
        records.append(
            history.change_record_build(
                obj=recommendation,
                action=ChangeRecord.Action.UPDATE,
                user=user,
                before=before,
                after={**before, "country": str(source.country)},
                message=message,
            )
        )
    Recommendation.objects.bulk_update(
        recommendations, ["country", "version", "updated_at"], batch_size=BULK_BATCH_SIZE
    )
    history.change_records_create_many(records, batch_size=BULK_BATCH_SIZE)


def source_document_replace(*, source: Source, document_name: str, sha256: str, tier: str, user: Actor) -> None:
    """A corrected document of a report already imported: the source now points to it."""

    def before_save(obj: Source) -> None:
        obj.document.name = document_name

    history.tracked_update(
        obj=source,
        data={"document_sha256": sha256, "tip_tier": tier or source.tip_tier},
        user=user,
        before_save=before_save,
    )
