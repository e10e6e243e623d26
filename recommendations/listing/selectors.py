"""The filtered, ordered recommendations that stats, exports and pages read, so a filter
means the same everywhere. (The API's list runs the same filters as SQL: `query.py`.)"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from recommendations.history.services import Actor
from recommendations.models import Recommendation
from recommendations.withdrawal.models import sees_withdrawn

from .fields import AsOfField
from .filters import RecommendationFilterSet
from .ordering import DERIVED_SORTS, SORT_VALUE_PREFIX, refuse_without_as_of
from .parameters import validate_query_parameters
from .sort_keys import sort_keys

# Columns the list, the export and the pages may be sorted by (non-null, so keyset-safe).
RECOMMENDATION_ORDERING_FIELDS = (
    "id",
    "year_start",
    "year_end",
    "status_changed_at",
    "position",
    "created_at",
    # Expressions, not columns (`ordering.py`): the status in workflow order, the status as
    # of `as_of`, area, source… never null all the same.
    *DERIVED_SORTS,
)


def recommendation_filterset(*, params: Mapping[str, Any], queryset: QuerySet | None = None) -> RecommendationFilterSet:
    return RecommendationFilterSet(params, queryset=Recommendation.objects.all() if queryset is None else queryset)


def recommendation_list(
    *,
    params: Mapping[str, Any],
    extra_parameters: Iterable[str] = (),
    without: Iterable[str] = (),
    queryset: QuerySet | None = None,
    user: Actor = None,
) -> QuerySet:
    """The recommendations matching the list filters in `params` (a QueryDict).

    Raises ValidationError naming each bad or unknown parameter; `extra_parameters` are the
    other parameters the caller understands (page, ordering, format…), `without` the list
    filters it does not take (unknown there, and named so).
    """
    return recommendation_selection(
        params=params, extra_parameters=extra_parameters, without=without, queryset=queryset, user=user
    )[0]


def recommendation_selection(
    *,
    params: Mapping[str, Any],
    extra_parameters: Iterable[str] = (),
    without: Iterable[str] = (),
    queryset: QuerySet | None = None,
    user: Actor = None,
) -> tuple[QuerySet, dict[str, Any]]:
    """`recommendation_list` and the cleaned filter values it applied (`as_of`, `status`…)."""
    filterset = recommendation_filterset(params=params, queryset=queryset)
    _validate_filters(params, extra_parameters, filterset.form, without=without, user=user)
    return filterset.qs, filterset.form.cleaned_data


def recommendation_filter_values(
    *, params: Mapping[str, Any], extra_parameters: Iterable[str] = (), user: Actor = None
) -> dict[str, Any]:
    """The cleaned value of every list filter in `params`, validated exactly as
    `recommendation_list` validates them, for callers that apply them as SQL (listing/query.py)."""
    form = RecommendationFilterSet.validation_form(params)
    _validate_filters(params, extra_parameters, form, user=user)
    return form.cleaned_data


def as_of_value(params: Mapping[str, Any]) -> datetime.date | None:
    """`as_of` read as the list reads it (YYYY-MM-DD, any day), for an endpoint that takes
    it alone (the detail); ValidationError naming it."""
    raw = params.get("as_of")
    try:
        # Given, it must name a day: `?as_of=` is a mistake to point out, not "today".
        return AsOfField(required=True).clean(raw) if raw is not None else None
    except forms.ValidationError as error:
        raise ValidationError({"as_of": error.messages}) from None


def _validate_filters(
    params: Mapping[str, Any], extra_parameters: Iterable[str], form, *, without: Iterable[str] = (), user: Actor = None
) -> None:
    """Unknown parameters first, then the filter set's form; a ValidationError names each.
    Withdrawn rows are listed only to `user`s who may see them (none, when no user is given)."""
    filters = [name for name in RecommendationFilterSet.base_filters if name not in set(without)]
    validate_query_parameters(params, accepted=[*filters, *extra_parameters])
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    if form.cleaned_data.get("withdrawn") and not sees_withdrawn(user):
        raise WithdrawnNotShown()


class WithdrawnNotShown(PermissionDenied):
    """`withdrawn=true` from someone who may not see withdrawn rows: the request is well formed
    and its asker may not make it, so a 403 (a 400 would call a valid request wrong), naming the
    parameter — in its message for the API, in `message_dict` for the pages' filter forms."""

    def __init__(self) -> None:
        self.message_dict = {"withdrawn": [_("Withdrawn recommendations are listed to signed-in users only.")]}
        super().__init__(f"withdrawn: {self.message_dict['withdrawn'][0]}")


def recommendation_order(queryset: QuerySet, ordering: str | None, as_of: datetime.date | None = None) -> QuerySet:
    """Sort by `ordering` (`-` for descending, comma-separated), with the id as tie-breaker;
    `as_of` is the day `status_as_of` sorts by (the list's filter), which that needs."""
    terms = [("-" if key.descending else "") + key.field for key in sort_keys(ordering, RECOMMENDATION_ORDERING_FIELDS)]
    refuse_without_as_of([term.removeprefix("-") for term in terms], as_of)
    derived = {term.removeprefix("-") for term in terms} & set(DERIVED_SORTS)
    queryset = queryset.alias(
        **{f"{SORT_VALUE_PREFIX}{name}": DERIVED_SORTS[name].orm(as_of, queryset) for name in derived}
    )
    return queryset.order_by(
        *(
            f"{'-' if term.startswith('-') else ''}{SORT_VALUE_PREFIX}{term.removeprefix('-')}"
            if term.removeprefix("-") in derived
            else term
            for term in terms
        )
    )


def responsible_body_names(recommendation_ids: Iterable[int]) -> dict[int, list[str]]:
    """Names of each recommendation's responsible bodies, in name order, in one query."""
    links = Recommendation.responsible_bodies.through.objects.filter(recommendation_id__any_of=list(recommendation_ids))
    names: dict[int, list[str]] = defaultdict(list)
    for recommendation_id, name in links.order_by("responsiblebody__name").values_list(
        "recommendation_id", "responsiblebody__name"
    ):
        names[recommendation_id].append(name)
    return names


def countries_in_use() -> set[str]:
    """The countries that have recommendations.

    A skip scan over the country index (one descent per country, a few dozen at most): a
    DISTINCT over the recommendations read every row, 110 ms at a million."""
    table = Recommendation._meta.db_table
    statement = (
        f"WITH RECURSIVE used AS (SELECT MIN(country) AS country FROM {table} "
        f"UNION ALL SELECT (SELECT MIN(r.country) FROM {table} r WHERE r.country > used.country) "
        "FROM used WHERE used.country IS NOT NULL) SELECT country FROM used WHERE country IS NOT NULL"
    )
    with connections[router.db_for_read(Recommendation)].cursor() as cursor:
        cursor.execute(statement)
        return {country for (country,) in cursor.fetchall()}
