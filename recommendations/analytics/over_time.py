"""Progress over time and the changes between two dates, from the progress log.

Both follow the rule of `listing/as_of.py` — a status at a day is the latest entry that happened by
then (ties by when recorded), a recommendation counts once its report year has begun — and
both run a fixed number of queries, whatever the number of recommendations or periods:

- the timeline counts the recommendations by report year and stored status (one grouped
  query), then reads the log once, grouped by report year, period and transition (from which
  status to which), and adds the transitions up period by period in Python;
- the changes compare each recommendation's status at both dates, for those with progress
  that happened between them (the only ones whose status can differ).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Count, DateField, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations import overdue as overdue_rule
from recommendations.choices import Status, area_name
from recommendations.listing import as_of as status_as_of
from recommendations.models import Recommendation
from recommendations.progress.published import published_entries
from recommendations.years import YEAR_MAX, YEAR_MIN

INTERVALS = ("month", "quarter", "year")
# Report years are within YEAR_MIN–YEAR_MAX and the end is today at the latest, so months stay below this.
MAX_PERIODS = 12 * (YEAR_MAX - YEAR_MIN + 1)
CHANGES_LIST_LIMIT = 1000
_MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "year": 12}
# The list's filters the counts over time apply themselves, at each day they count (a status,
# a later repeat, being overdue all change with the day): the selection is made without them.
RECOUNTED_FILTERS = ("status", "distinct", "as_of", "overdue")


def without_recounted(params: QueryDict, *others: str) -> QueryDict:
    """The query parameters that select what the counts over time count: all but the
    RECOUNTED_FILTERS (and `others`, the caller's own parameters)."""
    kept = QueryDict(mutable=True)
    for name, values in params.lists():
        if name not in RECOUNTED_FILTERS and name not in others:
            kept.setlist(name, values)
    return kept


def recounted(filters: dict[str, Any]) -> dict[str, Any]:
    """The RECOUNTED_FILTERS' cleaned values as `recommendation_timeline` and
    `recommendation_changes` take them (as_of is their end, passed apart)."""
    return {
        "statuses": filters.get("status") or None,
        "distinct": filters.get("distinct") == "latest",
        "overdue": filters.get("overdue"),
    }


def parse_day(value: str | None, name: str) -> datetime.date | None:
    """A YYYY-MM-DD parameter; None when absent; ValidationError naming it otherwise. Any day
    of the calendar, as `as_of` (listing/fields.py, `AsOfField`) takes: the timeline runs from the first
    report counted to today at the widest, so a far `from` or `to` says "from the start" or
    "until now"."""
    if value is None or value == "":
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}) from None


def parse_interval(value: str | None) -> str:
    """`year` when not given; an empty value is a 400 like any other value that is none of them
    (an analyst's script that lost its variable must not get yearly periods as if asked)."""
    if value is None:
        return "year"
    if value not in INTERVALS:
        raise ValidationError(
            {
                "interval": [
                    _("“%(value)s” is not an interval; use one of: %(allowed)s.")
                    % {"value": value, "allowed": ", ".join(INTERVALS)}
                ]
            }
        )
    return value


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    partial: bool  # the last period, cut at `to`


