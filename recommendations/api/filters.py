from django_filters.rest_framework import DjangoFilterBackend

from recommendations.listing.filters import validate_query_parameters

# Parameters every list understands besides its filters.
GENERAL_PARAMETERS = frozenset({"cursor", "page_size", "ordering", "format"})


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, plus a 400 for parameters the endpoint does not know and for
    values that are not text (see `validate_query_parameters`)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        accepted = set(GENERAL_PARAMETERS)
        if filterset_class is not None:
            accepted |= set(filterset_class.base_filters)
        validate_query_parameters(request.query_params, accepted=accepted)
        return super().filter_queryset(request, queryset, view)
