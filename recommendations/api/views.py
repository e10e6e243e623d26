from functools import partial

from django.db.models import Count
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import Throttled
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from recommendations.analytics import exports, stats
from recommendations.catalog.services import recommendation_update
from recommendations.choices import AREAS, Role, area_name
from recommendations.evidence.services import evidence_add
from recommendations.history.selectors import recommendation_history
from recommendations.listing import query, selectors
from recommendations.listing.filters import RecommendationFilterSet
from recommendations.models import Evidence, ProgressUpdate, Recommendation, Source
from recommendations.progress import timeline
from recommendations.progress.services import progress_record
from recommendations.roles import has_role

from .conditional import expected_version, recommendation_etag, tag_response
from .exceptions import InvalidCredentials
from .filters import GENERAL_PARAMETERS, StrictFilterBackend
from .history_serializers import ChangeRecordSerializer
from .multipart import StrictMultiPartParser
from .negotiation import FirstRendererNegotiation
from .parsers import StrictJSONParser
from .renderers import ORJSONRenderer
from .request_schemas import EVIDENCE_REQUEST, RECOMMENDATION_UPDATE_REQUEST
from .schema import RoleAwareAutoSchema
from .serializers import (
    AreaSerializer,
    EvidenceCreateSerializer,
    EvidenceSerializer,
    ProgressUpdateSerializer,
    RecommendationAdminUpdateSerializer,
    RecommendationDetailSerializer,
    RecommendationSerializer,
    RecommendationStatusUpdateSerializer,
    SourceSerializer,
    StatsSerializer,
    TokenSerializer,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The recommendation's ETag; a stale one is refused with 412.",
)
RECOMMENDATION_PK = OpenApiParameter("recommendation_pk", OpenApiTypes.INT, OpenApiParameter.PATH)


class RecommendationScopedMixin:
    """For endpoints under /recommendations/{id}/: rows of that recommendation, which must
    exist (else 404). Views name the column holding the recommendation's id."""

    recommendation_lookup = "recommendation_id"

    def get_recommendation(self) -> Recommendation:
        if not hasattr(self, "_recommendation"):
            self._recommendation = get_object_or_404(Recommendation, pk=self.kwargs["recommendation_pk"])
        return self._recommendation

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no URL kwargs
            return self.queryset.none()
        return self.queryset.filter(**{self.recommendation_lookup: self.get_recommendation().pk})


