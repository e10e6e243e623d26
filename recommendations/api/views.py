from functools import partial
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from recommendations.caching.views import CachedReadMixin
from recommendations.catalog.services import recommendation_update
from recommendations.choices import Role
from recommendations.evidence.selectors import recommendation_evidence
from recommendations.evidence.services import evidence_add
from recommendations.history.selectors import recommendation_history
from recommendations.listing import as_of as status_as_of
from recommendations.listing import json_items, query, selectors
from recommendations.listing.columns import Presentation
from recommendations.listing.filters import RecommendationFilterSet
from recommendations.listing.ordering import DERIVED_SORTS
from recommendations.models import Evidence, ProgressUpdate, Recommendation
from recommendations.progress import timeline
from recommendations.progress.services import progress_record
from recommendations.roles import has_role
from recommendations.users.models import ApiToken
from recommendations.users.tokens import token_create, token_revoke, tokens_revoke_all
from recommendations.withdrawal.services import withdrawal_set
from recommendations.withdrawal.views import WithdrawnHiddenMixin

from .conditional import expected_version, recommendation_etag, tag_response
from .exceptions import InvalidCredentials
from .filters import GENERAL_PARAMETERS
from .history_serializers import ChangeRecordSerializer
from .multipart import StrictMultiPartParser
from .pagination import KeysetPagination
from .parsers import StrictJSONParser
from .renderers import WrittenJSONResponse, writes_compact_json
from .request_schemas import EVIDENCE_REQUEST, RECOMMENDATION_UPDATE_REQUEST
from .serializers import (
    ApiTokenSerializer,
    EvidenceSerializer,
    ProgressUpdateSerializer,
    RecommendationDetailSerializer,
    RecommendationSerializer,
)
from .write_serializers import (
    EvidenceCreateSerializer,
    RecommendationAdminUpdateSerializer,
    RecommendationStatusUpdateSerializer,
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
            visible = Recommendation.objects.visible_to(self.request.user)  # type: ignore[attr-defined]
            self._recommendation = get_object_or_404(visible, pk=self.kwargs["recommendation_pk"])
        return self._recommendation

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no URL kwargs
            return self.queryset.none()
        return self.queryset.filter(**{self.recommendation_lookup: self.get_recommendation().pk})


AS_OF_DETAIL = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description=(
        "YYYY-MM-DD: `status_as_of` is the status at the end of that day, from the progress log (null when "
        "the report did not exist yet); the response then carries no ETag."
    ),
)


COUNT_PARAMETER = "count"
COUNT = OpenApiParameter(
    COUNT_PARAMETER,
    OpenApiTypes.BOOL,
    description=(
        "`true`: the answer adds `count`, how many recommendations match the filters in all (every page; one "
        'more query, BENCHMARKS.md "Counting a filtered list"). Default `false`.'
    ),
)


def count_asked(params) -> bool:
    """`count=true|false`; a 400 naming `count` for anything else."""
    raw = params.get(COUNT_PARAMETER)
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    raise ValidationError({COUNT_PARAMETER: [_("Enter true or false.")]})


