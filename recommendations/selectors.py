"""Reads shared by the API, the exports and the pages, so a filter means the same everywhere.

Nothing here loads recommendation rows into Python to count them: statistics are grouped
queries whose result size depends on the number of distinct (area, status), (year range,
status) and (source, status) combinations, not on the number of recommendations.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from .choices import AREAS, Status
from .filtersets import RecommendationFilterSet, validate_query_parameters
from .models import Evidence, ProgressUpdate, Recommendation, Source

# Columns the list, the export and the pages may be sorted by (non-null, so keyset-safe).
RECOMMENDATION_ORDERING_FIELDS = (
    "id",
    "year_start",
    "year_end",
    "status_changed_at",
    "position",
    "status",
    "created_at",
)
AREA_POSITION = {area.code: area.position for area in AREAS}


def recommendation_filterset(*, params: Mapping[str, Any], queryset: QuerySet | None = None) -> RecommendationFilterSet:
    return RecommendationFilterSet(params, queryset=Recommendation.objects.all() if queryset is None else queryset)


def recommendation_list(
    *,
    params: Mapping[str, Any],
    extra_parameters: Iterable[str] = (),
    queryset: QuerySet | None = None,
) -> QuerySet:
    """The recommendations matching the list filters in `params` (a QueryDict).

    Raises ValidationError naming each bad or unknown parameter; `extra_parameters` are the
    other parameters the caller understands (page, ordering, format…).
    """
    filterset = recommendation_filterset(params=params, queryset=queryset)
    _validate_filters(params, extra_parameters, filterset.form)
    return filterset.qs


def recommendation_filter_values(*, params: Mapping[str, Any], extra_parameters: Iterable[str] = ()) -> dict[str, Any]:
    """The cleaned value of every list filter in `params`, validated exactly as
    `recommendation_list` validates them, for callers that apply them as SQL (list_query.py)."""
    form = RecommendationFilterSet.validation_form(params)
    _validate_filters(params, extra_parameters, form)
    return form.cleaned_data


def _validate_filters(params: Mapping[str, Any], extra_parameters: Iterable[str], form) -> None:
    """Unknown parameters first, then the filter set's form; a ValidationError names each."""
    validate_query_parameters(params, accepted=[*RecommendationFilterSet.base_filters, *extra_parameters])
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})


def recommendation_order(queryset: QuerySet, ordering: str | None) -> QuerySet:
    """Sort by `ordering` (`-` for descending, comma-separated), with the id as tie-breaker."""
    terms = [term.strip() for term in (ordering or "id").split(",") if term.strip()] or ["id"]
    for term in terms:
        if term.removeprefix("-") not in RECOMMENDATION_ORDERING_FIELDS:
            raise ValidationError(
                {
                    "ordering": [
                        _("“%(value)s” is not a field to order by; use one of: %(allowed)s.")
                        % {"value": term, "allowed": ", ".join(RECOMMENDATION_ORDERING_FIELDS)}
                    ]
                }
            )
    if not any(term.removeprefix("-") == "id" for term in terms):
        terms.append("-id" if terms[-1].startswith("-") else "id")
    return queryset.order_by(*terms)


EXPORT_FIELDS = (
    "pk",
    "source__slug",
    "country",
    "area",
    "action",
    "year_start",
    "year_end",
    "priority",
    "status",
    "status_changed_at",
    "evidence_count",
    "last_progress_on",
)