def _period_start(day: datetime.date, interval: str) -> datetime.date:
    months = _MONTHS_PER_PERIOD[interval]
    return datetime.date(day.year, (day.month - 1) // months * months + 1, 1)


def _next_start(start: datetime.date, interval: str) -> datetime.date:
    month = start.month - 1 + _MONTHS_PER_PERIOD[interval]
    return datetime.date(start.year + month // 12, month % 12 + 1, 1)


def previous_quarter_end(day: datetime.date) -> datetime.date:
    """The last day of the quarter before the one holding `day`: "what changed this quarter"
    (the calendar's first day for its first quarter, which has none before it)."""
    start = _period_start(day, "quarter")
    return start - datetime.timedelta(days=1) if start > datetime.date.min else start


def periods(start: datetime.date, end: datetime.date, interval: str) -> list[Period]:
    """The periods from the one holding `start` to the one holding `end`, the last cut at `end`."""
    found = []
    current = _period_start(start, interval)
    while current <= end:
        following = _next_start(current, interval)
        period_end = following - datetime.timedelta(days=1)
        found.append(Period(current, min(period_end, end), period_end > end))
        if len(found) > MAX_PERIODS:
            raise ValidationError(
                {
                    "interval": [
                        _("More than %(count)d periods; choose a longer interval or a shorter range.")
                        % {"count": MAX_PERIODS}
                    ]
                }
            )
        current = following
    return found


def _superseded_year() -> Subquery:
    """The report year of the earliest later report that repeats the recommendation."""
    return Subquery(
        Recommendation.objects.public()
        .filter(repeats=OuterRef("pk"))
        .order_by()
        .values("repeats")
        .annotate(year=Min("source__report_year"))
        .values("year")
    )


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _log_rows(queryset: QuerySet, interval: str, end: datetime.date, distinct: bool, by_due: bool) -> list[tuple]:
    """The log of the recommendations of `queryset`, grouped: (report year, year superseded,
    due date (when `by_due`), stored status, status before the log, is the first entry by
    date, period start of the entry, entry on or before `end`, status before the entry,
    status after it, count).

    The status before the log is the first entry's `status_before` in event order, as in
    `listing/as_of.py` and progress/timeline.py: one ordering of the log serves (a second, by recording
    time, was a quarter of the time over a million rows)."""
    connection = connections[queryset.db]
    # The recommendation's own columns ride along with its ids, so that the log is joined to
    # the filtered rows only: joining the entries back to the table made the database read
    # every recommendation (a million rows) to find a country's.
    rows = queryset.order_by().annotate(t_year=F("source__report_year"))
    if distinct:
        rows = rows.annotate(t_superseded=_superseded_year())
    else:
        rows = rows.annotate(t_superseded=Value(None, output_field=IntegerField()))
    rows = rows.annotate(t_due=F("due_on") if by_due else Value(None, output_field=DateField()))
    rows_sql, rows_params = rows.values("pk", "status", "t_year", "t_superseded", "t_due").query.sql_with_params()
    period_sql, period_params = connection.ops.date_trunc_sql(interval, "x.occurred_on", [])
    by_date = "PARTITION BY p.recommendation_id ORDER BY p.occurred_on, p.created_at, p.id"
    day = connection.ops.adapt_datefield_value(end)
    columns = "t_year, t_superseded, t_due, t_stored, t_initial, t_first, t_period, t_in_range, t_from, t_to"
    statement = (
        f"SELECT {columns}, COUNT(*) FROM (SELECT x.t_year, x.t_superseded, x.t_due, x.status AS t_stored, "
        "x.initial_status AS t_initial, "
        "CASE WHEN x.number_by_date = 1 THEN 1 ELSE 0 END AS t_first, "
        f"{period_sql} AS t_period, "
        "CASE WHEN x.occurred_on <= %s THEN 1 ELSE 0 END AS t_in_range, "
        "COALESCE(x.previous_status, x.initial_status) AS t_from, x.status_after AS t_to "
        "FROM (SELECT f.t_year, f.t_superseded, f.t_due, f.status, p.occurred_on, p.status_after, "
        f"LAG(p.status_after) OVER ({by_date}) AS previous_status, "
        f"FIRST_VALUE(p.status_before) OVER ({by_date}) AS initial_status, "
        f"ROW_NUMBER() OVER ({by_date}) AS number_by_date "
        f"FROM {status_as_of.PROGRESS} p JOIN ({rows_sql}) f ON f.pk = p.recommendation_id) x) t "
        f"GROUP BY {columns}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*period_params, day, *rows_params])
        return [(year, superseded, _day_or_none(due), *rest) for year, superseded, due, *rest in cursor.fetchall()]


def _day_or_none(value: Any) -> datetime.date | None:
    return None if value is None else _as_date(value)


def recommendation_timeline(
    queryset: QuerySet,
    *,
    interval: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    distinct: bool = False,
    statuses: Iterable[str] | None = None,
    overdue: bool | None = None,
) -> dict[str, Any]:
    """For each period end, the recommendations of `queryset` counted by their status that
    day (`listing/as_of.py`). `queryset` carries the list filters but neither `status` (`statuses`
    keeps those) nor `distinct` (with `distinct`, a recommendation stops counting in the year
    a later report repeating it appears) nor `overdue` (judged at each period end by the
    status then: the counts are kept by due date for it). Two queries."""
    if start is not None and end is not None and start > end:
        raise ValidationError({"from": [_("Must not be after “to”.")]})
    # No later than today (the log holds nothing later: the status then is today's), and no
    # earlier than the first report counted (before it every count is zero).
    end = min(end or timezone.localdate(), timezone.localdate())
    if start is not None and start > end:
        # Not an empty answer: nothing after today is counted yet.
        raise ValidationError({"from": [_("Must not be after today, the last day the timeline counts.")]})
    by_due = overdue is not None
    grouped = queryset.order_by().annotate(
        superseded=_superseded_year() if distinct else Value(None, output_field=IntegerField()),
        due=F("due_on") if by_due else Value(None, output_field=DateField()),
    )
    base = list(grouped.values_list("source__report_year", "superseded", "due", "status").annotate(count=Count("*")))
    first_year = min((row[0] for row in base), default=end.year + 1)
    start = max(start or datetime.date.min, datetime.date(first_year, 1, 1)) if first_year <= end.year else end
    spans = periods(start, end, interval) if first_year <= end.year else []
    log = _log_rows(queryset, interval, end, distinct, by_due)

    def counted(report_year: int, superseded: int | None, period: Period) -> bool:
        return report_year <= period.end.year and (superseded is None or superseded > period.end.year)

    rows = []
    for period in spans:
        by_due_and_status: dict[tuple[datetime.date | None, str], int] = defaultdict(int)
        for report_year, superseded, due, status, count in base:
            if counted(report_year, superseded, period):
                by_due_and_status[due, status] += count
        for report_year, superseded, due, stored, initial, is_first, bucket, in_range, before, after, count in log:
            if not counted(report_year, superseded, period):
                continue
            if is_first:  # the recommendation counted under its stored status: before the log instead
                by_due_and_status[due, stored] -= count
                by_due_and_status[due, initial] += count
            if in_range and _as_date(bucket) <= period.start:
                by_due_and_status[due, before] -= count
                by_due_and_status[due, after] += count
        counts = dict.fromkeys(Status.values, 0)
        day = overdue_rule.overdue_day(period.end)
        for (due, status), count in by_due_and_status.items():
            if overdue is None or overdue_rule.is_overdue(due_on=due, status=status, day=day) == overdue:
                counts[status] += count
        if statuses is not None:
            counts = {status: (value if status in statuses else 0) for status, value in counts.items()}
        rows.append(
            {
                "end": period.end,
                "partial": period.partial,
                "total": sum(counts.values()),
                "by_status": counts,
            }
        )
    return {"interval": interval, "from": start, "to": end, "periods": rows}


def recommendation_changes(
    queryset: QuerySet,
    *,
    start: datetime.date,
    end: datetime.date,
    distinct: bool = False,
    statuses: Iterable[str] | None = None,
    overdue: bool | None = None,
) -> dict[str, Any]:
    """Which recommendations of `queryset` (its report existed at `start`) had another status
    at the end of `end` than at the end of `start`: counts per (from, to) and the list (up to
    CHANGES_LIST_LIMIT, oldest id first); and the recommendations of reports that appeared
    in between, by their status at `end`. `statuses` keeps those whose status at `end` is one
    of them, `overdue` those overdue (or not) at `end`. Three queries."""
    if start > end:
        raise ValidationError({"to": [_("Must not be before “from”.")]})
    if distinct:
        queryset = status_as_of.latest_only(queryset, end)
    happened = published_entries().filter(recommendation=OuterRef("pk"), occurred_on__gt=start, occurred_on__lte=end)
    # A status that began by `start` held at both dates (`as_of.changed_since_bound`).
    bound = status_as_of.changed_since_bound(start)
    began_after = Q(status_changed_at__gte=bound) if bound is not None else Q()
    changed = (
        status_as_of.existed_by(queryset, start)
        .filter(Exists(happened), began_after)
        .annotate(
            status_from=status_as_of.status_at_annotation(start, queryset),
            status_to=status_as_of.status_at_annotation(end, queryset),
        )
        .exclude(status_from=F("status_to"))
    )
    if statuses is not None:
        changed = changed.filter(status_to__in=list(statuses))
    changed = _overdue_at(changed, overdue, end)
    transitions = list(changed.order_by().values_list("status_from", "status_to").annotate(count=Count("*")))
    listed = list(
        changed.order_by("pk").values_list("pk", "source__slug", "area", "action", "status_from", "status_to")[
            : CHANGES_LIST_LIMIT + 1
        ]
    )
    added_query = queryset.filter(source__report_year__gt=start.year, source__report_year__lte=end.year).annotate(
        status_to=status_as_of.status_at_annotation(end, queryset)
    )
    if statuses is not None:
        added_query = added_query.filter(status_to__in=list(statuses))
    added_query = _overdue_at(added_query, overdue, end)
    added = dict.fromkeys(Status.values, 0)
    for status, count in added_query.order_by().values_list("status_to").annotate(count=Count("*")):
        added[status] += count
    labels = dict(Status.choices)
    order = {status: index for index, status in enumerate(Status.values)}
    return {
        "from": start,
        "to": end,
        "total": sum(count for _from, _to, count in transitions),
        "transitions": [
            {
                "from": status_from,
                "from_label": str(labels[status_from]),
                "to": status_to,
                "to_label": str(labels[status_to]),
                "count": count,
            }
            for status_from, status_to, count in sorted(transitions, key=lambda row: (order[row[0]], order[row[1]]))
        ],
        "recommendations": [
            {
                "id": pk,
                "source": slug,
                "area": area,
                "area_name": area_name(area) if area else None,
                "action": action,
                "from": status_from,
                "to": status_to,
            }
            for pk, slug, area, action, status_from, status_to in listed[:CHANGES_LIST_LIMIT]
        ],
        "recommendations_truncated": len(listed) > CHANGES_LIST_LIMIT,
        "added": {"total": sum(added.values()), "by_status": added},
    }


def _overdue_at(queryset: QuerySet, overdue: bool | None, day: datetime.date) -> QuerySet:
    """Rows of `queryset` (annotated with `status_to`, their status at `day`) overdue or not then."""
    if overdue is None:
        return queryset
    condition = overdue_rule.overdue_q(overdue_rule.overdue_day(day), status_field="status_to")
    return queryset.filter(condition) if overdue else queryset.exclude(condition)
