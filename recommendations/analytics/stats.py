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
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from recommendations import overdue as overdue_rule
from recommendations.choices import AREAS, Status, area_label, status_order
from recommendations.history.services import Actor
from recommendations.listing import as_of as status_as_of
from recommendations.listing import selectors
from recommendations.models import Source
from recommendations.progress.published import published_entries
from recommendations.tags.stats import TAG_BREAKDOWNS, tag_stats

from . import cross

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
# By tag (tags/stats.py): only when asked for.
ALL_BREAKDOWNS = (*STATS_BREAKDOWNS, *TAG_BREAKDOWNS)


def stats_breakdowns(values: Iterable[str]) -> tuple[str, ...]:
    """The breakdowns a stats request asks for (`?breakdown=area,sdg`); area, year and source
    when none."""
    asked = [part.strip() for value in values for part in value.split(",") if part.strip()]
    unknown = [name for name in asked if name not in ALL_BREAKDOWNS]
    if unknown:
        raise ValidationError(
            {
                "breakdown": [
                    _("“%(value)s” is not a breakdown; use one of: %(allowed)s.")
                    % {"value": unknown[0], "allowed": ", ".join(ALL_BREAKDOWNS)}
                ]
            }
        )
    return tuple(name for name in ALL_BREAKDOWNS if name in asked) or STATS_BREAKDOWNS


def filtered_stats(
    *,
    params: QueryDict,
    breakdowns: Iterable[str] = STATS_BREAKDOWNS,
    extra_parameters: Iterable[str] = (),
    by: tuple[str, str] | None = None,
    user: Actor = None,
    implemented_cells: bool = False,
) -> dict[str, Any]:
    """The stats of the recommendations matching the list filters in `params` (a QueryDict),
    as of the `as_of` day when given. Raises ValidationError naming a bad parameter."""
    queryset, filters = selectors.recommendation_selection(params=params, extra_parameters=extra_parameters, user=user)
    as_of = filters.get("as_of")
    if as_of is None:
        return recommendation_stats(queryset, breakdowns=breakdowns, by=by, implemented_cells=implemented_cells)
    # Counted from what the other filters keep, by stored status, so that the indexes answer
    # the counts alone; `recommendation_stats` then takes out the later reports and moves the
    # recommendations whose status that day was another. The status filter keeps the statuses
    # asked for afterwards: filtering by the status of that day would evaluate it on every row.
    # `overdue` too depends on the status that day: the counts split the rows instead.
    others = QueryDict(mutable=True)
    for name, values in params.lists():
        if name not in {"status", "as_of", "distinct", "overdue"}:
            others.setlist(name, values)
    queryset = selectors.recommendation_list(params=others, extra_parameters=extra_parameters, user=user)
    if filters.get("distinct"):
        queryset = status_as_of.latest_only(queryset, as_of)
    return recommendation_stats(
        queryset,
        breakdowns=breakdowns,
        as_of=as_of,
        statuses=filters.get("status") or None,
        overdue=filters.get("overdue"),
        by=by,
        implemented_cells=implemented_cells,
    )


MOVE_COLUMNS = ("area", "year_start", "year_end", "source_id", "status")


