"""Counts of recommendations: in total, by status, and by area, year and source.

Nothing here loads recommendation rows into Python to count them: statistics are grouped
queries whose result size depends on the number of distinct (area, status), (year range,
status) and (source, status) combinations, not on the number of recommendations.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from recommendations.choices import AREAS, Status, area_name, status_order
from recommendations.listing import selectors
from recommendations.models import Source

from . import as_of as status_as_of

AREA_POSITION = {area.code: area.position for area in AREAS}


STATUS_VALUES = tuple(Status.values)


def _empty_status_counts() -> dict[str, int]:
    return dict.fromkeys(STATUS_VALUES, 0)


def _grouped(queryset: QuerySet, *fields: str) -> QuerySet:
    # order_by() drops the model's default ordering, which would otherwise join the GROUP BY.
    # COUNT(*), not COUNT(id): an index holding the filtered and grouped columns then answers
    # alone, without reading table rows (migration 0004).
    # Tuples (fields…, status, count): stats iterate a row per group, thousands at scale.
    return queryset.order_by().values_list(*fields, "status").annotate(count=Count("*"))


STATS_BREAKDOWNS = ("area", "year", "source")


def stats_breakdowns(values: Iterable[str]) -> tuple[str, ...]:
    """The breakdowns a stats request asks for (`?breakdown=area,year`); all when none."""
    asked = [part.strip() for value in values for part in value.split(",") if part.strip()]
    unknown = [name for name in asked if name not in STATS_BREAKDOWNS]
    if unknown:
        raise ValidationError(
            {
                "breakdown": [
                    _("“%(value)s” is not a breakdown; use one of: %(allowed)s.")
                    % {"value": unknown[0], "allowed": ", ".join(STATS_BREAKDOWNS)}
                ]
            }
        )
    return tuple(name for name in STATS_BREAKDOWNS if name in asked) or STATS_BREAKDOWNS


def filtered_stats(
    *, params: QueryDict, breakdowns: Iterable[str] = STATS_BREAKDOWNS, extra_parameters: Iterable[str] = ()
) -> dict[str, Any]:
    """The stats of the recommendations matching the list filters in `params` (a QueryDict),
    as of the `as_of` day when given. Raises ValidationError naming a bad parameter."""
    queryset, filters = selectors.recommendation_selection(params=params, extra_parameters=extra_parameters)
    as_of = filters.get("as_of")
    if as_of is None:
        return recommendation_stats(queryset, breakdowns=breakdowns)
    # Counted without the status filter, which then keeps the statuses asked for: filtering
    # by the status of that day would evaluate it for every row instead of for the logged ones.
    unfiltered = QueryDict(mutable=True)
    for name, values in params.lists():
        if name != "status":
            unfiltered.setlist(name, values)
    queryset = selectors.recommendation_list(params=unfiltered, extra_parameters=extra_parameters)
    return recommendation_stats(queryset, breakdowns=breakdowns, as_of=as_of, statuses=filters.get("status") or None)


def _status_corrections(queryset: QuerySet, as_of: datetime.date) -> list[tuple]:
    """(area, year_start, year_end, source id, stored status, status at `as_of`, count) for
    the recommendations of `queryset` whose status that day differs from the stored one.
    One grouped query over their progress log, whatever the number of recommendations."""
    connection = connections[queryset.db]
    columns = ("area", "year_start", "year_end", "source_id", "status")
    rows_sql, rows_params = queryset.order_by().values("pk", *columns).query.sql_with_params()
    deciding, deciding_params = status_as_of.deciding_entries_sql(as_of, connection, rows_sql, columns)
    statement = (
        f"SELECT {', '.join(columns)}, status_at, COUNT(*) FROM ({deciding}) d "
        f"WHERE status <> status_at GROUP BY {', '.join(columns)}, status_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*deciding_params, *rows_params])
        return cursor.fetchall()


def recommendation_stats(
    queryset: QuerySet,
    *,
    breakdowns: Iterable[str] = STATS_BREAKDOWNS,
    as_of: datetime.date | None = None,
    statuses: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Counts of the recommendations in `queryset`: in total, by status, and by area, year
    and source (those of them in `breakdowns`), each split by status. A recommendation
    counts in every year of its range.

    One grouped query per breakdown (by status alone when area is not asked for), plus one
    for the titles of the sources counted, whatever the number of rows.

    With `as_of` (the queryset then holds the recommendations whose report existed by that
    day) each counts under its status at the end of that day: the groups are counted by
    stored status, then one more query moves the recommendations whose status that day was
    another (progress logged since, or backdated) to it. `statuses` then keeps only those
    statuses, as the status filter does without `as_of`.
    """
    breakdowns = set(breakdowns)
    # Every query of one response on one database: replicas picked per query could lag
    # differently, and the breakdowns would stop adding up to the total.
    database = queryset.db
    queryset = queryset.using(database)

    by_status = _empty_status_counts()
    by_area: dict[str | None, dict[str, int]] = defaultdict(_empty_status_counts)
    by_year: dict[int, dict[str, int]] = defaultdict(_empty_status_counts)
    by_source: dict[int, dict[str, int]] = defaultdict(_empty_status_counts)
    if "area" in breakdowns:
        for area, status, count in _grouped(queryset, "area"):
            by_area[area][status] += count
            by_status[status] += count
    else:
        for status, count in _grouped(queryset):
            by_status[status] += count
    if "year" in breakdowns:
        # Few distinct ranges exist (a report suggests one to a handful), so expanding each
        # (range, status) group into its years costs nothing however many rows share it.
        for year_start, year_end, status, count in _grouped(queryset, "year_start", "year_end"):
            for year in range(year_start, year_end + 1):
                by_year[year][status] += count
    if "source" in breakdowns:
        # Grouped by the key alone, titles fetched for the sources counted: grouping by the
        # joined titles made the database visit every source's rows (200 ms at 1M rows).
        for source_id, status, count in _grouped(queryset, "source"):
            by_source[source_id][status] += count

    if as_of is not None:
        for area, year_start, year_end, source_id, stored, status_at, count in _status_corrections(queryset, as_of):
            moved = [by_status]
            if "area" in breakdowns:
                moved.append(by_area[area])
            if "year" in breakdowns:
                moved.extend(by_year[year] for year in range(year_start, year_end + 1))
            if "source" in breakdowns:
                moved.append(by_source[source_id])
            for counts in moved:
                counts[stored] -= count
                counts[status_at] += count
    if statuses is not None:
        kept = set(statuses)
        for counts in (by_status, *by_area.values(), *by_year.values(), *by_source.values()):
            for status in counts:
                if status not in kept:
                    counts[status] = 0

    def with_total(counts: dict[str, int]) -> dict[str, Any]:
        return {"total": sum(counts.values()), "by_status": counts}

    def counted(groups: dict) -> list:
        return [(key, counts) for key, counts in groups.items() if sum(counts.values())]

    stats: dict[str, Any] = {}
    if "area" in breakdowns:
        stats["by_area"] = [
            {"area": area, **with_total(counts)}
            for area, counts in sorted(counted(by_area), key=lambda item: AREA_POSITION.get(item[0], len(AREAS) + 1))
        ]
    if "year" in breakdowns:
        stats["by_year"] = [{"year": year, **with_total(counts)} for year, counts in sorted(counted(by_year))]
    if "source" in breakdowns:
        counted_sources = dict(counted(by_source))
        sources = (
            Source.objects.using(database)
            .filter(pk__in=list(counted_sources))
            .values("pk", "slug", "title", "report_year", "kind")
        )
        stats["by_source"] = [
            {
                "source": source["slug"],
                "title": source["title"],
                "report_year": source["report_year"],
                "kind": source["kind"],
                **with_total(counted_sources[source["pk"]]),
            }
            for source in sorted(sources, key=lambda source: (-source["report_year"], source["slug"]))
        ]

    return {"total": sum(by_status.values()), "by_status": by_status, **stats}


def status_label_list() -> list[dict[str, str]]:
    """The statuses from least to most done, labelled in the active language."""
    return [{"code": code, "label": label} for code, label in status_order()]


def stats_data(stats: dict) -> dict:
    """The stats response: the counts with status labels and area names in the active language."""
    not_classified = _("Not classified")
    data = {
        "total": stats["total"],
        "statuses": status_label_list(),
        "by_status": stats["by_status"],
    }
    if "by_area" in stats:
        data["by_area"] = [
            {
                "area": row["area"],
                "area_name": area_name(row["area"]) if row["area"] else not_classified,
                "total": row["total"],
                "by_status": row["by_status"],
            }
            for row in stats["by_area"]
        ]
    data.update({key: stats[key] for key in ("by_year", "by_source") if key in stats})
    return data
