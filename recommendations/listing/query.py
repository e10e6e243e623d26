"""The recommendation list as one SQL statement: the API's busiest read.

Parameters are validated where they always are: filters by `RecommendationFilterSet`'s form,
cursor, ordering and page size by `KeysetPagination`. Only the statement itself is written
here instead of being built by django-filter and the ORM on every request; building,
compiling and converting it cost about four times what PostgreSQL spends answering it
(BENCHMARKS.md). Stats, exports and the pages keep using `filterset.qs`.

The selected columns come from `columns.COLUMNS`, each filter's condition from its
declaration in `filters.py` (`sql=`). tests/test_list_query.py checks that each condition
returns exactly the rows `filterset.qs` returns.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from psycopg import postgres
from psycopg.pq import Format

from recommendations import overdue as overdue_rule
from recommendations.models import Measure, Recommendation
from recommendations.tags.models import Tag
from recommendations.tags.selectors import tag_fields_fill

from . import as_of as status_as_of
from . import json_items
from .columns import DATETIME_FIELDS, LIST_SQL, Presentation, list_items
from .conditions import MEASURE_LINK, RESPONSIBLE_BODY_LINK, Condition, text_scan_sql, text_sql
from .filters import RecommendationFilterSet
from .ordering import DERIVED_SORTS, SORT_VALUE_PREFIX, SortSQL, refuse_without_as_of
from .shims import is_set
from .sort_keys import rows_after

RECOMMENDATION = Recommendation._meta.db_table
SOURCE = Recommendation._meta.get_field("source").related_model._meta.db_table
MEASURE = Measure._meta.db_table
RecommendationBodies = Recommendation.responsible_bodies.through
TAG_LINK = Tag.recommendations.through._meta.db_table
SOURCE_ALIAS = re.compile(r"\bs\.")

# (name in the row, SQL) in SELECT order: the declared list columns, and whether a second
# query for the page's responsible bodies is needed at all.
COLUMNS: tuple[tuple[str, str], ...] = (
    *LIST_SQL,
    ("has_responsible_bodies", f"EXISTS (SELECT 1 FROM {RESPONSIBLE_BODY_LINK} b WHERE b.recommendation_id = r.id)"),
    ("has_tags", f"EXISTS (SELECT 1 FROM {TAG_LINK} t WHERE t.recommendation_id = r.id)"),
)
FILTER_CONDITIONS = {name: filter_.sql for name, filter_ in RecommendationFilterSet.base_filters.items()}
# psycopg's own (C) loader for timestamptz. Django's replaces the loaded value's tzinfo in
# Python, one call per value (a tenth of a list request's CPU); the list converts every
# timestamp to the presentation zone anyway (columns.Presentation), so either gives the same JSON.
TIMESTAMPTZ_LOADER = postgres.adapters.get_loader(postgres.types["timestamptz"].oid, Format.TEXT)


def _as_of_conditions(as_of, connection: BaseDatabaseWrapper) -> dict:
    """With `as_of`, the conditions that read the status or the repeats as of that day."""
    status_sql, status_params = status_as_of.status_at_sql(as_of, connection)
    conditions = {
        "status": lambda values, connection: (
            f"{status_sql} IN ({', '.join(['%s'] * len(values))})",
            [*status_params, *values],
        ),
        "distinct": lambda value, connection: status_as_of.latest_only_sql(as_of),
    }
    if not overdue_rule.judged_on_stored_status(as_of):
        conditions["overdue"] = lambda value, connection: overdue_rule.overdue_sql(
            value, overdue_rule.overdue_day(as_of), status_sql=status_sql, params=status_params
        )
    return conditions


def _sort_sql(field: str, as_of, connection: BaseDatabaseWrapper) -> SortSQL:
    """A sort key's SQL and its parameters: a derived sort's expression (`ordering.py`), else
    the column (one of RECOMMENDATION_ORDERING_FIELDS, the one whitelist of the view, the
    exports and KeysetPagination)."""
    if field in DERIVED_SORTS:
        return DERIVED_SORTS[field].sql(as_of, connection)
    return f"r.{field}", []


def _after(keys: Sequence, values: Sequence, backwards: bool, as_of, connection: BaseDatabaseWrapper) -> Condition:
    """Rows strictly after `values` in the order `keys` (before, if backwards): `rows_after` as SQL."""
    alternatives, params = [], []
    for comparisons in rows_after(keys, values, backwards):
        parts = []
        for field, operator, value in comparisons:
            sql, sort_params = _sort_sql(field, as_of, connection)
            parts.append(f"{sql} {operator} %s")
            params.extend([*sort_params, _db_value(field, value, connection)])
        alternatives.append("(" + " AND ".join(parts) + ")")
    return f"({' OR '.join(alternatives)})", params


def _db_value(field: str, value: Any, connection: BaseDatabaseWrapper) -> Any:
    """A cursor value as the ORM would send it (datetimes differ per backend)."""
    if field in DERIVED_SORTS:
        return DERIVED_SORTS[field].field.get_db_prep_value(value, connection)
    return Recommendation._meta.get_field(field).get_db_prep_value(value, connection)


def sort_name(field: str) -> str:
    """The name a sort key's value has in a row: a derived sort's own, a column's its name."""
    return f"{SORT_VALUE_PREFIX}{field}" if field in DERIVED_SORTS else field


