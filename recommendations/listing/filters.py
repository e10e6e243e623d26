"""Filters for the recommendation list, shared by the API, exports, stats and the dashboard.

Every parameter is validated: an unknown value is a 400 that names the parameter, never a
silently unfiltered list. Several values come as repeated parameters or comma-separated.

Each filter is declared once, here: its form field (validation), its queryset filtering
(stats, exports, pages) and, beside it, the SQL condition the list statement uses
(`query.py`). tests/test_list_query.py fails when a filter has no SQL condition and checks
that each condition returns exactly the rows the queryset filtering returns.
"""

import copy
import datetime
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any, ClassVar, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from recommendations import overdue as overdue_rule
from recommendations.analytics import as_of as status_as_of
from recommendations.choices import AREAS, Status
from recommendations.models import Recommendation, ResponsibleBody, Source
from recommendations.search import search_terms
from recommendations.tags import filtering as tags
from recommendations.tags.vocabularies import Vocabulary

YEAR_MIN, YEAR_MAX = 1900, 2100
YEAR_SCHEMA = {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}
# Ids are 64-bit: a larger number can match nothing, and must not reach the database.
ID_MAX = 2**63 - 1
NO_AREA = "none"


# SQL conditions. The list statement (`query.py`) applies each filter as one of these rather
# than through django-filter and the ORM, which cost several times the query itself. Each is
# called with the filter's cleaned, non-empty value and the database connection, and returns
# (SQL over `r` the recommendation and `s` its source, parameters).
Condition = tuple[str, list[Any]]
SQLCondition = Callable[[Any, BaseDatabaseWrapper], Condition]
RESPONSIBLE_BODY_LINK = Recommendation.responsible_bodies.through._meta.db_table


