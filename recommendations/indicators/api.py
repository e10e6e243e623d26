"""The indicators API: the vocabulary (`/api/v1/indicators/`) and the values
(`/api/v1/indicator-values/`), open to anyone — they are published figures. Values filter
like the recommendation list: several values repeated or comma-separated, an unknown
parameter or value is a 400 naming it."""

import django_filters
from django.shortcuts import get_object_or_404
from django_countries import countries
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from recommendations.api.filters import MultiValueFilterBackend
from recommendations.api.write_serializers import StrictFieldsMixin
from recommendations.caching.views import CachedReadMixin
from recommendations.choices import Role
from recommendations.listing.filters import (
    existing_source_slugs,
    known_country_codes,
    source_choices,
)
from recommendations.listing.shims import (
    IntegerFilter,
    MultipleValueFilter,
    StrictBooleanFilter,
    documented,
    vocabulary,
)
from recommendations.models import Source
from recommendations.years import YEAR_MAX, YEAR_MIN, YEAR_SCHEMA

from .models import Indicator, IndicatorValue, Unit, ValueState
from .selectors import values_with_disagreement
from .services import indicator_value_add, indicator_value_correct
from .vocabulary import INDICATORS

VALUE_YEAR_MIN = 1990
# Filters that take several values, repeated or comma-separated, like the list's.
MULTI_VALUED = ("country", "indicator", "kind", "source")


def _indicator_codes() -> list[tuple[str, str]]:
    return [(definition.code, definition.name_en) for definition in INDICATORS]


def _existing_indicator_codes(codes: list[str]) -> set[str]:
    return set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))


class IndicatorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    parent: serializers.Field = serializers.SlugRelatedField(  # type: ignore[assignment]  # a field, not Field.parent
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Indicator
        fields = ["code", "kind", "name", "name_az", "name_en", "unit", "group", "parent"]
        read_only_fields = fields


class IndicatorFilterSet(django_filters.FilterSet):
    kind = documented(
        MultipleValueFilter(
            choices=[("dol", "DOL"), ("tip", "TIP")], field_name="kind", distinct=False, normalize=str.lower
        ),
        vocabulary(["dol", "tip"]),
    )

    class Meta:
        model = Indicator
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        tags=["indicators"], description="The indicators each kind of report states, with their names and units."
    ),
    retrieve=extend_schema(tags=["indicators"], description="One indicator of the vocabulary, by its code."),
)
class IndicatorViewSet(CachedReadMixin, viewsets.ReadOnlyModelViewSet):
    """The indicators each kind of report states (declared in indicators/vocabulary.py)."""

    queryset = Indicator.objects.select_related("parent")
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet
    filter_backends = [MultiValueFilterBackend]
    multi_valued_parameters = MULTI_VALUED
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    ordering_fields = ("id", "position")
    ordering = "position"
    read_role = None
    cached_actions = ("list",)


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.ChoiceField(source="indicator.unit", choices=Unit.choices, read_only=True)
    country = serializers.CharField(read_only=True)
    source = serializers.CharField(source="source.slug", read_only=True)  # type: ignore[assignment]  # a field
    source_report_year = serializers.IntegerField(source="source.report_year", read_only=True)
    number = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, allow_null=True)
    converted_usd = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, allow_null=True)
    display = serializers.CharField(read_only=True)
    corrected = serializers.BooleanField(read_only=True)
    as_read = serializers.JSONField(read_only=True)
    location = serializers.JSONField(read_only=True)
    disagrees = serializers.BooleanField(
        read_only=True,
        help_text="Another source states another value of this indicator for the same country and year.",
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "unit",
            "country",
            "year",
            "source",
            "source_report_year",
            "state",
            "number",
            "currency",
            "converted_usd",
            "display",
            "printed",
            "quote",
            "location",
            "language",
            "citations",
            "confirmed",
            "corrected",
            "as_read",
            "note",
            "disagrees",
        ]
        read_only_fields = fields


class IndicatorValueCorrectionSerializer(StrictFieldsMixin, serializers.Serializer):
    """What staff may change of a value: the value itself (the value as read is kept), that
    they confirmed it, and a note."""

    state = serializers.ChoiceField(choices=ValueState.choices, required=False)
    # Numbers in JSON ("16", 16 and 16.5 alike are read exactly as decimals).
    number = serializers.DecimalField(
        max_digits=18, decimal_places=2, allow_null=True, required=False, coerce_to_string=False
    )
    currency = serializers.CharField(max_length=3, allow_blank=True, required=False)
    converted_usd = serializers.DecimalField(
        max_digits=18, decimal_places=2, allow_null=True, required=False, coerce_to_string=False
    )
    confirmed = serializers.BooleanField(required=False)
    note = serializers.CharField(max_length=20000, allow_blank=True, required=False)


