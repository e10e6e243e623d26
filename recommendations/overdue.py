"""Overdue, the one rule: on a day D a recommendation is overdue when it was due before D
(`due_on` < D) and was not implemented as of D (its status at the end of D, by the rule of
listing/as_of.py). Without a day, D is today, whose status is the stored one; a day after
today answers as today, as `as_of` does.

Every form of the rule is built here from its two parts — "due before the day" and the
statuses that are not done — for the model (`Recommendation.is_overdue`), the reminders, the
list's SQL, the filter set, the stats' and the timeline's counts and the "my work" page.
"""

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from recommendations.choices import Status

DONE = Status.IMPLEMENTED  # the one status that is never overdue


def overdue_day(as_of: datetime.date | None = None) -> datetime.date:
    """The day overdue is judged on: `as_of`, or today when absent or later."""
    today = timezone.localdate()
    return min(as_of, today) if as_of is not None else today


def judged_on_stored_status(as_of: datetime.date | None) -> bool:
    """Whether the stored status is the status on the day judged: with no `as_of`, or one of
    today or later (progress is never dated after today)."""
    return as_of is None or as_of >= timezone.localdate()


def statuses_kept(overdue: bool, statuses: set[str] | None = None) -> set[str]:
    """Of a recommendation due before the day, the statuses (that day) for which it is
    overdue (or, with `overdue` false, is not), within `statuses` when given."""
    among = set(Status.values) if statuses is None else set(statuses)
    return among - {DONE} if overdue else among & {DONE}


def is_overdue(*, due_on: datetime.date | None, status: str, day: datetime.date) -> bool:
    return due_on is not None and due_on < day and status in statuses_kept(True)


def due_before(day: datetime.date) -> Q:
    # `due_on < day` is false for an empty due date, so no IS NOT NULL is needed.
    return Q(due_on__lt=day)


def overdue_q(day: datetime.date, *, status_field: str = "status") -> Q:
    """Overdue on `day`, as an ORM condition; `status_field` holds the status that day (an
    annotation of the status as of an earlier day, or the stored status for today)."""
    return due_before(day) & Q(**{f"{status_field}__in": sorted(statuses_kept(True))})


def overdue_sql(
    overdue: bool, day: datetime.date, *, status_sql: str = "r.status", params: Any = ()
) -> tuple[str, list]:
    """The same condition as SQL over the recommendation `r` (negated when `overdue` is
    false), with `status_sql` (and its `params`) giving the status that day."""
    kept = sorted(statuses_kept(True))
    condition = f"(r.due_on IS NOT NULL AND r.due_on < %s AND {status_sql} IN ({', '.join(['%s'] * len(kept))}))"
    return (condition if overdue else f"NOT {condition}"), [day, *params, *kept]
