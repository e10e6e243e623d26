"""What the endpoints that read the filtered list without listing it (stats, timeline,
changes, exports) share: the list's filters, documented in their schema too."""

from recommendations.listing.filters import RecommendationFilterSet
from recommendations.models import Recommendation

from .filters import StrictFilterBackend
from .schema import RoleAwareAutoSchema


class RecommendationFiltersSchema(RoleAwareAutoSchema):
    """Stats and exports are not lists, yet take every filter of the recommendation list:
    document the filterset's parameters for them too."""

    def get_filter_backends(self):
        return [StrictFilterBackend]


class RecommendationFiltersMixin:
    queryset = Recommendation.objects.all()
    filterset_class = RecommendationFilterSet
    schema = RecommendationFiltersSchema()
    pagination_class = None
    read_role = None
    extra_parameters: frozenset[str] = frozenset()