@extend_schema_view(
    list=extend_schema(parameters=[COUNT]),
    retrieve=extend_schema(parameters=[AS_OF_DETAIL]),
    partial_update=extend_schema(
        parameters=[IF_MATCH], request=RECOMMENDATION_UPDATE_REQUEST, responses=RecommendationDetailSerializer
    ),
)
class RecommendationViewSet(
    CachedReadMixin,
    WithdrawnHiddenMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Recommendation.objects.select_related("source").prefetch_related(
        "responsible_bodies", "tags", "measures"
    )
    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilterSet
    ordering_fields = selectors.RECOMMENDATION_ORDERING_FIELDS
    derived_sorts = DERIVED_SORTS  # sorted by expressions, read back from cursors by their fields
    ordering = "id"
    read_role = None
    write_role = Role.NGO_STAFF
    http_method_names = ["get", "patch", "head", "options"]
    etag_actions = ("retrieve", "partial_update")
    detail_parameters = ("as_of",)
    list_parameters = (COUNT_PARAMETER,)
    cached_actions = ("list",)

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
        # cost several times the query itself (see listing/query.py).
        filters = selectors.recommendation_filter_values(
            params=request.query_params,
            extra_parameters=[*GENERAL_PARAMETERS, *self.list_parameters],
            user=request.user,
        )
        counted = count_asked(request.query_params)
        if settings.LIST_JSON_FROM_DATABASE and writes_compact_json(request, self.get_renderer_context()):
            body = self._page_written_by_database(request, filters, counted)
            if body is not None:
                return WrittenJSONResponse(body)
        # The browsable API, an indented body, or a page only Python writes exactly.
        fetch = partial(query.recommendation_page_rows, filters=filters)
        page = self.paginator.paginate_rows(fetch, Recommendation, request, self)
        response = self.get_paginated_response(query.recommendation_page_items(page))
        if counted:
            response.data["count"] = query.recommendation_count(filters=filters)
        return response

    def _page_written_by_database(self, request, filters, counted: bool) -> bytes | None:
        """The page's body with its items written by the database (listing/json_items.py), the
        same bytes as the serialized page; None where only Python writes them exactly."""
        paginator = cast(KeysetPagination, self.paginator)
        fetch = partial(query.recommendation_page_rows, filters=filters, json_for=Presentation.active())
        try:
            page = paginator.paginate_rows(fetch, Recommendation, request, self)
        except json_items.NotBuildable:
            return None
        if any(row["python_only"] for row in page):
            return None
        results = ("[" + ",".join(row["item"] for row in page) + "]").encode()
        return paginator.get_paginated_json(results, query.recommendation_count(filters=filters) if counted else None)

    def retrieve(self, request, *args, **kwargs):
        recommendation = self.get_object()
        as_of = selectors.as_of_value(request.query_params)
        if as_of is None:
            return tag_response(Response(self.get_serializer(recommendation).data), recommendation_etag(recommendation))
        # Another day's status: not the body the version's tag names, so no ETag of it.
        recommendation.status_as_of = status_as_of.status_on(recommendation.pk, as_of)
        return Response(self.get_serializer(recommendation).data)

    def update(self, request, *args, **kwargs):
        recommendation = self.get_object()
        serializer = self.get_serializer(recommendation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        note = data.pop("note", "")
        # `withdrawn` comes alone (the serializer sees to it), to its own service.
        change = withdrawal_set if "withdrawn" in data else recommendation_update
        updated = change(
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

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no URL kwargs
            return self.queryset.none()
        # Its own evidence and that of the measures' entries its entries were recorded with.
        return recommendation_evidence(self.get_recommendation().pk).order_by("created_at", "id")

    # Files come as multipart; links and excerpts as JSON or multipart. No urlencoded forms.
    parser_classes = [StrictJSONParser, StrictMultiPartParser]
    read_role = Role.ANALYST
    write_role = Role.NGO_STAFF

    def create(self, request, *args, **kwargs):
        return evidence_created(request, recommendation_id=self.get_recommendation().pk)


def evidence_created(request, *, recommendation_id: int | None = None, measure_id: int | None = None) -> Response:
    """Evidence attached to a recommendation or a measure (one of the two ids) from a request's body —
    a file as multipart, a link or an excerpt as JSON or multipart — and the 201 answering it."""
    serializer = EvidenceCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    fields = serializer.validated_data
    evidence = evidence_add(
        recommendation_id=recommendation_id,
        measure_id=measure_id,
        kind=fields["kind"],
        title=fields["title"],
        file=fields.get("file"),
        url=fields.get("url", ""),
        excerpt=fields.get("excerpt", ""),
        evidence_date=fields.get("evidence_date"),
        progress_update_id=fields.get("progress_update"),
        user=request.user,
    )
    return Response(EvidenceSerializer(evidence, context={"request": request}).data, status=status.HTTP_201_CREATED)


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


class TokenView(APIView):
    """Exchange a username and password for a new API token, or revoke the token the request
    is made with (with a session, all the user's tokens) (users/tokens.py)."""

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
        token, key = token_create(
            user=user,
            name=serializer.validated_data.get("name", ""),
            days=serializer.validated_data.get("days"),
            request=request,
        )
        return Response(
            {
                "token": key,
                "id": token.pk,
                "name": token.name,
                "created_at": token.created_at,
                "expires_at": token.expires_at,
            }
        )

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Token revoked")})
    def delete(self, request):
        if isinstance(request.auth, ApiToken):
            token_revoke(user=request.user, token_id=request.auth.pk, request=request)
        else:  # signed in with a session: every token of the user, as when they had one
            tokens_revoke_all(user=request.user, reason="revoked by the user", request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OwnTokenListView(generics.ListAPIView):
    """The signed-in user's own API tokens (never their keys)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ApiTokenSerializer
    pagination_class = None  # at most API_TOKENS_PER_USER

    queryset = ApiToken.objects.none()  # the model, for the schema

    def get_queryset(self):
        user = self.request.user
        assert isinstance(user, User)  # IsAuthenticated let only a signed-in user through
        return ApiToken.objects.filter(user=user)


class OwnTokenDetailView(APIView):
    """Revoke one of the signed-in user's own tokens; another user's is a 404, as if absent."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Token revoked")})
    def delete(self, request, pk: int):
        if not token_revoke(user=request.user, token_id=pk, request=request):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)