def _as_of_moves(queryset: QuerySet, as_of: datetime.date) -> list[tuple]:
    """(area, year_start, year_end, source id, stored status, status at `as_of`, count): the
    groups of `queryset`'s recommendations of reports that existed by `as_of` whose stored
    status is not the one they had that day. One query, whatever the number of rows.

    Only a recommendation whose current status began after `as_of` can have had another one
    (`as_of.changed_since_bound`): a few per cent of the rows at any day, so each of those has
    its status that day looked up in its own log through the index (`as_of.status_at_sql`).
    A window over the log of all of them read every entry of the table instead (PostgreSQL
    hashed it): 30 ms of a 40 ms answer for one country of 20,000."""
    counted = status_as_of.existed_by(queryset, as_of)
    bound = status_as_of.changed_since_bound(as_of)
    if bound is None:  # no bound before 1900: those with progress dated after the day
        moved_since = published_entries().filter(recommendation=OuterRef("pk"), occurred_on__gt=as_of)
        counted = counted.filter(Exists(moved_since))
    else:
        counted = counted.filter(status_changed_at__gte=bound)
    counted = counted.annotate(status_at=status_as_of.status_at_annotation(as_of, counted))
    moves_sql, moves_params = counted.order_by().values(*MOVE_COLUMNS, "status_at").query.sql_with_params()
    columns = ", ".join(MOVE_COLUMNS)
    statement = (
        f"SELECT {columns}, status_at, COUNT(*) FROM ({moves_sql}) d WHERE status <> status_at "
        f"GROUP BY {columns}, status_at"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(statement, moves_params)
        return cursor.fetchall()


def recommendation_stats(
    queryset: QuerySet,
    *,
    breakdowns: Iterable[str] = STATS_BREAKDOWNS,
    as_of: datetime.date | None = None,
    statuses: Iterable[str] | None = None,
    overdue: bool | None = None,
    by: tuple[str, str] | None = None,
    implemented_cells: bool = False,
) -> dict[str, Any]:
    """Counts of the recommendations in `queryset`: in total, by status, and by area, year
    and source (those of them in `breakdowns`), each split by status. A recommendation
    counts in every year of its range.

    One grouped query per breakdown (by status alone when area is not asked for), plus one
    for the titles of the sources counted, whatever the number of rows.

    With `as_of` each recommendation whose report existed by that day counts under its status
    at the end of that day: the groups are counted by stored status, then one more query
    (`_as_of_moves`) takes out those of later reports and moves those whose status that day
    was another (progress logged since, or backdated) to it. `statuses` then keeps only
    those statuses, as the status filter does without `as_of`. `overdue` (judged on `as_of`)
    counts the rows due before that day apart from the others (`_parts`): the queries above
    once per part, two at most. `by` adds a cross table of two dimensions (`cross.py`):
    one more grouped query per part.
    """
    breakdowns = set(breakdowns)
    by_tag = [name for name in TAG_BREAKDOWNS if name in breakdowns]
    if by_tag and (as_of is not None or overdue is not None):
        # Tags are counted by stored status; the status on a past day is not counted by tag yet.
        raise ValidationError(
            {
                "breakdown": [
                    _("The breakdowns by tag (%(names)s) cannot be combined with as_of.") % {"names": ", ".join(by_tag)}
                ]
            }
        )
    # Every query of one response on one database: replicas picked per query could lag
    # differently, and the breakdowns would stop adding up to the total.
    database = queryset.db
    queryset = queryset.using(database)
    by_status = _empty_status_counts()
    by_area: dict[str | None, dict[str, int]] = defaultdict(_empty_status_counts)
    by_year: dict[int, dict[str, int]] = defaultdict(_empty_status_counts)
    by_source: dict[int, dict[str, int]] = defaultdict(_empty_status_counts)
    cells = cross.new_cells()
    for rows, kept in _parts(queryset, as_of, statuses, overdue):
        part_status, part_area, part_year, part_source, part_cells = _count(rows, breakdowns, as_of, kept, by)
        _add(by_status, part_status)
        for total, groups in (
            (by_area, part_area),
            (by_year, part_year),
            (by_source, part_source),
            (cells, part_cells),
        ):
            for key, counts in groups.items():
                _add(total[key], counts)
    result = _stats(database, breakdowns, by_status, by_area, by_year, by_source)
    result.update(tag_stats(queryset, by_tag))
    if by is not None:
        counted = {key for pair in cells for dimension, key in zip(by, pair, strict=True) if dimension == "source"}
        sources = Source.objects.using(database).filter(pk__in=counted).values("pk", "slug", "report_year")
        result["table"] = cross.table(
            by, cells, {source["pk"]: dict(source) for source in sources}, implemented=implemented_cells
        )
    return result


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for status, count in counts.items():
        total[status] += count


def _parts(
    queryset: QuerySet, as_of: datetime.date | None, statuses: Iterable[str] | None, overdue: bool | None
) -> list[tuple[QuerySet, set[str] | None]]:
    """The rows to count and add up, each with the statuses (that day) it keeps. `overdue`
    splits them by "due before the day" (recommendations/overdue.py): for those due before,
    the status that day decides; the others are never overdue."""
    kept = set(statuses) if statuses is not None else None
    if overdue is None:
        return [(queryset, kept)]
    day = overdue_rule.overdue_day(as_of)
    parts: list[tuple[QuerySet, set[str] | None]] = []
    due = overdue_rule.statuses_kept(overdue, kept)
    if due:
        parts.append((queryset.filter(overdue_rule.due_before(day)), due))
    if not overdue:
        parts.append((queryset.exclude(overdue_rule.due_before(day)), kept))
    return parts


def _count(
    queryset: QuerySet,
    breakdowns: set[str],
    as_of: datetime.date | None,
    statuses: set[str] | None,
    by: tuple[str, str] | None = None,
) -> tuple:
    """(by status, by area, by year, by source, cross table cells) of `queryset`, as
    `recommendation_stats` counts."""
    moves = _as_of_moves(queryset, as_of) if as_of is not None else []
    if as_of is not None:
        # Counted by stored status among those whose report existed by the day (the same
        # scan of the rows as without `as_of`), then moved to the status they had that day.
        queryset = status_as_of.existed_by(queryset, as_of)
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
    cells = cross.new_cells()
    if by is not None:
        columns = cross.grouped_columns(by)
        for *values, status, count in _grouped(queryset, *columns):
            cross.add(cells, by, dict(zip(columns, values, strict=True)), status, count)

    for area, year_start, year_end, source_id, stored, status_at, count in moves:
        if by is not None:
            row = {"area": area, "year_start": year_start, "year_end": year_end, "source": source_id}
            cross.add(cells, by, row, stored, -count)
            cross.add(cells, by, row, status_at, count)
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
        for counts in (by_status, *by_area.values(), *by_year.values(), *by_source.values(), *cells.values()):
            for status in counts:
                if status not in statuses:
                    counts[status] = 0
    return by_status, by_area, by_year, by_source, cells


def _stats(database: str, breakdowns: set[str], by_status: dict, by_area: dict, by_year: dict, by_source: dict) -> dict:
    """The counts as `recommendation_stats` returns them: groups with none left out, in order."""

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
    data = {
        "total": stats["total"],
        "statuses": status_label_list(),
        "by_status": stats["by_status"],
    }
    if "by_area" in stats:
        data["by_area"] = [
            {
                "area": row["area"],
                "area_name": area_label(row["area"]),
                "total": row["total"],
                "by_status": row["by_status"],
            }
            for row in stats["by_area"]
        ]
    data.update({key: stats[key] for key in ("by_year", "by_source", "table") if key in stats})
    data.update({f"by_{name}": stats[f"by_{name}"] for name in TAG_BREAKDOWNS if f"by_{name}" in stats})
    return data