@extend_schema_view(
    partial_update=extend_schema(
        parameters=[IF_MATCH], request=RECOMMENDATION_UPDATE_REQUEST, responses=RecommendationDetailSerializer
    )
)
class RecommendationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    queryset = Recommendation.objects.select_related("source").prefetch_related("responsible_bodies")
    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilterSet
    ordering_fields = selectors.RECOMMENDATION_ORDERING_FIELDS
    ordering = "id"
    read_role = None
    write_role = Role.NGO_STAFF
    http_method_names = ["get", "patch", "head", "options"]
    etag_actions = ("retrieve", "partial_update")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return RecommendationDetailSerializer
        if self.action == "partial_update":
            if has_role(self.request.user, Role.ADMIN):
                return RecommendationAdminUpdateSerializer
            return RecommendationStatusUpdateSerializer
        return RecommendationSerializer

    def list(self, request, *args, **kwargs):
        # Validated like every list (the filter set's form, the paginator); the rows come from
        # one SQL statement rather than django-filter, the ORM and the ModelSerializer, which
        # cost several times the query itself (see list_query.py).
        filters = selectors.recommendation_filter_values(
            params=request.query_params, extra_parameters=GENERAL_PARAMETERS
        )
        fetch = partial(query.recommendation_page_rows, filters=filters)
        page = self.paginator.paginate_rows(fetch, Recommendation, request, self)
        return self.get_paginated_response(query.recommendation_page_items(page))

    def retrieve(self, request, *args, **kwargs):
        recommendation = self.get_object()
        return tag_response(Response(self.get_serializer(recommendation).data), recommendation_etag(recommendation))

    def update(self, request, *args, **kwargs):
        recommendation = self.get_object()
        serializer = self.get_serializer(recommendation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        note = data.pop("note", "")
        updated = recommendation_update(
            recommendation_id=recommendation.pk,
            data=data,
            note=note,
            user=request.user,
            expected_version=expected_version(request, recommendation.pk),
        )
        response = Response(RecommendationDetailSerializer(updated, context=self.get_serializer_context()).data)
        return tag_response(response, recommendation_etag(updated))


@extend_schema_view(
    list=extend_schema(parameters=[RECOMMENDATION_PK]),
    create=extend_schema(parameters=[RECOMMENDATION_PK, IF_MATCH]),
)
class ProgressUpdateViewSet(
    RecommendationScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    queryset = ProgressUpdate.objects.all()
    serializer_class = ProgressUpdateSerializer
    etag_actions = ("create",)
    read_role = Role.ANALYST
    write_role = Role.NGO_STAFF
    # The timeline's order (progress/timeline.py): by the date things happened, then recorded.
    ordering = "occurred_on,created_at"
    ordering_fields = ("occurred_on", "created_at", "id")

    def get_serializer_context(self):
        context = dict(super().get_serializer_context())
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):
            # Each entry's "before" as the timeline tells it, not as its recorder saw it.
            context["befores"] = timeline.befores(timeline.entries_of(self.get_recommendation().pk))
        return context

    def create(self, request, *args, **kwargs):
        recommendation = self.get_recommendation()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = progress_record(
            recommendation_id=recommendation.pk,
            status=serializer.validated_data["status_after"],
            note=serializer.validated_data.get("note", ""),
            occurred_on=serializer.validated_data.get("occurred_on"),
            user=request.user,
            expected_version=expected_version(request, recommendation.pk),
        )
        # The version this update produced, read under its lock: re-reading the row here could
        # return a later writer's version and hand this client an ETag it never saw.
        response = Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)
        return tag_response(response, recommendation_etag(update.recommendation))


@extend_schema_view(
    list=extend_schema(parameters=[RECOMMENDATION_PK]),
    create=extend_schema(parameters=[RECOMMENDATION_PK], request=EVIDENCE_REQUEST),
)
class EvidenceViewSet(
    RecommendationScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    queryset = Evidence.objects.all()
    serializer_class = EvidenceSerializer
    # Files come as multipart; links and excerpts as JSON or multipart. No urlencoded forms.
    parser_classes = [StrictJSONParser, StrictMultiPartParser]
    read_role = Role.ANALYST
    write_role = Role.NGO_STAFF

    def create(self, request, *args, **kwargs):
        recommendation = self.get_recommendation()
        serializer = EvidenceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = serializer.validated_data
        evidence = evidence_add(
            recommendation_id=recommendation.pk,
            kind=fields["kind"],
            title=fields["title"],
            file=fields.get("file"),
            url=fields.get("url", ""),
            excerpt=fields.get("excerpt", ""),
            evidence_date=fields.get("evidence_date"),
            progress_update_id=fields.get("progress_update"),
            user=request.user,
        )
        return Response(self.get_serializer(evidence).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[RECOMMENDATION_PK]))
