"""Orderings of the recommendation list that are not a plain non-null column: by status,
area, source, country, due date and the date of the latest progress. Each is one expression,
the same in the list's SQL (`query.py`, keyset pagination) and in the ORM (exports,
`selectors`), never null so that "rows after this key" is exact:

- `status`: its place in the workflow, not assessed → implemented (the stats' order), not
  its code's spelling; `status_as_of`: the same for the status at the end of the `as_of`
  day, which it needs (a 400 naming `ordering` without it);
- `area`: the code, not classified (null) first;
- `source`: the report's slug; `country`: the ISO code;
- `due_on`: the due date, those without one last;
- `last_progress_on`: the day the latest progress happened, those without progress first.

The id breaks ties, as for every ordering."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, F, Max, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from recommendations.choices import Status
from recommendations.models import Recommendation
from recommendations.progress.published import PUBLISHED_ENTRIES_SQL, published_entries

from . import as_of as status_as_of

PROGRESS = PUBLISHED_ENTRIES_SQL
NO_DUE_DATE = datetime.date(9999, 12, 31)
NO_PROGRESS = datetime.date(1, 1, 1)
# Each status's place in the workflow, the order `Status` declares (and the stats count in).
STATUS_RANK = {code: rank for rank, code in enumerate(Status.values)}
NO_RANK = -1  # a status no code has: the constraint on the column stops it; never null all the same

SortSQL = tuple[str, list[Any]]


@dataclass(frozen=True)
class DerivedSort:
    # SQL over `r` the recommendation and `s` its source, with its parameters, given the
    # list's `as_of` day (None without it).
    sql: Callable[[datetime.date | None, BaseDatabaseWrapper], SortSQL]
    # The same as an ORM expression over a recommendation queryset.
    orm: Callable[[datetime.date | None, QuerySet], Any]
    field: models.Field  # reads a cursor's value back and prepares it for the database
    needs_as_of: bool = False


def _fixed(sql: str) -> Callable[[datetime.date | None, BaseDatabaseWrapper], SortSQL]:
    return lambda as_of, connection: (sql, [])


def status_rank_sql(status_sql: str) -> str:
    """The place in the workflow of the status `status_sql` gives."""
    ranks = " ".join(f"WHEN '{code}' THEN {rank}" for code, rank in STATUS_RANK.items())
    return f"CASE {status_sql} {ranks} ELSE {NO_RANK} END"


def _status_rank(as_of, queryset) -> Case:
    ranks = [When(status=code, then=Value(rank)) for code, rank in STATUS_RANK.items()]
    return Case(*ranks, default=Value(NO_RANK), output_field=models.IntegerField())


def _status_rank_as_of_sql(as_of: datetime.date | None, connection: BaseDatabaseWrapper) -> SortSQL:
    assert as_of is not None  # refuse_without_as_of came first
    status_sql, params = status_as_of.status_at_sql(as_of, connection)
    return status_rank_sql(status_sql), params


def _status_rank_as_of(as_of: datetime.date | None, queryset: QuerySet) -> RawSQL:
    assert as_of is not None
    connection = connections[queryset.db]
    alias = connection.ops.quote_name(Recommendation._meta.db_table)
    status_sql, params = status_as_of.status_at_sql(as_of, connection, alias=alias)
    # The module's own SQL around `status_at_sql`'s; the day is a parameter.
    return RawSQL(status_rank_sql(status_sql), params, output_field=models.IntegerField())  # noqa: S611


def _last_progress(as_of, queryset):
    latest = (
        published_entries()
        .filter(recommendation=OuterRef("pk"))
        .order_by()
        .values("recommendation")
        .annotate(last=Max("occurred_on"))
        .values("last")
    )
    return Coalesce(Subquery(latest, output_field=models.DateField()), Value(NO_PROGRESS))


DERIVED_SORTS = {
    "status": DerivedSort(_fixed(status_rank_sql("r.status")), _status_rank, models.IntegerField()),
    "status_as_of": DerivedSort(_status_rank_as_of_sql, _status_rank_as_of, models.IntegerField(), needs_as_of=True),
    "area": DerivedSort(
        _fixed("COALESCE(r.area, '')"),
        lambda as_of, queryset: Coalesce(F("area"), Value(""), output_field=models.CharField()),
        models.CharField(),
    ),
    "source": DerivedSort(_fixed("s.slug"), lambda as_of, queryset: F("source__slug"), models.SlugField()),
    "country": DerivedSort(_fixed("r.country"), lambda as_of, queryset: F("country"), models.CharField()),
    "due_on": DerivedSort(
        _fixed(f"COALESCE(r.due_on, '{NO_DUE_DATE.isoformat()}')"),
        lambda as_of, queryset: Coalesce(F("due_on"), Value(NO_DUE_DATE), output_field=models.DateField()),
        models.DateField(),
    ),
    "last_progress_on": DerivedSort(
        _fixed(
            f"COALESCE((SELECT MAX(p.occurred_on) FROM {PROGRESS} p WHERE p.recommendation_id = r.id), "  # noqa: S608
            f"'{NO_PROGRESS.isoformat()}')"
        ),
        _last_progress,
        models.DateField(),
    ),
}
# The name under which a derived sort's value is selected beside the row's own columns.
SORT_VALUE_PREFIX = "sort_by_"


def refuse_without_as_of(fields: Iterable[str], as_of: datetime.date | None) -> None:
    """A sort by the status on the `as_of` day, asked without the day: a 400 naming `ordering`."""
    if as_of is None and any(field in DERIVED_SORTS and DERIVED_SORTS[field].needs_as_of for field in fields):
        raise ValidationError(
            {"ordering": [_("Ordering by status_as_of needs as_of (the day of that status).")]}, code="invalid"
        )