def _conditions(
    filters: dict[str, Any],
    connection: BaseDatabaseWrapper,
    in_id_order: bool = False,
    after_id: tuple[str, int] | None = None,
) -> tuple[list[str], list[Any]]:
    """The WHERE conditions (joined by AND) of the cleaned `filters`, with their parameters.
    The search looks its words' starts up only for rows wanted `in_id_order` (a page sorted by
    id, from the cursor `after_id`: conditions.text_sql); a statement that reads every match
    scans (`text_scan_sql`)."""
    as_of = filters.get("as_of")
    condition_for = {**FILTER_CONDITIONS, **(_as_of_conditions(as_of, connection) if as_of else {})}
    if not in_id_order:
        condition_for["q"] = text_scan_sql
    elif after_id is not None:
        condition_for["q"] = lambda value, connection: text_sql(value, connection, after_id=after_id)
    conditions, params = [], []
    for name, value in filters.items():
        if not is_set(value):
            continue
        sql, condition_params = condition_for[name](value, connection)
        if sql:
            conditions.append(sql)
            params.extend(condition_params)
    return conditions, params


def recommendation_count(*, filters: dict[str, Any]) -> int:
    """How many rows match the cleaned `filters`: the list's own conditions, counted (the
    list's `count=true`; BENCHMARKS.md "Counting a filtered list" says what it costs)."""
    connection = connections[router.db_for_read(Recommendation)]
    conditions, params = _conditions(filters, connection)
    # The source is joined only when a condition reads it (`source`, `as_of`): else the count
    # is the recommendation table's (or its indexes') alone.
    join = f"JOIN {SOURCE} s ON s.id = r.source_id " if any(SOURCE_ALIAS.search(sql) for sql in conditions) else ""
    statement = (
        f"SELECT COUNT(*) FROM {RECOMMENDATION} r {join}{'WHERE ' + ' AND '.join(conditions) if conditions else ''}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class MeasureAnswering:
    measure: Measure
    answered: int  # how many of the selected recommendations it answers


def measures_answering(*, filters: dict[str, Any], limit: int) -> list[MeasureAnswering]:
    """The measures answering any recommendation that matches the cleaned `filters` (the
    list's own conditions), each with how many of them it answers; most first.
    One statement: measures and their links are few, the rows are found by the links."""
    connection = connections[router.db_for_read(Recommendation)]
    conditions, params = _conditions(filters, connection)
    join = f"JOIN {SOURCE} s ON s.id = r.source_id " if any(SOURCE_ALIAS.search(sql) for sql in conditions) else ""
    columns = ("id", "country", "kind", "title_az", "title_en", "status")
    statement = (
        f"SELECT {', '.join(f'm.{name}' for name in columns)}, COUNT(*) FROM {MEASURE_LINK} l "
        f"JOIN {MEASURE} m ON m.id = l.measure_id JOIN {RECOMMENDATION} r ON r.id = l.recommendation_id {join}"
        f"{'WHERE ' + ' AND '.join(conditions) if conditions else ''} "
        f"GROUP BY {', '.join(f'm.{name}' for name in columns)} ORDER BY COUNT(*) DESC, m.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, limit])
        rows = cursor.fetchall()
    return [
        MeasureAnswering(Measure(**dict(zip(columns, values, strict=True))), answered) for *values, answered in rows
    ]


def recommendation_page_rows(
    *,
    filters: dict[str, Any],
    keys: Sequence,
    after: Sequence | None,
    backwards: bool,
    limit: int,
    json_for: Presentation | None = None,
) -> list[dict[str, Any]]:
    """Up to `limit` rows matching the cleaned `filters`, in the order of the sort `keys`
    (reversed when `backwards`), strictly after the key values `after` when given.

    With `json_for`, each row is its item as JSON text written by the database (`item`), its
    sort keys, and whether only Python writes its item exactly (`python_only`); raises
    json_items.NotBuildable when the database cannot write this request's items."""
    connection = connections[router.db_for_read(Recommendation)]
    as_of = filters.get("as_of")
    refuse_without_as_of([key.field for key in keys], as_of)
    by_id = [key.field for key in keys] == ["id"]
    after_id = None
    if by_id and after is not None:
        [[(_field, operator, after_value)]] = rows_after(keys, after, backwards)
        after_id = (operator, after_value)
    conditions, params = _conditions(filters, connection, in_id_order=by_id, after_id=after_id)
    if after is not None:
        sql, after_params = _after(keys, after, backwards, as_of, connection)
        conditions.append(sql)
        params.extend(after_params)
    order, order_params = [], []
    for key in keys:
        sql, sort_params = _sort_sql(key.field, as_of, connection)
        order.append(f"{sql} {'ASC' if key.descending == backwards else 'DESC'}")
        order_params.extend(sort_params)
    # The declared `status_as_of` column is NULL; with `as_of` it is the status that day.
    columns: list[tuple[str, SortSQL]] = [
        (name, status_as_of.status_at_sql(as_of, connection) if as_of and name == "status_as_of" else (sql, []))
        for name, sql in COLUMNS
    ]
    # A sort key that is not shown is still selected: the cursor is built from the row's values.
    columns += [
        (sort_name(key.field), _sort_sql(key.field, as_of, connection))
        for key in keys
        if sort_name(key.field) not in dict(COLUMNS)
    ]
    select_params = [param for _name, (_sql, column_params) in columns for param in column_params]
    rows_sql = (
        f"FROM {RECOMMENDATION} r JOIN {SOURCE} s ON s.id = r.source_id "
        f"{'WHERE ' + ' AND '.join(conditions) if conditions else ''} "
        f"ORDER BY {', '.join(order)} LIMIT %s"
    )
    params = [*select_params, *params, *order_params, limit]
    statement = f"SELECT {', '.join(sql for _name, (sql, _params) in columns)} {rows_sql}"
    if json_for is not None:
        # The page's rows first, then each one's item over them: the tags and the responsible
        # bodies are looked up only for the rows that have some (`has_tags`…), once each.
        page: dict[str, SortSQL] = {name: (f'p."{name}"', []) for name, _sql in columns}
        item, item_params = json_items.item_sql(connection, page, json_for)
        python_only, python_only_params = json_items.tags_need_python_sql(connection, page)
        outer = ["item", "python_only", *(sort_name(key.field) for key in keys)]
        outer_order = [f'p."{sort_name(key.field)}" {"ASC" if key.descending == backwards else "DESC"}' for key in keys]
        select_list = ", ".join(f'{sql} AS "{name}"' for name, (sql, _params) in columns)
        statement = (
            f"SELECT {item}, {python_only}, {', '.join(page[sort_name(key.field)][0] for key in keys)} "
            f"FROM (SELECT {select_list} {rows_sql}) p ORDER BY {', '.join(outer_order)}"
        )
        params = [*item_params, *python_only_params, *params]
        columns = [(name, ("", [])) for name in outer]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.cursor.adapters.register_loader("timestamptz", TIMESTAMPTZ_LOADER)
        cursor.execute(statement, params)
        names = [name for name, _sql in columns]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if connection.vendor == "sqlite":
        _sqlite_values(rows, connection)
    return rows


def _sqlite_values(rows: list[dict[str, Any]], connection: BaseDatabaseWrapper) -> None:
    """SQLite hands back naive UTC datetimes and 0/1 for EXISTS; make them what the ORM gives."""
    flags = [name for name in ("has_responsible_bodies", "has_tags", "priority") if rows and name in rows[0]]
    for row in rows:
        for name in DATETIME_FIELDS:
            value = row.get(name)
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            if value is not None and timezone.is_naive(value):
                row[name] = timezone.make_aware(value, connection.timezone)
        if isinstance(row.get("due_on"), str):
            row["due_on"] = date.fromisoformat(row["due_on"])
        for name in flags:
            row[name] = bool(row[name])


def recommendation_page_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """List items for rows of `recommendation_page_rows()`; one query for the responsible
    bodies of the whole page, if any row has some, and one for its tags, likewise."""
    bodies: dict[int, list[dict]] = {row["id"]: [] for row in rows}
    with_bodies = [row["id"] for row in rows if row["has_responsible_bodies"]]
    if with_bodies:
        links = (
            RecommendationBodies.objects.filter(recommendation_id__in=with_bodies)
            .order_by("responsiblebody__name", "responsiblebody_id")
            .values_list(
                "recommendation_id", "responsiblebody_id", "responsiblebody__name", "responsiblebody__abbreviation"
            )
        )
        for recommendation_id, body_id, name, abbreviation in links:
            bodies[recommendation_id].append({"id": body_id, "name": name, "abbreviation": abbreviation})
    for row in rows:
        row["responsible_bodies"] = bodies[row["id"]]
    presentation = Presentation.active()
    tag_fields_fill(rows, presentation.language, tagged=[row["id"] for row in rows if row["has_tags"]])
    return list_items(rows, presentation)
