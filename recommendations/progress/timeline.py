"""The timeline rule: one story told the same way by the page, the API, the stats and the
feed, even when progress is recorded late with an earlier date.

- Entries are ordered by the date the progress happened, then by when it was recorded.
- An entry's "before" is the "after" of the entry just before it in that order (the first
  entry keeps the status it was recorded from). A late entry with an earlier date is thus
  inserted in its place; the entry after it now starts from the late entry's status.
- The current status is the "after" of the last entry; it holds "since" the entry that
  started the final run of that status (its date; the time it was recorded when it was
  recorded the same day).

Progress rows are append-only, so a stored `status_before` is what its recorder saw; readers
derive "before" with `befores()` rather than trusting it.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from recommendations.choices import ReviewState
from recommendations.models import ProgressUpdate

EVENT_ORDER = ("occurred_on", "created_at", "id")


@dataclass(frozen=True)
class Entry:
    id: int
    occurred_on: datetime.date
    created_at: datetime.datetime
    status_before: str
    status_after: str


def entries_of(recommendation_id: int | None = None, *, measure_id: int | None = None) -> list[Entry]:
    """A recommendation's (or a measure's) published entries in event order (no notes: only
    what the rule needs); an entry in review is not part of the story until approved."""
    if (recommendation_id is None) == (measure_id is None):
        raise TypeError("the entries of a recommendation or of a measure")
    subject = {"measure_id": measure_id} if recommendation_id is None else {"recommendation_id": recommendation_id}
    rows = (
        ProgressUpdate.objects.filter(**subject, review_state=ReviewState.PUBLISHED)
        .order_by(*EVENT_ORDER)
        .values_list("id", "occurred_on", "created_at", "status_before", "status_after")
    )
    return [Entry(*row) for row in rows]


def befores(entries: Sequence[Entry]) -> dict[int, str]:
    """Each entry's "before", by id, for entries in event order."""
    result = {}
    previous = None
    for entry in entries:
        result[entry.id] = entry.status_before if previous is None else previous.status_after
        previous = entry
    return result


def status_before_on(entries: Sequence[Entry], occurred_on: datetime.date, current: str) -> str:
    """The status in force on `occurred_on` for an entry recorded now (after every entry of
    that day): the "after" of the last entry up to that day; with none, the status the first
    entry started from (or the current one when there are no entries)."""
    earlier = [entry for entry in entries if entry.occurred_on <= occurred_on]
    if earlier:
        return earlier[-1].status_after
    return entries[0].status_before if entries else current


def current_and_since(entries: Sequence[Entry]) -> tuple[str, datetime.datetime] | None:
    """The current status and when it began, by the rule above; None without entries."""
    if not entries:
        return None
    current = entries[-1].status_after
    start = len(entries) - 1
    while start > 0 and entries[start - 1].status_after == current:
        start -= 1
    first = entries[start]
    if timezone.localdate(first.created_at) == first.occurred_on:
        return current, first.created_at
    since = timezone.make_aware(datetime.datetime.combine(first.occurred_on, datetime.time.min))
    return current, since
