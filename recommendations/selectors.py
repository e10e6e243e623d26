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
from .models import Evidence, ProgressUpdate, Recommendation

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
    validate_query_parameters(params, accepted=[*RecommendationFilterSet.base_filters, *extra_parameters])
    filterset = recommendation_filterset(params=params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
    return filterset.qs


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


def _empty_status_counts() -> dict[str, int]:
    return dict.fromkeys(Status.values, 0)


def _grouped(queryset: QuerySet, *fields: str) -> QuerySet:
    # order_by() drops the model's default ordering, which would otherwise join the GROUP BY.
    return queryset.order_by().values(*fields, "status").annotate(count=Count("pk"))


def recommendation_stats(queryset: QuerySet) -> dict[str, Any]:
    """Counts of the recommendations in `queryset`: in total, by status, and by area, year
    and source, each split by status. A recommendation counts in every year of its range.

    Three grouped queries, whatever the number of rows.
    """
    by_status = _empty_status_counts()
    by_area: dict[str | None, dict[str, int]] = defaultdict(_empty_status_counts)
    for row in _grouped(queryset, "area"):
        by_area[row["area"]][row["status"]] += row["count"]
        by_status[row["status"]] += row["count"]

    # Few distinct ranges exist (a report suggests one to a handful), so expanding each
    # (range, status) group into its years costs nothing however many rows share it.
    by_year: dict[int, dict[str, int]] = defaultdict(_empty_status_counts)
    for row in _grouped(queryset, "year_start", "year_end"):
        for year in range(row["year_start"], row["year_end"] + 1):
            by_year[year][row["status"]] += row["count"]

    by_source: dict[tuple, dict[str, int]] = defaultdict(_empty_status_counts)
    source_fields = ("source__slug", "source__title", "source__report_year", "source__kind")
    for row in _grouped(queryset, *source_fields):
        by_source[tuple(row[field] for field in source_fields)][row["status"]] += row["count"]

    def with_total(counts: dict[str, int]) -> dict[str, Any]:
        return {"total": sum(counts.values()), "by_status": counts}

    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_area": [
            {"area": area, **with_total(counts)}
            for area, counts in sorted(by_area.items(), key=lambda item: AREA_POSITION.get(item[0], len(AREAS) + 1))
        ],
        "by_year": [{"year": year, **with_total(counts)} for year, counts in sorted(by_year.items())],
        "by_source": [
            {"source": slug, "title": title, "report_year": report_year, "kind": kind, **with_total(counts)}
            for (slug, title, report_year, kind), counts in sorted(
                by_source.items(), key=lambda item: (-item[0][2], item[0][0])
            )
        ],
    }


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
