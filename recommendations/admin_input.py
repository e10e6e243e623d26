"""Query strings the admin reads itself: hand-edited URLs must not reach the database as
values it cannot hold (NUL, which PostgreSQL refuses even to compare) or as ids that are not
numbers (Django's autocomplete widget would fail rendering them).

The search box is read in NFC, the form every stored text is in (recommendations/fields.py).

Every ModelAdmin of the site uses this mixin, Django's own (users, groups, tokens) included.
"""

import unicodedata
from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from .search import folded_search, search_terms


def _unstorable(text: str) -> bool:
    return "\x00" in text


# Mixed into ModelAdmin classes; type-checked as one.
if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class HostileQueryAdminMixin(_AdminBase):
    def get_changelist_instance(self, request):
        # The admin answers IncorrectLookupParameters with its "?e=1" page, not a 500.
        if any(_unstorable(key) or any(_unstorable(value) for value in values) for key, values in request.GET.lists()):
            raise IncorrectLookupParameters("NUL in a query parameter")
        return super().get_changelist_instance(request)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, unicodedata.normalize("NFC", search_term))

    def get_changeform_initial_data(self, request):
        """Prefilled values from the URL (`add/?repeats=12`) that the field can hold; the
        rest is dropped, as if not given."""
        initial = super().get_changeform_initial_data(request)
        kept = {}
        for name, value in initial.items():
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            values = value if isinstance(value, list) else [value]
            target = field.target_field if field.is_relation else field
            try:
                for item in values:
                    if _unstorable(str(item)):
                        raise ValidationError("NUL")
                    target.to_python(item)
            except ValidationError:
                continue
            kept[name] = value
        return kept


class FoldedSearchAdminMixin(_AdminBase):
    """The search box finds words with or without Azerbaijani letters and doubled letters
    ("emek" finds "əmək"), in `search_fields`, as the recommendation list does."""

    search_help_text = _("Finds words with or without Azerbaijani letters (emek → əmək).")

    def get_search_results(self, request, queryset, search_term):
        term = unicodedata.normalize("NFC", search_term)
        if not search_terms(term):
            return queryset, False
        return queryset.filter(folded_search(self.get_search_fields(request), term)), False


class RecommendationNumberFilter(admin.SimpleListFilter):
    """`?recommendation=ID`, typed in by its number rather than picked from a list of
    thousands; subclasses say which rows belong to that recommendation."""

    title = _("recommendation")
    parameter_name = "recommendation"
    template = "admin/recommendations/changerecord/recommendation_filter.html"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, f"#{value}")] if value else [("", "")]

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(_("A recommendation is chosen by its number."))
        return self.of_recommendation(queryset, int(value))

    def of_recommendation(self, queryset, pk: int):
        raise NotImplementedError