class IndicatorValueCreateSerializer(IndicatorValueCorrectionSerializer):
    """A value filed by hand for a source: an unread figure of an import, or one no reader knows."""

    indicator = serializers.ChoiceField(choices=[(definition.code, definition.code) for definition in INDICATORS])
    year = serializers.IntegerField(min_value=VALUE_YEAR_MIN, max_value=YEAR_MAX)
    state = serializers.ChoiceField(choices=ValueState.choices)
    confirmed = None  # type: ignore[assignment]  # a value a person files is confirmed: not a choice


class IndicatorValueFilterSet(django_filters.FilterSet):
    country = documented(
        MultipleValueFilter(
            choices=lambda: list(countries),
            known_values=known_country_codes,
            normalize=str.upper,
            field_name="country",
        ),
        {**vocabulary(code for code, _name in countries), "description": "ISO 3166-1 alpha-2"},
    )
    indicator = documented(
        MultipleValueFilter(
            choices=_indicator_codes,
            known_values=_existing_indicator_codes,
            normalize=str.lower,  # a code, read in either case as every code is (the vocabulary's are lower case)
            field_name="indicator__code",
        ),
        {**vocabulary(definition.code for definition in INDICATORS), "description": "see /api/v1/indicators/"},
    )
    kind = documented(
        MultipleValueFilter(
            choices=[("dol", "DOL"), ("tip", "TIP")], field_name="indicator__kind", normalize=str.lower
        ),
        vocabulary(["dol", "tip"]),
    )
    source = MultipleValueFilter(choices=source_choices, known_values=existing_source_slugs, field_name="source__slug")
    year = documented(IntegerFilter(field_name="year", min_value=YEAR_MIN, max_value=YEAR_MAX), YEAR_SCHEMA)
    year_from = documented(
        IntegerFilter(field_name="year", lookup_expr="gte", min_value=YEAR_MIN, max_value=YEAR_MAX), YEAR_SCHEMA
    )
    year_to = documented(
        IntegerFilter(field_name="year", lookup_expr="lte", min_value=YEAR_MIN, max_value=YEAR_MAX), YEAR_SCHEMA
    )
    confirmed = StrictBooleanFilter(field_name="confirmed")

    class Meta:
        model = IndicatorValue
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        tags=["indicators"],
        description=(
            "Indicator values, filtered like the recommendation list (country, indicator, kind, source, year, "
            "year_from, year_to, confirmed). A value is one source's statement for one year; `disagrees` says another "
            "source states another value for the same country, indicator and year. `state` is `unknown` or "
            "`not_applicable` where the report says so: never a zero."
        ),
    ),
    retrieve=extend_schema(
        tags=["indicators"], description="One indicator value, with the sentence or table cell it was read from."
    ),
    partial_update=extend_schema(
        tags=["indicators"],
        request=IndicatorValueCorrectionSerializer,
        responses={200: IndicatorValueSerializer},
        description=(
            "Confirm or correct a value (NGO staff and admins). The value as read stays in `as_read`; the change is "
            "kept in history. A value that does not fit the indicator's unit is a 400 naming the field."
        ),
    ),
    create=extend_schema(
        tags=["indicators"],
        request=IndicatorValueCreateSerializer,
        responses={201: IndicatorValueSerializer},
        description="File a value by hand (NGO staff and admins), e.g. a figure the import left unread.",
    ),
)
class IndicatorValueViewSet(
    CachedReadMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Indicator values, one per (source, indicator, year), with where each was read."""

    queryset = values_with_disagreement()
    serializer_class = IndicatorValueSerializer
    filterset_class = IndicatorValueFilterSet
    filter_backends = [MultiValueFilterBackend]
    multi_valued_parameters = MULTI_VALUED
    ordering_fields = ("id", "year")
    ordering = "year"
    read_role = None
    write_role = Role.NGO_STAFF
    http_method_names = ["get", "patch", "head", "options"]
    cached_actions = ("list",)

    def update(self, request, *args, **kwargs):
        value = self.get_object()
        serializer = IndicatorValueCorrectionSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        indicator_value_correct(value_id=value.pk, data=dict(serializer.validated_data), user=request.user)
        return _shown(request, value.pk, status.HTTP_200_OK)


def _shown(request, pk: int, code: int) -> Response:
    value = values_with_disagreement().get(pk=pk)
    return Response(IndicatorValueSerializer(value, context={"request": request}).data, status=code)


class SourceIndicatorValueCreateView(APIView):
    """File a value of a source by hand (NGO staff and admins)."""

    read_role = None
    write_role = Role.NGO_STAFF
    http_method_names = ["post", "options"]

    @extend_schema(
        tags=["indicators"],
        request=IndicatorValueCreateSerializer,
        responses={201: IndicatorValueSerializer},
        description=(
            "File a value of this source by hand (NGO staff and admins), e.g. a figure the import left unread: "
            "confirmed, as a person read it. A second value of the same indicator and year is a 400."
        ),
    )
    def post(self, request, slug: str):
        source = get_object_or_404(Source, slug=slug)
        serializer = IndicatorValueCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        indicator = Indicator.objects.get(code=fields.pop("indicator"))
        value = indicator_value_add(user=request.user, source=source, indicator=indicator, **fields)
        return _shown(request, value.pk, status.HTTP_201_CREATED)