class HistoryViewSet(RecommendationScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ChangeRecordSerializer
    read_role = Role.ANALYST

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no URL kwargs
            return recommendation_history(None)
        return recommendation_history(self.get_recommendation())


class EvidenceFileView(generics.GenericAPIView):
    """Evidence files are only ever downloaded, never shown inline or executed."""

    queryset = Evidence.objects.exclude(file="")
    read_role = Role.ANALYST

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, *args, **kwargs):
        evidence = self.get_object()
        response = FileResponse(
            evidence.file.open("rb"),
            as_attachment=True,
            filename=evidence.file_name or evidence.file.name.rsplit("/", 1)[-1],
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Source.objects.annotate(recommendation_count=Count("recommendations"))
    serializer_class = SourceSerializer
    lookup_field = "slug"
    # What a SlugField holds: anything else (NUL, which PostgreSQL cannot even compare, a
    # space, a non-ASCII letter) names no source, so the router answers 404 without a query.
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    ordering_fields = ("id", "report_year", "slug")
    ordering = "-report_year"
    read_role = None


class AreaListView(APIView):
    read_role = None

    @extend_schema(responses=AreaSerializer(many=True))
    def get(self, request):
        counts = dict(
            Recommendation.objects.exclude(area=None).values_list("area").annotate(count=Count("id")).order_by()
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
        ]
        return Response(AreaSerializer(rows, many=True).data)


class TokenView(APIView):
    """Exchange a username and password for an API token, or revoke the caller's token."""

    read_role = None
    write_role = None
    serializer_class = TokenSerializer

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(request=TokenSerializer, responses=TokenSerializer)
    def post(self, request):
        from django.contrib.auth import authenticate

        serializer = TokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        locked = getattr(request, "login_lockout", None)
        if locked is not None:
            raise Throttled(wait=locked.retry_after, detail=_("Too many failed sign-in attempts; try again later."))
        if user is None or not user.is_active:
            # 401, not 400: the request was well formed, the credentials are wrong.
            raise InvalidCredentials()
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Token revoked")})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecommendationFiltersSchema(RoleAwareAutoSchema):
    """Stats and exports are not lists, yet take every filter of the recommendation list:
    document the filterset's parameters for them too."""

    def get_filter_backends(self):
        return [StrictFilterBackend]


class SpreadsheetRenderer(BaseRenderer):
    """Marks a format the exports produce; the views build the response body themselves."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CSVRenderer(SpreadsheetRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class XLSXRenderer(SpreadsheetRenderer):
    media_type = exports.XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None


class FormatNegotiation(FirstRendererNegotiation):
    """A format the URL names (`export.csv`, `?format=xlsx`) wins over a generic Accept
    header, which API clients often send as `application/json` on every call; only an export
    URL that names no format is negotiated by Accept (and may be a 406). An unknown `format`
    is a 400 naming the parameter (FirstRendererNegotiation.filter_renderers)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if not format_suffix and request.query_params.get(self.settings.URL_FORMAT_OVERRIDE) == "":
            self.filter_renderers(renderers, "")  # an empty `format=` would silently mean the default
        named = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if named:
            renderers = self.filter_renderers(renderers, named)
        if named or len(renderers) == 1:
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


class RecommendationFiltersMixin:
    queryset = Recommendation.objects.all()
    filterset_class = RecommendationFilterSet
    schema = RecommendationFiltersSchema()
    pagination_class = None
    read_role = None
    extra_parameters: frozenset[str] = frozenset()

    def filtered_recommendations(self):
        return selectors.recommendation_list(params=self.request.query_params, extra_parameters=self.extra_parameters)


class StatsView(RecommendationFiltersMixin, generics.GenericAPIView):
    """Counts of the recommendations matching the filters: in total, by status, and by
    area, year and source split by status. A recommendation counts in every year of its
    range. Anyone may read them."""

    serializer_class = StatsSerializer
    extra_parameters = frozenset({"format", "breakdown"})

    @extend_schema(
        operation_id="stats",
        parameters=[
            OpenApiParameter(
                "breakdown",
                OpenApiTypes.STR,
                description=(
                    "Which of by_area, by_year, by_source to compute: `area`, `year`, `source`, "
                    "comma-separated or repeated. Default: all three."
                ),
                enum=list(stats.STATS_BREAKDOWNS),
            )
        ],
        responses={
            200: StatsSerializer,
            400: OpenApiResponse(description="A bad or unknown filter; the body names it."),
        },
    )
    def get(self, request):
        breakdowns = stats.stats_breakdowns(request.query_params.getlist("breakdown"))
        counts = stats.filtered_stats(
            params=request.query_params, breakdowns=breakdowns, extra_parameters=self.extra_parameters
        )
        return Response(stats.stats_data(counts))


ORDERING_PARAMETER = OpenApiParameter(
    "ordering",
    OpenApiTypes.STR,
    description="Sort field, `-` for descending; comma-separate several. Default `id`.",
    enum=[
        *selectors.RECOMMENDATION_ORDERING_FIELDS,
        *(f"-{name}" for name in selectors.RECOMMENDATION_ORDERING_FIELDS),
    ],
)


EXPORT_RESPONSES = {
    "csv": ((200, "text/csv"), OpenApiResponse(OpenApiTypes.STR, description="CSV, UTF-8 with a byte-order mark")),
    "xlsx": ((200, exports.XLSX_CONTENT_TYPE), OpenApiResponse(OpenApiTypes.BINARY, description="Excel workbook")),
}


def export_schema(*formats: str):
    negotiated = {406: OpenApiResponse(description="Without `format`, none of the Accept header's types.")}
    return extend_schema(
        operation_id=f"recommendations_export_{'_'.join(formats)}",
        summary=f"Export the filtered recommendations as {'/'.join(formats).upper()}",
        description=(
            "The recommendations matching the filters, with the columns "
            f"{', '.join(exports.EXPORT_COLUMNS)}. Area names and status labels are in the "
            "request's language; `last_progress_on` is the date of the latest progress update. "
            "Streamed: any number of rows."
        ),
        parameters=[ORDERING_PARAMETER],
        responses={
            **dict(EXPORT_RESPONSES[name] for name in formats),
            400: OpenApiResponse(description="A bad or unknown parameter; the body names it."),
            **(negotiated if len(formats) > 1 else {}),
        },
    )


class RecommendationExportView(RecommendationFiltersMixin, generics.GenericAPIView):
    renderer_classes = [CSVRenderer, XLSXRenderer]
    content_negotiation_class = FormatNegotiation
    extra_parameters = frozenset({"format", "ordering"})

    @export_schema("csv", "xlsx")
    def get(self, request):
        return self.export(request)

    def export(self, request):
        recommendations, filters = selectors.recommendation_selection(
            params=request.query_params, extra_parameters=self.extra_parameters
        )
        queryset = selectors.recommendation_order(recommendations, request.query_params.get("ordering"))
        stamp = timezone.localdate().isoformat()
        as_of = filters.get("as_of")
        page_url = request.build_absolute_uri(reverse("recommendations:detail", args=[0])).replace("/0/", "/{id}/")
        if request.accepted_renderer.format == "xlsx":
            stated = [
                (name, ",".join(values)) for name, values in request.query_params.lists() if name not in ("format",)
            ]
            return FileResponse(
                exports.xlsx_file(queryset, as_of=as_of, page_url=page_url, filters=stated),
                as_attachment=True,
                filename=f"recommendations-{stamp}.xlsx",
                content_type=exports.XLSX_CONTENT_TYPE,
            )
        response = StreamingHttpResponse(
            exports.csv_chunks(queryset, as_of=as_of, page_url=page_url), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="recommendations-{stamp}.csv"'
        return response

    def perform_content_negotiation(self, request, force=False):
        # OPTIONS describes the endpoint, in JSON, whatever the Accept header or URL says.
        if request.method == "OPTIONS":
            return ORJSONRenderer(), ORJSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON whatever format was asked for.
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = ORJSONRenderer()
            request.accepted_media_type = ORJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class RecommendationCSVExportView(RecommendationExportView):
    renderer_classes = [CSVRenderer]

    @export_schema("csv")
    def get(self, request):
        return self.export(request)


class RecommendationXLSXExportView(RecommendationExportView):
    renderer_classes = [XLSXRenderer]

    @export_schema("xlsx")
    def get(self, request):
        return self.export(request)
