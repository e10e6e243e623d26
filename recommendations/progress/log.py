"""The progress log across recommendations: the entries of the recommendations the list's
filters choose, for `/api/v1/progress/` and the export's `progress` sheet.

What an entry shows depends on who reads it (the same rule as the pages and the feed):
everyone sees which recommendation changed from which status to which, and when; only
analysts and above its note, who recorded it and how much evidence came with it — notes may
describe trafficking victims. "Before" follows the timeline (`timeline.befores`), not the
status its recorder saw."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from recommendations.choices import Role
from recommendations.evidence.selectors import entry_evidence_count_annotation
from recommendations.models import ProgressUpdate
from recommendations.roles import has_role

from .published import published_entries
from .timeline import EVENT_ORDER, Entry, befores

# Who may read an entry's note, author and evidence count.
NOTE_READER = Role.ANALYST
PUBLIC_FIELDS = (
    "id",
    "recommendation",
    "source",
    "country",
    "area",
    "occurred_on",
    "created_at",
    "status_before",
    "status_after",
)
PRIVATE_FIELDS = ("note", "author_username", "evidence_count")


def reads_notes(user) -> bool:
    return has_role(user, NOTE_READER)


def entries_of_recommendations(
    recommendations: QuerySet, *, start: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet:
    """The entries of `recommendations` (a queryset), those that happened from `start` to
    `end` (inclusive) when given; with the columns the log shows."""
    entries = published_entries().filter(recommendation__in=recommendations.order_by().values("pk"))
    if start is not None:
        entries = entries.filter(occurred_on__gte=start)
    if end is not None:
        entries = entries.filter(occurred_on__lte=end)
    return entries.select_related("recommendation__source").annotate(evidence_count=entry_evidence_count_annotation())


def timeline_befores(recommendation_ids: Iterable[int]) -> dict[int, str]:
    """Each entry's "before" by the timeline, for every entry of these recommendations, in one
    query (a recommendation holds a handful of entries)."""
    rows = (
        published_entries()
        .filter(recommendation_id__in=set(recommendation_ids))
        .order_by("recommendation_id", *EVENT_ORDER)
        .values_list("recommendation_id", "id", "occurred_on", "created_at", "status_before", "status_after")
    )
    by_recommendation: dict[int, list[Entry]] = defaultdict(list)
    for recommendation_id, pk, occurred_on, created_at, before, after in rows:
        by_recommendation[recommendation_id].append(Entry(pk, occurred_on, created_at, before, after))
    result: dict[int, str] = {}
    for entries in by_recommendation.values():
        result.update(befores(entries))
    return result


def entry_rows(entries: Iterable[ProgressUpdate], *, with_notes: bool) -> list[dict[str, Any]]:
    """The log's rows for `entries` (from `entries_of_recommendations`): "before" by the
    timeline, the note, author and evidence count only `with_notes`."""
    entries = list(entries)
    before = timeline_befores(entry.recommendation_id for entry in entries if entry.recommendation_id is not None)
    columns = _columns(with_notes)
    rows = []
    for entry in entries:
        row = _entry_values(entry)
        row["status_before"] = before.get(entry.pk, entry.status_before)
        rows.append({name: row[name] for name in columns})
    return rows


def _columns(with_notes: bool) -> tuple[str, ...]:
    return (*PUBLIC_FIELDS, *(PRIVATE_FIELDS if with_notes else ()))


def _entry_values(entry: ProgressUpdate) -> dict[str, Any]:
    """An entry as `ROW_VALUES` reads it from the database."""
    recommendation = entry.recommendation
    assert recommendation is not None  # the log across recommendations holds their entries only
    return {
        "id": entry.pk,
        "recommendation": recommendation.pk,
        "source": recommendation.source.slug,
        "country": str(recommendation.country),
        "area": recommendation.area,
        "occurred_on": entry.occurred_on,
        "created_at": entry.created_at,
        "status_before": entry.status_before,
        "status_after": entry.status_after,
        "note": entry.note,
        "author_username": entry.author_username,
        "evidence_count": getattr(entry, "evidence_count", 0),
    }


# Each column of the log as `.values_list()` reads it (`_entry_values` reads the same from an
# instance): the export's sheet reads its rows this way, without building three model
# instances (and decoding each recommendation's texts) per entry, which was half the time of a
# 100,000-row workbook.
ROW_VALUES = {
    "id": "id",
    "recommendation": "recommendation_id",
    "source": "recommendation__source__slug",
    "country": "recommendation__country",
    "area": "recommendation__area",
    "occurred_on": "occurred_on",
    "created_at": "created_at",
    "status_before": "status_before",
    "status_after": "status_after",
    "note": "note",
    "author_username": "author_username",
    "evidence_count": "evidence_count",
}
CHUNK = 2000


def entry_rows_streamed(entries: QuerySet, *, with_notes: bool) -> Iterator[dict[str, Any]]:
    """`entry_rows` for an export of any size, by recommendation and in each one's event order:
    plain values, and each entry's "before" is the "after" of the entry before it in the
    stream (`timeline.befores`' rule) — no second query for the befores."""
    names, columns = tuple(ROW_VALUES), _columns(with_notes)
    ordered = entries.order_by("recommendation_id", *EVENT_ORDER).values_list(*ROW_VALUES.values())
    previous_recommendation = previous_after = None
    for values in ordered.iterator(chunk_size=CHUNK):
        row = dict(zip(names, values, strict=True))
        if row["recommendation"] == previous_recommendation:
            row["status_before"] = previous_after
        previous_recommendation, previous_after = row["recommendation"], row["status_after"]
        yield {name: row[name] for name in columns}


def progress_sheet(recommendations: QuerySet, *, as_of: datetime.date | None, with_notes: bool):
    """The export's `progress` sheet: the log of `recommendations`, entries that happened by
    `as_of` when given, by recommendation then in the timeline's order."""
    from recommendations.analytics import xlsx
    from recommendations.analytics.spreadsheets import xlsx_rows

    entries = entries_of_recommendations(recommendations, end=as_of)
    columns = _columns(with_notes)
    rows = ([row[name] for name in columns] for row in entry_rows_streamed(entries, with_notes=with_notes))
    return xlsx.Sheet(name="progress", header=columns, rows=xlsx_rows(rows), freeze_header=True, autofilter=True)
