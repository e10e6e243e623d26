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
from recommendations.search import WORD_START_TABLE, Query, Term, parse_query, word_start_key

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


def _word_start_term(query: Query) -> Term | None:
    """The term a PostgreSQL search finds through the word-start table: of the groups that
    are one term to find (not OR-ed, not excluded) with a word long enough, the one with the
    longest word."""
    keyed = [group[0] for group in query if len(group) == 1 and word_start_key(group[0])]
    return max(keyed, key=lambda term: max(map(len, term.words)), default=None)


def text_scan_sql(value: str, connection: BaseDatabaseWrapper) -> Condition:
    """`text_sql` without the word-start lookup, for a statement that reads every match
    anyway (a count, a sort on another key): PostgreSQL's trigram index then finds them all
    at once and reads their pages, where the lookup would test each through the primary key
    (1.5-8 x slower at 1,000,000 rows; BENCHMARKS.md)."""
    return text_sql(value, connection, word_starts=False)


def text_sql(
    value: str, connection: BaseDatabaseWrapper, word_starts: bool = True, after_id: tuple[str, int] | None = None
) -> Condition:
    """`search.matching_q` as SQL: the backend's own `contains` operator and escaping, as the
    ORM's `__contains` uses, so both answer alike on SQLite and PostgreSQL.

    On PostgreSQL one term is found through the rows of its word start instead (migration
    0026), which hands them in id order, within the country when the list is one country's:
    a page reads about as many candidates as it shows, however late or sparse the matches,
    where the primary key's walk reads every row until it has 51. The candidate is then
    checked for the whole term (`tracker_search_text_has`, the same substring test as
    `contains`). A page after a keyset cursor on id gives it as `after_id` (">" or "<", the
    id): the lookup then starts at the cursor, which PostgreSQL would not work out from the
    list's own `r.id > …` (it carries only equalities into a subquery)."""
    query = parse_query(value)
    if not query:
        return "", []
    operator = connection.operators["contains"]
    groups, params = [], []
    keyed = _word_start_term(query) if word_starts and connection.vendor == "postgresql" else None
    if keyed is not None:
        key = word_start_key(keyed)
        bound, bound_params = "", []
        if after_id is not None and after_id[0] in (">", "<"):
            bound, bound_params = f" AND w.recommendation_id {after_id[0]} %s", [after_id[1]]
        groups.append(
            f"(r.country, r.id) IN "
            f"(SELECT w.country, w.recommendation_id FROM {WORD_START_TABLE} w WHERE w.prefix = %s{bound})"
        )
        # Checked even when the word start is the whole term: the check is what keeps the
        # planner on this table's order (see the function in migration 0026).
        groups.append("tracker_search_text_has(r.action_search, %s)")
        params += [key, *bound_params, keyed.pattern]
        query = tuple(group for group in query if group != (keyed,))
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