def recommendation_export_rows(queryset: QuerySet) -> QuerySet:
    """Plain value tuples (EXPORT_FIELDS) for an export to iterate: no model instances, and
    per-row counts as subqueries, so no join multiplies the rows."""
    evidence_count = (
        Evidence.objects.filter(recommendation=OuterRef("pk"))
        .order_by()
        .values("recommendation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    last_progress = (
        ProgressUpdate.objects.filter(recommendation=OuterRef("pk"))
        .order_by()
        .values("recommendation")
        .annotate(last=Max("occurred_on"))
        .values("last")
    )
    return queryset.annotate(
        evidence_count=Coalesce(Subquery(evidence_count), Value(0)),
        last_progress_on=Subquery(last_progress),
    ).values_list(*EXPORT_FIELDS)


def responsible_body_names(recommendation_ids: Iterable[int]) -> dict[int, list[str]]:
    """Names of each recommendation's responsible bodies, in name order, in one query."""
    links = Recommendation.responsible_bodies.through.objects.filter(recommendation_id__in=list(recommendation_ids))
    names: dict[int, list[str]] = defaultdict(list)
    for recommendation_id, name in links.order_by("responsiblebody__name").values_list(
        "recommendation_id", "responsiblebody__name"
    ):
        names[recommendation_id].append(name)
    return names


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


def recommendation_stats(queryset: QuerySet, *, breakdowns: Iterable[str] = STATS_BREAKDOWNS) -> dict[str, Any]:
    """Counts of the recommendations in `queryset`: in total, by status, and by area, year
    and source (those of them in `breakdowns`), each split by status. A recommendation
    counts in every year of its range.

    One grouped query per breakdown (by status alone when area is not asked for), plus one
    for the titles of the sources counted, whatever the number of rows.
    """
    breakdowns = set(breakdowns)
    # Every query of one response on one database: replicas picked per query could lag
    # differently, and the breakdowns would stop adding up to the total.
    database = queryset.db
    queryset = queryset.using(database)
    stats: dict[str, Any] = {}

    def with_total(counts: dict[str, int]) -> dict[str, Any]:
        return {"total": sum(counts.values()), "by_status": counts}

    by_status = _empty_status_counts()
    if "area" in breakdowns:
        by_area: dict[str | None, dict[str, int]] = defaultdict(_empty_status_counts)
        for area, status, count in _grouped(queryset, "area"):
            by_area[area][status] += count
            by_status[status] += count
        stats["by_area"] = [
            {"area": area, **with_total(counts)}
            for area, counts in sorted(by_area.items(), key=lambda item: AREA_POSITION.get(item[0], len(AREAS) + 1))
        ]
    else:
        for status, count in _grouped(queryset):
            by_status[status] += count

    if "year" in breakdowns:
        # Few distinct ranges exist (a report suggests one to a handful), so expanding each
        # (range, status) group into its years costs nothing however many rows share it.
        by_year: dict[int, dict[str, int]] = defaultdict(_empty_status_counts)
        for year_start, year_end, status, count in _grouped(queryset, "year_start", "year_end"):
            for year in range(year_start, year_end + 1):
                by_year[year][status] += count
        stats["by_year"] = [{"year": year, **with_total(counts)} for year, counts in sorted(by_year.items())]

    if "source" in breakdowns:
        # Grouped by the key alone, titles fetched for the sources counted: grouping by the
        # joined titles made the database visit every source's rows (200 ms at 1M rows).
        by_source: dict[int, dict[str, int]] = defaultdict(_empty_status_counts)
        for source_id, status, count in _grouped(queryset, "source"):
            by_source[source_id][status] += count
        sources = (
            Source.objects.using(database)
            .filter(pk__in=list(by_source))
            .values("pk", "slug", "title", "report_year", "kind")
        )
        stats["by_source"] = [
            {
                "source": source["slug"],
                "title": source["title"],
                "report_year": source["report_year"],
                "kind": source["kind"],
                **with_total(by_source[source["pk"]]),
            }
            for source in sorted(sources, key=lambda source: (-source["report_year"], source["slug"]))
        ]

    return {"total": sum(by_status.values()), "by_status": by_status, **stats}


def recommendation_related_years(recommendation: Recommendation, *, limit: int = 50) -> list[Recommendation]:
    """The same recommendation in other report years: the `repeats` chain followed to the
    oldest and to every later repetition, oldest report first. `limit` bounds a corrupt cycle."""
    related: dict[int, Recommendation] = {}
    earlier = recommendation.repeats_id
    while earlier and earlier not in related and earlier != recommendation.pk and len(related) < limit:
        item = Recommendation.objects.select_related("source").get(pk=earlier)
        related[item.pk] = item
        earlier = item.repeats_id
    frontier = [recommendation.pk]
    seen = {recommendation.pk, *related}
    while frontier and len(related) < limit:
        later = list(
            Recommendation.objects.select_related("source").filter(repeats_id__in=frontier).exclude(pk__in=seen)
        )
        for item in later:
            related[item.pk] = item
            seen.add(item.pk)
        frontier = [item.pk for item in later]
    return sorted(related.values(), key=lambda item: (item.source.report_year, item.year_start, item.pk))


def status_order() -> list[tuple[str, str]]:
    """Statuses from least to most done, with their labels in the active language."""
    return [(value, str(label)) for value, label in Status.choices]
