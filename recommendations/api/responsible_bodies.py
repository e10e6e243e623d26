"""`/api/v1/responsible-bodies/`: the ministries and agencies recommendations are addressed
to, so a client can find the ids the list's `responsible_body` filter takes."""

from django.db.models import Count
from django.utils.translation import gettext as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from recommendations.caching.views import CachedReadMixin
from recommendations.models import ResponsibleBody


class ResponsibleBodyEntrySerializer(serializers.ModelSerializer):
    country = serializers.CharField(read_only=True, help_text="ISO 3166-1 alpha-2; empty when not stated.")
    recommendation_count = serializers.IntegerField(
        read_only=True, help_text="Recommendations addressed to it (the list's `responsible_body=<id>`)."
    )

    class Meta:
        model = ResponsibleBody
        fields = ["id", "name", "abbreviation", "country", "recommendation_count"]
        read_only_fields = fields


COUNTRY = OpenApiParameter(
    "country",
    OpenApiTypes.STR,
    description="Only the bodies of this country: an ISO 3166-1 alpha-2 code, in either case.",
    # The codes the filter takes, so a client (and the schema's fuzzing) knows them.
    enum=sorted(code for code, _name in countries),
)


@extend_schema_view(list=extend_schema(parameters=[COUNTRY]))
class ResponsibleBodyViewSet(CachedReadMixin, viewsets.ReadOnlyModelViewSet):
    """Anyone may read them: names of public institutions, as the list shows them."""

    queryset = ResponsibleBody.objects.annotate(recommendation_count=Count("recommendations"))
    serializer_class = ResponsibleBodyEntrySerializer
    ordering_fields = ("id", "name")
    ordering = "name"
    read_role = None
    cached_actions = ("list",)
    list_parameters = ("country",)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)  # unknown parameters refused first
        if self.action != "list":
            return queryset
        country = self.request.query_params.get("country")
        if country is None:
            return queryset
        code = country.strip().upper()
        if code not in dict(countries):
            raise ValidationError(
                {
                    "country": [
                        _("“%(value)s” is not a value of this filter; use one of: %(allowed)s.")
                        % {"value": country, "allowed": _("an ISO 3166-1 alpha-2 code such as AZ, in either case")}
                    ]
                }
            )
        return queryset.filter(country=code)
