"""What waits for review, and what a staff member proposed: each entry with the change it
would make (status before → after by the published timeline now, the note, the evidence)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from recommendations.choices import ReviewState, Status
from recommendations.models import ChangeRecord, Evidence, ProgressUpdate
from recommendations.progress import timeline

# Queue and "mine" pages show this many entries; the API pages through them all.
PAGE_SIZE = 50


@dataclass
class Proposal:
    """One entry in review and the change approving it would make."""

    update: ProgressUpdate
    status_before: str
    evidence: list[Evidence] = field(default_factory=list)
    # The latest reviewer's comment (a returned or rejected entry's reason), and who wrote it.
    comment: str = ""
    reviewer: str = ""

    @property
    def status_before_label(self) -> str:
        return str(dict(Status.choices)[self.status_before])

    @property
    def changes_status(self) -> bool:
        return self.status_before != self.update.status_after


def waiting_entries() -> QuerySet:
    """The proposed entries, oldest first (the order they were proposed in)."""
    return (
        ProgressUpdate.objects.filter(review_state=ReviewState.PROPOSED)
        .select_related("recommendation__source", "measure")
        .order_by("created_at", "id")
    )


def entries_proposed_by(user) -> QuerySet:
    """A staff member's entries that went through review (each has its proposal's history
    row), newest first."""
    proposed = ChangeRecord.objects.filter(
        object_type=ContentType.objects.get_for_model(ProgressUpdate), action=ChangeRecord.Action.CREATE
    ).values("object_id")
    return (
        ProgressUpdate.objects.filter(author=user, pk__in=proposed)
        .select_related("recommendation__source", "measure")
        .order_by("-created_at", "-id")
    )


def proposals(entries) -> list[Proposal]:
    """`entries` with their diff, evidence and latest review comment: four queries whatever
    their number (entries, the published timelines, evidence, comments)."""
    entries = list(entries)
    befores = _timeline_befores(entries)
    evidence: dict[int | None, list[Evidence]] = defaultdict(list)
    for item in Evidence.objects.filter(progress_update__in=[entry.pk for entry in entries]).order_by("pk"):
        evidence[item.progress_update_id].append(item)
    comments = _latest_comments([entry.pk for entry in entries if entry.review_state != ReviewState.PROPOSED])
    return [
        Proposal(
            update=entry,
            status_before=befores.get(entry.pk, entry.status_before),
            evidence=evidence[entry.pk],
            comment=comments.get(entry.pk, ("", ""))[0],
            reviewer=comments.get(entry.pk, ("", ""))[1],
        )
        for entry in entries
    ]


def _timeline_befores(entries: list[ProgressUpdate]) -> dict[int, str]:
    """Each waiting entry's "before": the status in force on its date by the published
    entries now (what approving it would change), in one query."""
    recommendation_ids = {entry.recommendation_id for entry in entries if entry.recommendation_id}
    measure_ids = {entry.measure_id for entry in entries if entry.measure_id}
    if not entries:
        return {}
    rows = ProgressUpdate.objects.filter(
        Q(recommendation_id__in=recommendation_ids) | Q(measure_id__in=measure_ids),
        review_state=ReviewState.PUBLISHED,
    ).order_by(*timeline.EVENT_ORDER)
    published: dict[tuple[str, int | None], list[timeline.Entry]] = defaultdict(list)
    for row in rows:
        key = ("r", row.recommendation_id) if row.recommendation_id else ("m", row.measure_id)
        published[key].append(
            timeline.Entry(row.pk, row.occurred_on, row.created_at, row.status_before, row.status_after)
        )
    result = {}
    for entry in entries:
        key = ("r", entry.recommendation_id) if entry.recommendation_id else ("m", entry.measure_id)
        found = [other for other in published.get(key, []) if other.id != entry.pk]
        if found:
            result[entry.pk] = timeline.status_before_on(found, entry.occurred_on, entry.status_before)
    return result


def _latest_comments(update_ids: list[int]) -> dict[int, tuple[str, str]]:
    if not update_ids:
        return {}
    rows = ChangeRecord.objects.filter(
        object_type=ContentType.objects.get_for_model(ProgressUpdate),
        object_id__in=update_ids,
        action=ChangeRecord.Action.UPDATE,
    ).order_by("changed_at", "id")
    return {row.object_id: (row.message, row.username) for row in rows}
