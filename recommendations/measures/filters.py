"""The measures' list filters, for the API and the list page: several values repeated or
comma-separated, an unknown value a 400 naming the parameter, as the recommendation list's."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from recommendations.choices import Status
from recommendations.listing.fields import ID_MAX
from recommendations.listing.shims import IntegerFilter, MultipleValueFilter, documented, vocabulary
from recommendations.search import folded_search

from .models import Measure, MeasureKind


class MeasureFilterSet(django_filters.FilterSet):
    country = documented(
        MultipleValueFilter(choices=lambda: list(countries), normalize=str.upper, label=_("Country")),
        {**vocabulary(code for code, _name in countries), "description": "ISO 3166-1 alpha-2"},
    )
    status = documented(
        MultipleValueFilter(choices=Status.choices, normalize=str.lower, label=_("Status")), vocabulary(Status.values)
    )
    kind = documented(
        MultipleValueFilter(choices=MeasureKind.choices, normalize=str.lower, label=_("Kind of measure")),
        vocabulary(MeasureKind.values),
    )
    recommendation = documented(
        IntegerFilter(
            field_name="links__recommendation", min_value=1, max_value=ID_MAX, label=_("Answers recommendation")
        ),
        {"type": "integer", "minimum": 1, "maximum": ID_MAX},
    )
    q = documented(
        django_filters.CharFilter(method="filter_text", max_length=200, label=_("Text in the title or description")),
        {"type": "string", "maxLength": 200, "pattern": r"^[^\x00\uFFFD]*$"},
    )

    class Meta:
        model = Measure
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        return queryset.filter(folded_search(("title_az", "title_en", "description"), value)) if value else queryset