def _placeholders(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def _area_sql(values: list[str], connection: BaseDatabaseWrapper) -> Condition:
    codes = [value for value in values if value != NO_AREA]
    parts = [f"r.area IN ({_placeholders(codes)})"] if codes else []
    if NO_AREA in values:
        parts.append("r.area IS NULL")
    return f"({' OR '.join(parts)})", codes


def _in_sql(column: str) -> SQLCondition:
    return lambda values, connection: (f"{column} IN ({_placeholders(values)})", list(values))


def _equals_sql(column: str) -> SQLCondition:
    return lambda value, connection: (f"{column} = %s", [value])


def _text_sql(value: str, connection: BaseDatabaseWrapper) -> Condition:
    # The backend's own `contains` operator and escaping, as the ORM's `__contains` uses.
    terms = search_terms(value)
    if not terms:
        return "", []
    operator = connection.operators["contains"]
    condition = " AND ".join(f"r.action_search {operator}" for _term in terms)
    return condition, [f"%{connection.ops.prep_for_like_query(term)}%" for term in terms]


def _responsible_bodies_sql(bodies: Sequence[ResponsibleBody], connection: BaseDatabaseWrapper) -> Condition:
    ids = [body.pk for body in bodies]
    return (
        f"r.id IN (SELECT recommendation_id FROM {RESPONSIBLE_BODY_LINK} WHERE responsiblebody_id IN "
        f"({_placeholders(ids)}))",
        ids,
    )


class SQLConditionMixin:
    """A filter that also carries its SQL condition (`sql=`) for the list statement."""

    def __init__(self, *args, sql: SQLCondition | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sql = sql


class MultipleValueField(forms.MultipleChoiceField):
    """Accepts `?x=a&x=b` and `?x=a,b` alike.

    `known_values`, when given, is a function from the submitted values to those of them
    that exist: validation then looks up only what was asked for instead of walking every
    labelled choice (every country's translated name, every source in the database), which
    cost more than the list query itself.
    """

    def __init__(self, *args, known_values=None, normalize=None, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_values = known_values
        self.normalize = normalize
        self.allowed = allowed  # the valid values as the error states them; else every choice

    def __deepcopy__(self, memo):
        # Every form gets its own copy of its fields. The choices here are fixed vocabularies
        # no form changes, so they are shared rather than deep-copied label by (lazily
        # translated) label on every request, which cost a tenth of a list request.
        return forms.Field.__deepcopy__(self, memo)

    def to_python(self, value):
        values = [part.strip() for item in super().to_python(value) for part in item.split(",") if part.strip()]
        return [self.normalize(part) for part in values] if self.normalize else values

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        known = self.known_values(value) if self.known_values is not None and value else None
        for item in value:
            if item not in known if known is not None else not self.valid_value(item):
                # Named with the values it takes, as `ordering` is.
                choices: Iterable[tuple[Any, Any]] = cast(Iterable[tuple[Any, Any]], self.choices)
                allowed = self.allowed() if self.allowed else ", ".join(str(code) for code, _label in choices)
                raise forms.ValidationError(
                    _("“%(value)s” is not a value of this filter; use one of: %(allowed)s."),
                    code="invalid_choice",
                    params={"value": item, "allowed": allowed},
                )


class StrictIntegerField(forms.IntegerField):
    """Digits only: Django's IntegerField also reads "12.0" as 12, which the schema (integer) refuses."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(SQLConditionMixin, django_filters.Filter):
    field_class = StrictIntegerField


class ModelMultipleValueField(django_filters.fields.ModelMultipleChoiceField):
    """Primary keys as `?x=1&x=2` or `?x=1,2`; an unknown key is an error, not an empty list."""

    def clean(self, value):
        if value:
            value = [part.strip() for item in value for part in str(item).split(",") if part.strip()]
            for part in value:
                # Checked before the lookup: a number no id column can hold must not reach the database.
                if not part.isdigit() or not 1 <= int(part) <= ID_MAX:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": part}
                    )
        return super().clean(value)


@extend_schema_field(OpenApiTypes.INT)
class ModelMultipleValueFilter(SQLConditionMixin, django_filters.ModelMultipleChoiceFilter):
    field_class = ModelMultipleValueField


class RecommendationFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("year_from"), cleaned.get("year_to")
        if start is not None and end is not None and start > end:
            self.add_error("year_to", _("Must not be before year_from."))
        after, before = cleaned.get("due_after"), cleaned.get("due_before")
        if after is not None and before is not None and after > before:
            self.add_error("due_before", _("Must not be before due_after."))
        return cleaned


class MultipleValueFilter(SQLConditionMixin, django_filters.MultipleChoiceFilter):
    field_class = MultipleValueField

    def __init__(self, *args, **kwargs):
        # Every filtered column is on the recommendation or a forward foreign key, so rows
        # cannot repeat; django-filter's default DISTINCT would only make the query slower.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    """true/false/1/0/yes/no; anything else is an error rather than 'no filter'."""

    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        lowered = str(value).strip().lower()
        if lowered in self.TRUE:
            return True
        if lowered in self.FALSE:
            return False
        raise forms.ValidationError(_("Enter true or false."), code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(SQLConditionMixin, django_filters.Filter):
    field_class = StrictBooleanField


class TextFilter(SQLConditionMixin, django_filters.CharFilter):
    pass


class AsOfField(forms.DateField):
    """A day as YYYY-MM-DD, and only so: 01/02/2023 means different days to different readers.
    Any day is an answer: before the first report nothing is counted; after today, the log
    holds nothing yet (progress is never dated in the future), so it is the status today."""

    input_formats = ["%Y-%m-%d"]

    def to_python(self, value):
        # strptime would also read 2023-1-5; the schema (and this API) say YYYY-MM-DD.
        if isinstance(value, str) and value.strip() and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field(OpenApiTypes.DATE)
class AsOfFilter(SQLConditionMixin, django_filters.Filter):
    field_class = AsOfField


@extend_schema_field({"type": "string", "enum": ["latest"]})
class DistinctFilter(SQLConditionMixin, django_filters.ChoiceFilter):
    pass


@extend_schema_field(OpenApiTypes.DATE)
class DateFilter(SQLConditionMixin, django_filters.DateFilter):
    field_class = AsOfField  # YYYY-MM-DD only, as every day parameter


def _overdue_sql(value: bool, connection: BaseDatabaseWrapper) -> Condition:
    # Today, by the stored status; with an earlier `as_of`, query.py uses the status that day.
    return overdue_rule.overdue_sql(value, overdue_rule.overdue_day())


def _documented(filter_instance, schema: dict):
    """Give one filter its exact OpenAPI schema (bounds, vocabulary) for clients and schema tests."""
    return extend_schema_field(schema)(filter_instance)


def _source_choices():
    return [(slug, slug) for slug in Source.objects.values_list("slug", flat=True)]


def _vocabulary(values) -> dict:
    return {"type": "string", "enum": list(values)}


SOURCES_LISTED = 100


def _source_slugs_listed() -> str:
    slugs = list(Source.objects.order_by("slug").values_list("slug", flat=True)[: SOURCES_LISTED + 1])
    return ", ".join(slugs[:SOURCES_LISTED]) + (", …" if len(slugs) > SOURCES_LISTED else "")


def _country_codes_described() -> str:
    return str(_("an ISO 3166-1 alpha-2 code such as AZ, in either case"))


def _existing_source_slugs(slugs: list[str]) -> set[str]:
    return set(Source.objects.filter(slug__in=slugs).values_list("slug", flat=True))


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


def _existing_country_codes(codes: list[str]) -> frozenset[str]:
    return _country_codes()


def is_set(value: Any) -> bool:
    """Whether a cleaned filter value filters at all: as in django-filter, an empty value
    (None, "", no choices, no objects) does not, but `priority=false` does."""
    if isinstance(value, QuerySet):
        # An absent id filter cleans to `.none()`; asking it for its truth would compile it.
        return not value.query.is_empty()
    return value is False or bool(value)


class _ShallowCopiedFilters(OrderedDict):
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


class _SharedFields(dict):
    """Form fields that every form made from them shares: copying them gives a new dict of
    the same field objects (see `RecommendationFilterSet.validation_form`)."""

    def __deepcopy__(self, memo):
        return dict(self)


class RecommendationFilterSet(django_filters.FilterSet):
    _validation_form_class: ClassVar[type[forms.Form] | None] = None  # see validation_form
    # Each filter: its validation and queryset filtering, then `sql=`, the same condition as
    # SQL for the list statement, called with the cleaned value (see "SQL conditions" above).
    area = _documented(
        MultipleValueFilter(
            choices=[(area.code, area.name_en) for area in AREAS] + [(NO_AREA, _("Not classified"))],
            normalize=str.lower,  # codes in either case, as the country's
            method="filter_area",
            label=_("Area"),
            sql=_area_sql,
        ),
        _vocabulary([*(area.code for area in AREAS), NO_AREA]),
    )
    # Declared before `status` and `distinct`, which read it: with `as_of`, a status is the
    # one the recommendation had at the end of that day (analytics/as_of.py).
    as_of = AsOfFilter(
        method="filter_as_of",
        label=_("Status as of (YYYY-MM-DD)"),
        help_text=_(
            "Each recommendation's status at the end of that day, from the progress log; only "
            "recommendations whose report year is that year or earlier."
        ),
        sql=lambda day, connection: ("s.report_year <= %s", [day.year]),
    )
    status = _documented(
        MultipleValueFilter(
            choices=Status.choices,
            normalize=str.lower,
            method="filter_status",
            label=_("Status"),
            sql=_in_sql("r.status"),
        ),
        _vocabulary(Status.values),
    )
    source = MultipleValueFilter(
        field_name="source__slug",
        choices=_source_choices,
        known_values=_existing_source_slugs,
        allowed=_source_slugs_listed,
        label=_("Source"),
        sql=_in_sql("s.slug"),
    )
    country = _documented(
        MultipleValueFilter(
            choices=lambda: list(countries),
            known_values=_existing_country_codes,
            normalize=str.upper,  # a country code in lower case is still that country
            allowed=_country_codes_described,
            method="filter_country",
            label=_("Country"),
            sql=_in_sql("r.country"),
        ),
        {**_vocabulary(code for code, _name in countries), "description": "ISO 3166-1 alpha-2"},
    )
    priority = StrictBooleanFilter(label=_("Prioritized"), sql=_equals_sql("r.priority"))
    year = _documented(
        IntegerFilter(
            method="filter_year",
            label=_("Suggested in year"),
            min_value=YEAR_MIN,
            max_value=YEAR_MAX,
            sql=lambda year, connection: ("r.year_start <= %s AND r.year_end >= %s", [year, year]),
        ),
        YEAR_SCHEMA,
    )
    year_from = _documented(
        IntegerFilter(
            field_name="year_end",
            lookup_expr="gte",
            label=_("From year"),
            min_value=YEAR_MIN,
            max_value=YEAR_MAX,
            sql=lambda year, connection: ("r.year_end >= %s", [year]),
        ),
        YEAR_SCHEMA,
    )
    year_to = _documented(
        IntegerFilter(
            field_name="year_start",
            lookup_expr="lte",
            label=_("To year"),
            min_value=YEAR_MIN,
            max_value=YEAR_MAX,
            sql=lambda year, connection: ("r.year_start <= %s", [year]),
        ),
        YEAR_SCHEMA,
    )
    q = _documented(
        TextFilter(method="filter_text", label=_("Text in the action"), max_length=200, sql=_text_sql),
        # No NUL and no U+FFFD (what bytes that are not UTF-8 become): both are refused.
        {"type": "string", "maxLength": 200, "pattern": r"^[^\x00\uFFFD]*$"},
    )
    repeats = _documented(
        IntegerFilter(
            field_name="repeats",
            label=_("Repeats recommendation"),
            min_value=1,
            max_value=ID_MAX,
            sql=_equals_sql("r.repeats_id"),
        ),
        {"type": "integer", "minimum": 1, "maximum": ID_MAX},
    )
    responsible_body = _documented(
        ModelMultipleValueFilter(
            queryset=ResponsibleBody.objects.all(),
            method="filter_responsible_body",
            label=_("Addressed to (responsible body id)"),
            sql=_responsible_bodies_sql,
        ),
        {"type": "integer", "minimum": 1, "maximum": ID_MAX},
    )
    distinct = DistinctFilter(
        choices=[("latest", _("Each recommendation once, in its latest report"))],
        method="filter_distinct",
        label=_("Repeated recommendations"),
        empty_label=_("Counted in every report"),
        help_text=_("`latest`: leave out a recommendation that a later report repeats."),
        sql=lambda value, connection: status_as_of.latest_only_sql(None),
    )
    due_before = DateFilter(
        field_name="due_on",
        lookup_expr="lte",
        label=_("Due on or before"),
        sql=lambda day, connection: ("r.due_on <= %s", [day]),
    )
    due_after = DateFilter(
        field_name="due_on",
        lookup_expr="gte",
        label=_("Due on or after"),
        sql=lambda day, connection: ("r.due_on >= %s", [day]),
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        label=_("Overdue"),
        help_text=_("Due before the day (`as_of`, else today) and not implemented as of that day."),
        sql=_overdue_sql,
    )
    # Tags (tags/filtering.py): a theme or group by its code (or its name), an SDG by its goal
    # number, a State by its country code, a position by supported/noted.
    theme = _documented(
        MultipleValueFilter(
            choices=tags.term_choices(Vocabulary.THEME),
            normalize=tags.normalize_term,
            known_values=tags.existing_codes(Vocabulary.THEME),
            allowed=tags.codes_listed(Vocabulary.THEME),
            method="filter_tag",
            label=_("Theme"),
            sql=tags.tag_sql(Vocabulary.THEME),
        ),
        {"type": "string", "maxLength": 100},
    )
    group = _documented(
        MultipleValueFilter(
            choices=tags.term_choices(Vocabulary.GROUP),
            normalize=tags.normalize_term,
            known_values=tags.existing_codes(Vocabulary.GROUP),
            allowed=tags.codes_listed(Vocabulary.GROUP),
            method="filter_tag",
            label=_("Affected group"),
            sql=tags.tag_sql(Vocabulary.GROUP),
        ),
        {"type": "string", "maxLength": 100},
    )
    sdg = _documented(
        MultipleValueFilter(
            choices=[(code, code) for code in tags.SDG_CODES],
            method="filter_tag",
            label=_("Sustainable Development Goal"),
            sql=tags.tag_sql(Vocabulary.SDG),
        ),
        _vocabulary(tags.SDG_CODES),
    )
    recommending_state = _documented(
        MultipleValueFilter(
            choices=lambda: list(countries),
            known_values=_existing_country_codes,
            normalize=str.upper,
            allowed=_country_codes_described,
            method="filter_tag",
            label=_("Recommending State"),
            sql=tags.tag_sql(Vocabulary.STATE),
        ),
        {**_vocabulary(code for code, _name in countries), "description": "ISO 3166-1 alpha-2"},
    )
    position = _documented(
        MultipleValueFilter(
            choices=[(code, code) for code in tags.POSITION_CODES],
            normalize=str.lower,
            method="filter_tag",
            label=_("Position (UPR)"),
            sql=tags.tag_sql(Vocabulary.POSITION),
        ),
        _vocabulary(tags.POSITION_CODES),
    )

    class Meta:
        model = Recommendation
        form = RecommendationFilterForm
        fields = [
            "area",
            "status",
            "source",
            "country",
            "priority",
            "year",
            "year_from",
            "year_to",
            "q",
            "repeats",
            "responsible_body",
            "as_of",
            "distinct",
            "due_before",
            "due_after",
            "overdue",
            *tags.TAG_FILTERS,
        ]

    @classmethod
    def validation_form(cls, data) -> forms.Form:
        """The form `is_valid` checks, bound to `data`, without a filter set around it: for
        the list, which validates here and applies the cleaned values itself (query.py).

        Its fields are the filter set's form's own, shared instead of deep-copied per request
        (a form copies every field, widget and queryset when it is made: a tenth of a list
        request). Cleaning and rendering read a field and never change it."""
        form_class: type[forms.Form] | None = cls.__dict__.get("_validation_form_class")
        if form_class is None:
            base = cls.__dict__.get("_form_class") or cls().get_form_class()
            form_class = cast(type[forms.Form], type(f"{base.__name__}Validation", (base,), {}))
            form_class.base_fields = _SharedFields(base.base_fields)  # after the metaclass set its own
            cls._validation_form_class = form_class
        return form_class(data)

    @property
    def form(self):
        # A bound filter set validates with the same shared-field form as the list (see
        # `validation_form`): building a form of copied fields was a sixth of a stats request.
        if not hasattr(self, "_form"):
            if self.is_bound and self.form_prefix is None:
                self._form = self.validation_form(self.data)
            else:
                self._form = super().form
        return self._form

    def get_form_class(self):
        # The form depends only on the filter definitions, so it is built once per filter set
        # class; django-filter builds a new form class per request, a tenth of a list request.
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class

    def filter_area(self, queryset: QuerySet, name: str, values: list[str]) -> QuerySet:
        if not values:
            return queryset
        condition = Q(area__in=[value for value in values if value != NO_AREA])
        if NO_AREA in values:
            condition |= Q(area__isnull=True)
        return queryset.filter(condition)

    def _as_of(self) -> datetime.date | None:
        return self.form.cleaned_data.get("as_of")

    def filter_as_of(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return status_as_of.existed_by(queryset, value) if value else queryset

    def filter_status(self, queryset: QuerySet, name: str, values: list[str]) -> QuerySet:
        if not values:
            return queryset
        as_of = self._as_of()
        if as_of is None:
            return queryset.filter(status__in=values)
        return queryset.alias(status_at=status_as_of.status_at_annotation(as_of, queryset)).filter(status_at__in=values)

    def filter_distinct(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return status_as_of.latest_only(queryset, self._as_of()) if value else queryset

    def filter_country(self, queryset: QuerySet, name: str, values: list[str]) -> QuerySet:
        return queryset.filter(country__in=values) if values else queryset

    def filter_year(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(year_start__lte=value, year_end__gte=value)

    def filter_responsible_body(self, queryset: QuerySet, name: str, bodies: QuerySet) -> QuerySet:
        if not is_set(bodies):
            return queryset
        # A subquery rather than a join: no duplicate rows, so no DISTINCT under keyset paging.
        addressed = Recommendation.responsible_bodies.through.objects.filter(responsiblebody__in=bodies)
        return queryset.filter(pk__in=addressed.values("recommendation_id"))

    def filter_overdue(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        as_of = self._as_of()
        if as_of is None or overdue_rule.judged_on_stored_status(as_of):
            condition = overdue_rule.overdue_q(overdue_rule.overdue_day(as_of))
        else:
            queryset = queryset.alias(status_that_day=status_as_of.status_at_annotation(as_of, queryset))
            condition = overdue_rule.overdue_q(overdue_rule.overdue_day(as_of), status_field="status_that_day")
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_tag(self, queryset: QuerySet, name: str, values: list[str]) -> QuerySet:
        return tags.tag_filter_queryset(queryset, name, values)

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for term in search_terms(value):
            queryset = queryset.filter(action_search__contains=term)
        return queryset


RecommendationFilterSet.base_filters = _ShallowCopiedFilters(RecommendationFilterSet.base_filters)


def _takes_several(filter_: django_filters.Filter) -> bool:
    return issubclass(filter_.field_class, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)


# The parameters that take several values, repeated (`?area=a&area=b`) or comma-separated
# (`?area=a,b`): the list filters whose field takes several, and the stats' `breakdown`.
# Declared here alone: any other parameter given twice is a 400 (`validate_query_parameters`)
# rather than answered with its last value, and the dashboard's form and the cursor's
# binding (api/pagination.py) read the same set.
MULTI_VALUED_PARAMETERS = frozenset(
    {*(name for name, filter_ in RecommendationFilterSet.base_filters.items() if _takes_several(filter_)), "breakdown"}
)


def parameter_values(params, name: str) -> list[str]:
    """The values given for `name`: each comma-separated part of a multi-valued parameter."""
    values = params.getlist(name)
    if name not in MULTI_VALUED_PARAMETERS:
        return values
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def validate_query_parameters(params, *, accepted: Iterable[str]) -> None:
    """Refuse what the filters would otherwise read as something else: a parameter the
    endpoint does not know (a typo such as `stauts` would answer with the unfiltered list),
    a parameter that takes one value given twice (it would answer with the last one), and a
    value that is not text (Django turns bytes that are not UTF-8 into U+FFFD; a NUL cannot
    be stored or searched)."""
    known = set(accepted)
    unknown = sorted(set(params) - known)
    if unknown:
        message = _("Unknown parameter; this endpoint accepts: %(known)s.") % {"known": ", ".join(sorted(known))}
        raise ValidationError({name: [message] for name in unknown})
    repeated = sorted(name for name in params if name not in MULTI_VALUED_PARAMETERS and len(params.getlist(name)) > 1)
    if repeated:
        once = _("Given more than once; this parameter takes one value.")
        raise ValidationError({name: [once] for name in repeated})
    unreadable = sorted(
        name
        for name in params
        if any(marker in value for value in params.getlist(name) for marker in ("\ufffd", "\x00"))
    )
    if unreadable:
        message = _("The value is not valid UTF-8 text or contains a NUL byte.")
        raise ValidationError({name: [message] for name in unreadable})
