"""The filter set of the recommendation list, shared by the API, exports, stats and the dashboard.

Every parameter is validated: an unknown value is a 400 that names the parameter, never a
silently unfiltered list. Several values come as repeated parameters or comma-separated.

Each filter is declared once, here: its form field (validation, `fields.py`), its queryset
filtering (stats, exports, pages) and, beside it, the SQL condition the list statement uses
(`conditions.py`, applied by `query.py`). tests/test_list_query.py fails when a filter has no
SQL condition and checks that each condition returns exactly the rows the queryset filtering
returns. The filter classes are in `shims.py`; the refusal of unknown and repeated parameters
in `parameters.py`.
"""

import datetime
from functools import cache, reduce
from operator import or_
from typing import ClassVar, cast

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from recommendations import overdue as overdue_rule
from recommendations.choices import AREAS, NOT_CLASSIFIED, Status
from recommendations.models import Measure, MeasureLink, Recommendation, ResponsibleBody, Source
from recommendations.search import matching_q, parse_query
from recommendations.tags import filtering as tags
from recommendations.tags.vocabularies import Vocabulary
from recommendations.years import YEAR_MAX, YEAR_MIN, YEAR_SCHEMA

from . import as_of as status_as_of
from . import conditions
from .conditions import NO_AREA
from .fields import ID_MAX
from .shims import (
    AsOfFilter,
    DateFilter,
    DistinctFilter,
    IntegerFilter,
    ModelMultipleValueFilter,
    MultipleValueFilter,
    ShallowCopiedFilters,
    SharedFields,
    StrictBooleanFilter,
    TextFilter,
    WithdrawnFilter,
    documented,
    is_set,
    vocabulary,
)

SEARCH_LETTER = r"[0-9A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u0400-\u0481\u048A-\u04FF]"
SEARCH_PATTERN = rf"^[^\x00\uFFFD]*{SEARCH_LETTER}[^\x00\uFFFD]*$"


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


def source_choices():
    return [(slug, slug) for slug in Source.objects.values_list("slug", flat=True)]


SOURCES_LISTED = 100


def source_slugs_listed() -> str:
    slugs = list(Source.objects.order_by("slug").values_list("slug", flat=True)[: SOURCES_LISTED + 1])
    return ", ".join(slugs[:SOURCES_LISTED]) + (", …" if len(slugs) > SOURCES_LISTED else "")


def country_codes_described() -> str:
    return str(_("an ISO 3166-1 alpha-2 code such as AZ, in either case"))


def existing_source_slugs(slugs: list[str]) -> dict[str, str]:
    """Each given slug that names a report, in either case (a code, as an area's), → the
    report's own slug. As written first, by the unique index; only the others in any case."""
    found = {slug: slug for slug in Source.objects.filter(slug__in=slugs).values_list("slug", flat=True)}
    others = [slug for slug in slugs if slug not in found]
    if others:
        stored_as: dict[str, str] = {}
        either_case = reduce(or_, (Q(slug__iexact=slug) for slug in others))
        for stored in Source.objects.filter(either_case).order_by("slug").values_list("slug", flat=True):
            stored_as.setdefault(stored.casefold(), stored)
        found.update({slug: stored_as[slug.casefold()] for slug in others if slug.casefold() in stored_as})
    return found


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


def known_country_codes(codes: list[str]) -> frozenset[str]:
    """Every country code, whatever was asked: the set is cached, so looking up only `codes`
    would cost more."""
    return _country_codes()


def _term_filter(vocabulary: Vocabulary, label) -> MultipleValueFilter:
    """A filter on the terms of a vocabulary stored as tags (themes, affected groups): each
    value a term's code or name, several values any of them."""
    return documented(
        MultipleValueFilter(
            choices=tags.term_choices(vocabulary),
            normalize=tags.normalize_term,
            known_values=tags.existing_codes(vocabulary),
            allowed=tags.codes_listed(vocabulary),
            method="filter_tag",
            label=label,
            sql=tags.tag_sql(vocabulary),
        ),
        {"type": "string", "maxLength": 100},
    )


