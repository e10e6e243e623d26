"""django-filter, adapted: the filter classes the list's filter set declares (each carrying
its SQL condition, `sql=`, and its OpenAPI schema) and the copies django-filter makes per
request, made shallow where nothing is changed (measured: a third of a stats request's CPU).

These lean on django-filter's internals (`base_filters`, `FilterMethod`, the form's
`base_fields`); tests/test_list_query.py fails when an upgrade changes them.
"""

import copy
from collections import OrderedDict
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from recommendations.withdrawal.models import PUBLIC_SQL, WITHDRAWN_SQL

from .conditions import SQLCondition
from .fields import (
    AsOfField,
    ModelMultipleValueField,
    MultipleValueField,
    SearchField,
    StrictBooleanField,
    StrictIntegerField,
    WithdrawnField,
)


class SQLConditionMixin:
    """A filter that also carries its SQL condition (`sql=`) for the list statement."""

    def __init__(self, *args, sql: SQLCondition | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sql = sql


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(SQLConditionMixin, django_filters.Filter):
    field_class = StrictIntegerField


@extend_schema_field(OpenApiTypes.INT)
class ModelMultipleValueFilter(SQLConditionMixin, django_filters.ModelMultipleChoiceFilter):
    field_class = ModelMultipleValueField


class MultipleValueFilter(SQLConditionMixin, django_filters.MultipleChoiceFilter):
    field_class = MultipleValueField

    def __init__(self, *args, **kwargs):
        # Every filtered column is on the recommendation or a forward foreign key, so rows
        # cannot repeat; django-filter's default DISTINCT would only make the query slower.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(SQLConditionMixin, django_filters.Filter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.BOOL)
class WithdrawnFilter(SQLConditionMixin, django_filters.Filter):
    """`withdrawn`: withdrawn recommendations (withdrawal/) are left out of every read unless
    asked for; `true` lists only them, for signed-in roles (selectors refuse it to anyone
    else). Applied whatever the value, unset (false) included: see `WithdrawnField`."""

    field_class = WithdrawnField

    def __init__(self):
        super().__init__(
            field_name="withdrawn_at",
            label=_("Withdrawn"),
            help_text=_(
                "`true`: only the withdrawn recommendations (hidden from the public, kept with their history); "
                "signed-in users only. Default `false`: they are left out."
            ),
            sql=lambda value, connection: (WITHDRAWN_SQL if value else PUBLIC_SQL, []),
        )

    def filter(self, qs, value):
        return qs.withdrawn() if value else qs.public()


class TextFilter(SQLConditionMixin, django_filters.CharFilter):
    field_class = SearchField


@extend_schema_field(OpenApiTypes.DATE)
class AsOfFilter(SQLConditionMixin, django_filters.Filter):
    field_class = AsOfField


@extend_schema_field({"type": "string", "enum": ["latest"]})
class DistinctFilter(SQLConditionMixin, django_filters.ChoiceFilter):
    pass


@extend_schema_field(OpenApiTypes.DATE)
class DateFilter(SQLConditionMixin, django_filters.DateFilter):
    field_class = AsOfField  # YYYY-MM-DD only, as every day parameter


def documented(filter_instance, schema: dict):
    """Give one filter its exact OpenAPI schema (bounds, vocabulary) for clients and schema tests."""
    return extend_schema_field(schema)(filter_instance)


def vocabulary(values) -> dict:
    return {"type": "string", "enum": list(values)}


def is_set(value: Any) -> bool:
    """Whether a cleaned filter value filters at all: as in django-filter, an empty value
    (None, "", no choices, no objects) does not, but `priority=false` does."""
    if isinstance(value, QuerySet):
        # An absent id filter cleans to `.none()`; asking it for its truth would compile it.
        return not value.query.is_empty()
    return value is False or bool(value)


class ShallowCopiedFilters(OrderedDict):
    """A filter set's filters, copied per filter set one by one with `copy.copy`: each copy
    gets its own parent and model (django-filter sets them), and shares its declaration
    (choices, form field, queryset), which no filter set changes. django-filter deep-copies
    them, every country's and area's choice with them: over a third of a stats request's CPU."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            clone = copies[name] = copy.copy(filter_)
            if clone.method is not None:
                clone.method = filter_.method  # a FilterMethod bound to the copy, which has the parent
        return copies


class SharedFields(dict):
    """Form fields that every form made from them shares: copying them gives a new dict of
    the same field objects (see `RecommendationFilterSet.validation_form`)."""

    def __deepcopy__(self, memo):
        return dict(self)
