"""The recommendation list as one SQL statement: the API's busiest read.

Parameters are validated where they always are: filters by `RecommendationFilterSet`'s form,
cursor, ordering and page size by `KeysetPagination`. Only the statement itself is written
here instead of being built by django-filter and the ORM on every request; building,
compiling and converting it cost about four times what PostgreSQL spends answering it
(BENCHMARKS.md). Stats, exports and the pages keep using `filterset.qs`.

Each filter's SQL condition stands beside its name in `FILTER_CONDITIONS`.
tests/test_list_query.py fails when a filter of the filter set has no condition here, and
checks that each condition returns exactly the rows `filterset.qs` returns.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.utils import timezone

from .filtersets import NO_AREA
from .models import Recommendation, ResponsibleBody
from .search import search_terms
from .selectors import RECOMMENDATION_ORDERING_FIELDS

RECOMMENDATION = Recommendation._meta.db_table
SOURCE = Recommendation._meta.get_field("source").related_model._meta.db_table
RESPONSIBLE_BODY_LINK = Recommendation.responsible_bodies.through._meta.db_table

# (name in the row, SQL) in SELECT order; the names are what `recommendation_list_data` reads.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "r.id"),
    ("source__slug", "s.slug"),
    ("country", "r.country"),
    ("area", "r.area"),
    ("action", "r.action"),
    ("year_start", "r.year_start"),
    ("year_end", "r.year_end"),
    ("priority", "r.priority"),
    ("position", "r.position"),
    ("status", "r.status"),
    ("status_changed_at", "r.status_changed_at"),
    ("repeats_id", "r.repeats_id"),
    # Whether a second query for the page's responsible bodies is needed at all.
    ("has_responsible_bodies", f"EXISTS (SELECT 1 FROM {RESPONSIBLE_BODY_LINK} b WHERE b.recommendation_id = r.id)"),
)
DATETIME_COLUMNS = ("status_changed_at", "created_at")
# Columns a page may be ordered by: the one whitelist the view, the exports and KeysetPagination use.
SORT_COLUMNS = {name: f"r.{name}" for name in RECOMMENDATION_ORDERING_FIELDS}

Condition = tuple[str, list[Any]]


def _placeholders(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def _area(values: list[str], connection: BaseDatabaseWrapper) -> Condition:
    codes = [value for value in values if value != NO_AREA]
    parts = [f"r.area IN ({_placeholders(codes)})"] if codes else []
    if NO_AREA in values:
        parts.append("r.area IS NULL")
    return f"({' OR '.join(parts)})", codes


def _in(column: str) -> Callable[[list, BaseDatabaseWrapper], Condition]:
    return lambda values, connection: (f"{column} IN ({_placeholders(values)})", list(values))


def _equals(column: str) -> Callable[[Any, BaseDatabaseWrapper], Condition]:
    return lambda value, connection: (f"{column} = %s", [value])


def _text(value: str, connection: BaseDatabaseWrapper) -> Condition:
    # The backend's own `contains` operator and escaping, as the ORM's `__contains` uses.
    terms = search_terms(value)
    if not terms:
        return "", []
    operator = connection.operators["contains"]
    condition = " AND ".join(f"r.action_search {operator}" for _term in terms)
    return condition, [f"%{connection.ops.prep_for_like_query(term)}%" for term in terms]


def _responsible_bodies(bodies: Sequence[ResponsibleBody], connection: BaseDatabaseWrapper) -> Condition:
    ids = [body.pk for body in bodies]
    return (
        f"r.id IN (SELECT recommendation_id FROM {RESPONSIBLE_BODY_LINK} WHERE responsiblebody_id IN "
        f"({_placeholders(ids)}))",
        ids,
    )


# One entry per filter of RecommendationFilterSet, called with its cleaned, non-empty value.
FILTER_CONDITIONS: dict[str, Callable[[Any, BaseDatabaseWrapper], Condition]] = {
    "area": _area,
    "status": _in("r.status"),
    "source": _in("s.slug"),
    "country": _in("r.country"),
    "priority": _equals("r.priority"),
    "year": lambda year, connection: ("r.year_start <= %s AND r.year_end >= %s", [year, year]),
    "year_from": lambda year, connection: ("r.year_end >= %s", [year]),
    "year_to": lambda year, connection: ("r.year_start <= %s", [year]),
    "q": _text,
    "repeats": _equals("r.repeats_id"),
    "responsible_body": _responsible_bodies,
}


def _is_set(value: Any) -> bool:
    """Whether a cleaned filter value filters at all: as in django-filter, an empty value
    (None, "", no choices, no objects) does not, but `priority=false` does."""
    if isinstance(value, QuerySet):
        # An absent id filter cleans to `.none()`; asking it for its truth would run it.
        return not value.query.is_empty()
    return value is False or bool(value)


def _after(keys: Sequence, values: Sequence, backwards: bool, connection: BaseDatabaseWrapper) -> Condition:
    """Rows strictly after `values` in the order `keys` (before, if backwards)."""
    alternatives, params = [], []
    for index, key in enumerate(keys):
        equal = [f"{SORT_COLUMNS[earlier.field]} = %s" for earlier in keys[:index]]
        operator = ">" if key.descending == backwards else "<"
        alternatives.append("(" + " AND ".join([*equal, f"{SORT_COLUMNS[key.field]} {operator} %s"]) + ")")
        params.extend(
            _db_value(earlier.field, value, connection)
            for earlier, value in zip(keys[: index + 1], values[: index + 1], strict=True)
        )
    return f"({' OR '.join(alternatives)})", params


def _db_value(field: str, value: Any, connection: BaseDatabaseWrapper) -> Any:
    """A cursor value as the ORM would send it (datetimes differ per backend)."""
    return Recommendation._meta.get_field(field).get_db_prep_value(value, connection)


def recommendation_page_rows(
    *,
    filters: dict[str, Any],
    keys: Sequence,
    after: Sequence | None,
    backwards: bool,
    limit: int,
) -> list[dict[str, Any]]:
    """Up to `limit` rows matching the cleaned `filters`, in the order of the sort `keys`
    (reversed when `backwards`), strictly after the key values `after` when given."""
    connection = connections[router.db_for_read(Recommendation)]
    conditions, params = [], []
    for name, value in filters.items():
        if not _is_set(value):
            continue
        sql, condition_params = FILTER_CONDITIONS[name](value, connection)
        if sql:
            conditions.append(sql)
            params.extend(condition_params)
    if after is not None:
        sql, after_params = _after(keys, after, backwards, connection)
        conditions.append(sql)
        params.extend(after_params)
    order = ", ".join(f"{SORT_COLUMNS[key.field]} {'ASC' if key.descending == backwards else 'DESC'}" for key in keys)
    # A sort key that is not shown is still selected: the cursor is built from the row's values.
    columns = [*COLUMNS, *((key.field, SORT_COLUMNS[key.field]) for key in keys if key.field not in dict(COLUMNS))]
    statement = (
        f"SELECT {', '.join(sql for _name, sql in columns)} "
        f"FROM {RECOMMENDATION} r JOIN {SOURCE} s ON s.id = r.source_id "
        f"{'WHERE ' + ' AND '.join(conditions) if conditions else ''} "
        f"ORDER BY {order} LIMIT %s"
    )
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        names = [name for name, _sql in columns]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if connection.vendor == "sqlite":
        _sqlite_values(rows, connection)
    return rows


def _sqlite_values(rows: list[dict[str, Any]], connection: BaseDatabaseWrapper) -> None:
    """SQLite hands back naive UTC datetimes and 0/1 for EXISTS; make them what the ORM gives."""
    for row in rows:
        for name in DATETIME_COLUMNS:
            value = row.get(name)
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            if value is not None and timezone.is_naive(value):
                row[name] = timezone.make_aware(value, connection.timezone)
        row["has_responsible_bodies"] = bool(row["has_responsible_bodies"])
        row["priority"] = bool(row["priority"])
