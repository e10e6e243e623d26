"""Which query parameters an endpoint takes, derived from what it really reads — its filter
set, its paginator, its own declared parameters — so the 400 for any other names the right
ones. A detail (one object, found by its id) takes none of the list's filters or paging."""

from django_filters.rest_framework import DjangoFilterBackend

from recommendations.listing.parameters import validate_query_parameters

from .pagination import KeysetPagination

FORMAT_PARAMETER = "format"
PAGING_PARAMETERS = frozenset(
    {
        KeysetPagination.cursor_query_param,
        KeysetPagination.page_size_query_param,
        KeysetPagination.ordering_query_param,
    }
)
# What the recommendation list takes besides its filters.
GENERAL_PARAMETERS = frozenset({FORMAT_PARAMETER, *PAGING_PARAMETERS})


def is_detail(view) -> bool:
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
    return lookup is not None and lookup in getattr(view, "kwargs", {})


def accepted_parameters(view) -> frozenset[str]:
    """The query parameters `view` takes for this request: on a detail, `format` and the
    view's `detail_parameters`; on a list, `format`, the paginator's and the filter set's."""
    if is_detail(view):
        return frozenset({FORMAT_PARAMETER, *getattr(view, "detail_parameters", ())})
    accepted = {FORMAT_PARAMETER, *getattr(view, "list_parameters", ())}
    if getattr(view, "paginator", None) is not None:
        accepted |= PAGING_PARAMETERS
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        accepted |= set(filterset_class.base_filters)
    return frozenset(accepted)


class MultiValueFilterBackend(DjangoFilterBackend):
    """The list's strict filtering (unknown parameters and repeated single values are a 400),
    for an endpoint with filters of its own that take several values, repeated or
    comma-separated: the view names them (`multi_valued_parameters`)."""

    def filter_queryset(self, request, queryset, view):
        params = request.query_params.copy()
        for name in getattr(view, "multi_valued_parameters", ()):
            if len(params.getlist(name)) > 1:
                params.setlist(name, [",".join(params.getlist(name))])
        validate_query_parameters(params, accepted=accepted_parameters(view))
        if is_detail(view):  # found by its id alone, as StrictFilterBackend's
            return queryset
        return super().filter_queryset(request, queryset, view)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, plus a 400 for parameters the endpoint does not take and for
    values that are not text (see `validate_query_parameters`). A detail is found by its id
    alone: the list's filters would turn an existing object into a 404."""

    def filter_queryset(self, request, queryset, view):
        validate_query_parameters(request.query_params, accepted=accepted_parameters(view))
        if is_detail(view):
            return queryset
        return super().filter_queryset(request, queryset, view)
