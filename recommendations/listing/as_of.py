"""A recommendation's status as it stood at the end of a given day, read from the progress log.

The rule, the same one the progress service uses for the current status: the status a
recommendation had at the end of day D is the `status_after` of its latest progress entry
that happened (`occurred_on`) on or before D, ties broken by when the entries were recorded
(`created_at`, then `id`). With no entry on or before D it is the status it had before any
progress was logged: the `status_before` of its first entry in that order (the status it was
recorded from, as progress/timeline.py reads the log), or its stored status when it has no
entry at all. A late-recorded (backdated) entry therefore changes the past:
the answer is always what the log says today.

A recommendation counts at D only if its report existed by then: its source's `report_year`
is D's year or earlier (sources carry a year, not a publication date, so a report counts
from 1 January of its year). With `distinct=latest` a recommendation is left out once a
later report that repeats it exists by D, so each is counted once, in its latest report.

The condition is written once, as SQL (`status_at_sql`): a subquery per recommendation that
reads its log through the index (a page of the list, an export, the changes between two
dates, and the counts, which ask it only of the few whose status began after the day).
"""

import datetime
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from recommendations.models import Recommendation, Source
from recommendations.progress.published import PUBLISHED_ENTRIES_SQL

PROGRESS = PUBLISHED_ENTRIES_SQL
RECOMMENDATION = Recommendation._meta.db_table
SOURCE = Recommendation._meta.get_field("source").related_model._meta.db_table

# The entry that decides the status at a date comes first: the entries on or before the date,
# latest event first (then latest recorded); after them, the entries after the date in event
# order, so that the first of those gives the status before the log.
_APPLIES = "p.occurred_on <= %s"
_ORDER = (
    f"CASE WHEN {_APPLIES} THEN 0 ELSE 1 END, "
    f"CASE WHEN {_APPLIES} THEN p.occurred_on END DESC, "
    f"CASE WHEN {_APPLIES} THEN p.created_at END DESC, "
    f"CASE WHEN {_APPLIES} THEN p.id END DESC, "
    "p.occurred_on, p.created_at, p.id"
)
_DECIDING_STATUS = f"CASE WHEN {_APPLIES} THEN p.status_after ELSE p.status_before END"


def _date(value: datetime.date, connection: BaseDatabaseWrapper) -> Any:
    return connection.ops.adapt_datefield_value(value)


def status_at_sql(as_of: datetime.date, connection: BaseDatabaseWrapper, *, alias: str = "r") -> tuple[str, list]:
    """SQL for the status of the recommendation `alias` at the end of `as_of`."""
    day = _date(as_of, connection)
    sql = (
        f"COALESCE((SELECT {_DECIDING_STATUS} FROM {PROGRESS} p WHERE p.recommendation_id = {alias}.id "
        f"ORDER BY {_ORDER} LIMIT 1), {alias}.status)"
    )
    return sql, [day] * 5


def status_at_annotation(as_of: datetime.date, queryset: QuerySet) -> RawSQL:
    """`status_at_sql` as an ORM expression over a recommendation queryset's own table."""
    connection = connections[queryset.db]
    sql, params = status_at_sql(as_of, connection, alias=connection.ops.quote_name(RECOMMENDATION))
    return RawSQL(sql, params)


def changed_since_bound(as_of: datetime.date) -> datetime.datetime | None:
    """A time such that a recommendation whose `status_changed_at` is earlier had its stored
    status at the end of `as_of` too; None (no bound) for days before 1900, whose day before
    may not exist in every time zone (the calendar begins on 0001-01-01).

    By the timeline rule the stored status is the last entry's `status_after` and holds since
    the entry that began its final run (`status_changed_at`: that entry's time when recorded
    on the day it happened, else the start of that day). When that run began on or before
    `as_of`, the entry deciding `as_of` lies inside the run, so the status was the same. A day
    of margin keeps this true if the configured time zone has moved since it was stored."""
    if as_of < EARLIEST_BOUNDED_DAY:
        return None
    return timezone.make_aware(datetime.datetime.combine(as_of, datetime.time.min)) - datetime.timedelta(days=1)


EARLIEST_BOUNDED_DAY = datetime.date(1900, 1, 1)


def existed_by(queryset: QuerySet, as_of: datetime.date) -> QuerySet:
    """The recommendations of `queryset` whose report existed by the end of `as_of`.

    Written as "not from a later report" (a subquery the database runs once) rather than as
    a join to the sources: the counts then still come from the recommendation's own indexes
    (country, area, source, status) instead of visiting every source's rows."""
    later = Source.objects.filter(report_year__gt=as_of.year).values("pk")
    return queryset.exclude(source__in=later)


def latest_only(queryset: QuerySet, as_of: datetime.date | None) -> QuerySet:
    """`distinct=latest`: leave out a recommendation that a later report repeats (one that
    existed by `as_of`, when given), so each counts once, in its latest report."""
    # A withdrawn repeat does not count: the earlier one stays the latest shown.
    repeaters = Recommendation.objects.public().filter(repeats=OuterRef("pk"))
    if as_of is not None:
        repeaters = repeaters.filter(source__report_year__lte=as_of.year)
    return queryset.filter(~Exists(repeaters))


def latest_only_sql(as_of: datetime.date | None) -> tuple[str, list]:
    """`latest_only` as a condition over `r` for the list statement."""
    if as_of is None:
        return f"NOT EXISTS (SELECT 1 FROM {RECOMMENDATION} l WHERE l.repeats_id = r.id AND l.withdrawn_at IS NULL)", []
    return (
        f"NOT EXISTS (SELECT 1 FROM {RECOMMENDATION} l JOIN {SOURCE} ls ON ls.id = l.source_id "
        "WHERE l.repeats_id = r.id AND l.withdrawn_at IS NULL AND ls.report_year <= %s)",
        [as_of.year],
    )


def status_on(recommendation_id: int, as_of: datetime.date) -> str | None:
    """One recommendation's status at the end of `as_of` (the detail's `status_as_of`); None
    when its report did not exist yet, as the list then leaves it out. One query."""
    rows = existed_by(Recommendation.objects.filter(pk=recommendation_id), as_of)
    return rows.annotate(status_at=status_at_annotation(as_of, rows)).values_list("status_at", flat=True).first()
