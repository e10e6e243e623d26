"""SQL conditions of the list filters. The list statement (`query.py`) applies each filter as
one of these rather than through django-filter and the ORM, which cost several times the query
itself. Each is called with the filter's cleaned, non-empty value and the database connection,
and returns (SQL over `r` the recommendation and `s` its source, parameters). The filter set
(`filters.py`) declares each beside its filter (`sql=`).
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from recommendations import overdue as overdue_rule
from recommendations.models import Measure, MeasureLink, Recommendation, ResponsibleBody
from recommendations.search import parse_query

NO_AREA = "none"  # the `area` value of a recommendation with no area

Condition = tuple[str, list[Any]]
SQLCondition = Callable[[Any, BaseDatabaseWrapper], Condition]
RESPONSIBLE_BODY_LINK = Recommendation.responsible_bodies.through._meta.db_table
MEASURE_LINK = MeasureLink._meta.db_table


def placeholders(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def area_sql(values: list[str], connection: BaseDatabaseWrapper) -> Condition:
    codes = [value for value in values if value != NO_AREA]
    parts = [f"r.area IN ({placeholders(codes)})"] if codes else []
    if NO_AREA in values:
        parts.append("r.area IS NULL")
    return f"({' OR '.join(parts)})", codes


def in_sql(column: str) -> SQLCondition:
    return lambda values, connection: (f"{column} IN ({placeholders(values)})", list(values))


def equals_sql(column: str) -> SQLCondition:
    return lambda value, connection: (f"{column} = %s", [value])


def text_sql(value: str, connection: BaseDatabaseWrapper) -> Condition:
    """`search.matching_q` as SQL: the backend's own `contains` operator and escaping, as the
    ORM's `__contains` uses, so both answer alike on SQLite and PostgreSQL."""
    query = parse_query(value)
    if not query:
        return "", []
    operator = connection.operators["contains"]
    groups, params = [], []
    for group in query:
        terms = [f"{'NOT ' if term.excluded else ''}r.action_search {operator}" for term in group]
        groups.append(f"({' OR '.join(terms)})")
        params += [f"%{connection.ops.prep_for_like_query(term.pattern)}%" for term in group]
    return " AND ".join(groups), params


def responsible_bodies_sql(bodies: Sequence[ResponsibleBody], connection: BaseDatabaseWrapper) -> Condition:
    ids = [body.pk for body in bodies]
    return (
        f"r.id IN (SELECT recommendation_id FROM {RESPONSIBLE_BODY_LINK} WHERE responsiblebody_id IN "
        f"({placeholders(ids)}))",
        ids,
    )


def measures_sql(measures: Sequence[Measure], connection: BaseDatabaseWrapper) -> Condition:
    ids = [measure.pk for measure in measures]
    return f"r.id IN (SELECT recommendation_id FROM {MEASURE_LINK} WHERE measure_id IN ({placeholders(ids)}))", ids


def overdue_sql(value: bool, connection: BaseDatabaseWrapper) -> Condition:
    # Today, by the stored status; with an earlier `as_of`, query.py uses the status that day.
    return overdue_rule.overdue_sql(value, overdue_rule.overdue_day())