class RecommendationFilterSet(django_filters.FilterSet):
    _validation_form_class: ClassVar[type[forms.Form] | None] = None  # see validation_form
    # Each filter: its validation and queryset filtering, then `sql=`, the same condition as
    # SQL for the list statement, called with the cleaned value (see "SQL conditions" above).
    area = documented(
        MultipleValueFilter(
            choices=[(area.code, area.name_en) for area in AREAS] + [(NO_AREA, NOT_CLASSIFIED)],
            normalize=str.lower,  # codes in either case, as the country's
            method="filter_area",
            label=_("Area"),
            sql=conditions.area_sql,
        ),
        vocabulary([*(area.code for area in AREAS), NO_AREA]),
    )
    # Declared before `status` and `distinct`, which read it: with `as_of`, a status is the
    # one the recommendation had at the end of that day (listing/as_of.py).
    as_of = AsOfFilter(
        method="filter_as_of",
        label=_("Status as of (YYYY-MM-DD)"),
        help_text=_(
            "Each recommendation's status at the end of that day, from the progress log; only "
            "recommendations whose report year is that year or earlier."
        ),
        sql=lambda day, connection: ("s.report_year <= %s", [day.year]),
    )
    status = documented(
        MultipleValueFilter(
            choices=Status.choices,
            normalize=str.lower,
            method="filter_status",
            label=_("Status"),
            sql=conditions.in_sql("r.status"),
        ),
        vocabulary(Status.values),
    )
    source = MultipleValueFilter(
        field_name="source__slug",
        choices=source_choices,
        known_values=existing_source_slugs,
        allowed=source_slugs_listed,
        label=_("Source"),
        sql=conditions.in_sql("s.slug"),
    )
    country = documented(
        MultipleValueFilter(
            choices=lambda: list(countries),
            known_values=known_country_codes,
            normalize=str.upper,  # a country code in lower case is still that country
            allowed=country_codes_described,
            method="filter_country",
            label=_("Country"),
            sql=conditions.in_sql("r.country"),
        ),
        {**vocabulary(code for code, _name in countries), "description": "ISO 3166-1 alpha-2"},
    )
    priority = StrictBooleanFilter(label=_("Prioritized"), sql=conditions.equals_sql("r.priority"))
    year = documented(
        IntegerFilter(
            method="filter_year",
            label=_("Suggested in year"),
            min_value=YEAR_MIN,
            max_value=YEAR_MAX,
            sql=lambda year, connection: ("r.year_start <= %s AND r.year_end >= %s", [year, year]),
        ),
        YEAR_SCHEMA,
    )
    year_from = documented(
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
    year_to = documented(
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
    q = documented(
        TextFilter(method="filter_text", label=_("Text in the action"), max_length=200, sql=conditions.text_sql),
        # No NUL and no U+FFFD (what bytes that are not UTF-8 become): both are refused; and a
        # letter or digit to search for (stated for Latin and Cyrillic letters; the server
        # takes any script's, and refuses a query of OR alone, which a pattern cannot say).
        {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "pattern": SEARCH_PATTERN,
        },
    )
    repeats = documented(
        IntegerFilter(
            field_name="repeats",
            label=_("Repeats recommendation"),
            min_value=1,
            max_value=ID_MAX,
            sql=conditions.equals_sql("r.repeats_id"),
        ),
        {"type": "integer", "minimum": 1, "maximum": ID_MAX},
    )
    responsible_body = documented(
        ModelMultipleValueFilter(
            queryset=ResponsibleBody.objects.all(),
            method="filter_responsible_body",
            label=_("Addressed to (responsible body id)"),
            sql=conditions.responsible_bodies_sql,
        ),
        {"type": "integer", "minimum": 1, "maximum": ID_MAX},
    )
    measure = documented(
        ModelMultipleValueFilter(
            queryset=Measure.objects.all(),
            method="filter_measure",
            label=_("Answered by measure (id)"),
            sql=conditions.measures_sql,
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
        sql=conditions.overdue_sql,
    )
    withdrawn = WithdrawnFilter()  # applied even when not asked for: withdrawn rows are left out
    # Tags (tags/filtering.py): a theme or group by its code (or its name), an SDG by its goal
    # number, a State by its country code, a position by supported/noted.
    theme = _term_filter(Vocabulary.THEME, _("Theme"))
    group = _term_filter(Vocabulary.GROUP, _("Affected group"))
    sdg = documented(
        MultipleValueFilter(
            choices=[(code, code) for code in tags.SDG_CODES],
            method="filter_tag",
            label=_("Sustainable Development Goal"),
            sql=tags.tag_sql(Vocabulary.SDG),
        ),
        vocabulary(tags.SDG_CODES),
    )
    recommending_state = documented(
        MultipleValueFilter(
            choices=lambda: list(countries),
            known_values=known_country_codes,
            normalize=str.upper,
            allowed=country_codes_described,
            method="filter_tag",
            label=_("Recommending State"),
            sql=tags.tag_sql(Vocabulary.STATE),
        ),
        {**vocabulary(code for code, _name in countries), "description": "ISO 3166-1 alpha-2"},
    )
    position = documented(
        MultipleValueFilter(
            choices=[(code, code) for code in tags.POSITION_CODES],
            normalize=str.lower,
            method="filter_tag",
            label=_("Position (UPR)"),
            sql=tags.tag_sql(Vocabulary.POSITION),
        ),
        vocabulary(tags.POSITION_CODES),
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
            "measure",
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
            form_class.base_fields = SharedFields(base.base_fields)  # after the metaclass set its own
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

    def filter_measure(self, queryset: QuerySet, name: str, measures: QuerySet) -> QuerySet:
        if not is_set(measures):
            return queryset
        return queryset.filter(pk__in=MeasureLink.objects.filter(measure__in=measures).values("recommendation_id"))

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
        query = parse_query(value) if value else ()
        return queryset.filter(matching_q(query)) if query else queryset


RecommendationFilterSet.base_filters = ShallowCopiedFilters(RecommendationFilterSet.base_filters)
