"""The reports and the areas they are classified by: read by anyone; withdrawn reports and
recommendations are left out as everywhere (withdrawal/)."""

from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from recommendations.caching.views import CachedReadMixin
from recommendations.choices import AREAS, SourceKind, area_name
from recommendations.listing.parameters import validate_query_parameters
from recommendations.models import Recommendation, Source
from recommendations.withdrawal.models import public_q
from recommendations.withdrawal.views import WithdrawnHiddenMixin

from .filters import accepted_parameters
from .serializers import AreaSerializer, SourceSerializer


class SourceViewSet(CachedReadMixin, WithdrawnHiddenMixin, viewsets.ReadOnlyModelViewSet):
    # Counted as every list counts: without withdrawn recommendations.
    queryset = Source.objects.annotate(
        recommendation_count=Count("recommendations", filter=public_q("recommendations"))
    )
    serializer_class = SourceSerializer
    lookup_field = "slug"
    # What a SlugField holds: anything else (NUL, which PostgreSQL cannot even compare, a
    # space, a non-ASCII letter) names no source, so the router answers 404 without a query.
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    ordering_fields = ("id", "report_year", "slug")
    ordering = "-report_year"
    read_role = None
    cached_actions = ("list",)


class AreaListView(APIView):
    read_role = None
    list_parameters = ("kind",)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                enum=list(SourceKind.values),
                description="Only the areas of this kind of report.",
            )
        ],
        responses={200: AreaSerializer(many=True), 400: OpenApiResponse(description="A bad or unknown parameter.")},
    )
    def get(self, request):
        validate_query_parameters(request.query_params, accepted=accepted_parameters(self))
        given = request.query_params.get("kind")
        kind = given.strip().lower() if given is not None else None  # a code, read in either case as every code is
        if kind is not None and kind not in SourceKind.values:
            raise ValidationError(
                {
                    "kind": [
                        _("“%(value)s” is not a kind of report; use one of: %(allowed)s.")
                        % {"value": given, "allowed": ", ".join(SourceKind.values)}
                    ]
                }
            )
        counts = dict(
            Recommendation.objects.public()
            .exclude(area=None)
            .values_list("area")
            .annotate(count=Count("id"))
            .order_by()
        )
        rows = [
            {
                "code": area.code,
                "kind": area.kind,
                "name": area_name(area.code),
                "name_az": area.name_az,
                "name_en": area.name_en,
                "recommendation_count": counts.get(area.code, 0),
            }
            for area in AREAS
            if kind is None or area.kind == kind
        ]
        return Response(AreaSerializer(rows, many=True).data)
