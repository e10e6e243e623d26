"""`/api/v1/measures/`: measures, their progress log, evidence, links and history, with the
conventions of the recommendations' endpoints — anyone reads a measure and its links; analysts
and above its progress notes, evidence and history; NGO staff and admins write; the ETag names
the measure's version (`"m2v4-en"`) and a stale If-Match is a 412 with nothing changed."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from recommendations.api.conditional import expected_version, localized_etag, tag_response, version_in_tags
from recommendations.api.exceptions import PreconditionFailed
from recommendations.api.filters import MultiValueFilterBackend, accepted_parameters
from recommendations.api.history_serializers import ChangeRecordSerializer
from recommendations.api.multipart import StrictMultiPartParser
from recommendations.api.parsers import StrictJSONParser
from recommendations.api.request_schemas import EVIDENCE_REQUEST
from recommendations.api.serializers import EvidenceSerializer
from recommendations.api.views import evidence_created
from recommendations.caching.views import CachedReadMixin
from recommendations.choices import Role
from recommendations.history.selectors import measure_history
from recommendations.listing.parameters import validate_query_parameters
from recommendations.models import Evidence, ProgressUpdate
from recommendations.progress import timeline
from recommendations.progress.bulk import RecommendationRefused, RecommendationStale
from recommendations.withdrawal.models import public_q, sees_withdrawn

from .filters import MeasureFilterSet
from .models import Measure, MeasureLink
from .serializers import (
    LinksRequestSerializer,
    MeasureCreateSerializer,
    MeasureDetailSerializer,
    MeasureLinkSerializer,
    MeasureProgressCreateSerializer,
    MeasureProgressSerializer,
    MeasureSerializer,
    MeasureUpdateSerializer,
)
from .services import LinkedStatus, measure_create, measure_link_remove, measure_links_add, measure_progress_record
from .services import measure_update as measure_update_service

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, description="The measure's ETag; a stale one is a 412."
)
MEASURE_PK = OpenApiParameter("measure_pk", OpenApiTypes.INT, OpenApiParameter.PATH)


def measure_etag(measure: Measure) -> str:
    return localized_etag(measure.etag)


MEASURES = Measure.objects.prefetch_related(
    "responsible_bodies", Prefetch("links", queryset=MeasureLink.objects.only("measure_id", "recommendation_id"))
)


def visible_links(user) -> QuerySet:
    """The links to recommendations `user` may open (`withdrawal.sees_withdrawn`)."""
    links = MeasureLink.objects.only("measure_id", "recommendation_id")
    return links if sees_withdrawn(user) else links.filter(public_q("recommendation"))


@extend_schema_view(
    list=extend_schema(tags=["measures"]),
    retrieve=extend_schema(tags=["measures"]),
    create=extend_schema(tags=["measures"], request=MeasureCreateSerializer, responses={201: MeasureDetailSerializer}),
    partial_update=extend_schema(
        tags=["measures"], parameters=[IF_MATCH], request=MeasureUpdateSerializer, responses=MeasureDetailSerializer
    ),
)
class MeasureViewSet(
    CachedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = MEASURES
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilterSet
    filter_backends = [MultiValueFilterBackend]
    multi_valued_parameters = ("country", "status", "kind")
    ordering_fields = ("id",)
    ordering = "id"
    read_role = None
    write_role = Role.NGO_STAFF
    http_method_names = ["get", "post", "patch", "head", "options"]
    etag_actions = ("retrieve", "partial_update", "create")
    cached_actions = ("list",)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return MeasureDetailSerializer
        return MeasureSerializer

    def get_queryset(self):
        # The ids of withdrawn recommendations are not listed to those who may not open them.
        return Measure.objects.prefetch_related(
            "responsible_bodies", Prefetch("links", queryset=visible_links(self.request.user))
        )

    def retrieve(self, request, *args, **kwargs):
        measure = self.get_object()
        return tag_response(Response(self.get_serializer(measure).data), measure_etag(measure))

    def create(self, request, *args, **kwargs):
        body = MeasureCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        recommendation_ids = fields.pop("recommendations", [])
        bodies = fields.pop("responsible_bodies", [])
        measure = measure_create(
            **fields, recommendation_ids=recommendation_ids, responsible_bodies=bodies, user=request.user
        )
        return self._detail(measure, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        measure = self.get_object()
        body = MeasureUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        updated = measure_update_service(
            measure_id=measure.pk,
            data=dict(body.validated_data),
            user=request.user,
            expected_version=expected_version(request, measure.pk, kind="m"),
        )
        return self._detail(updated, status.HTTP_200_OK)

    def _detail(self, measure: Measure, code: int) -> Response:
        # The version this write produced, as the service left it (not a later writer's).
        fresh = MEASURES.get(pk=measure.pk)
        fresh.version = measure.version
        data = MeasureDetailSerializer(fresh, context=self.get_serializer_context()).data
        response = tag_response(Response(data, status=code), measure_etag(fresh))
        if code == status.HTTP_201_CREATED:
            response["Location"] = self.request.build_absolute_uri(reverse("measure-detail", args=[measure.pk]))
        return response


class MeasureScopedMixin(generics.GenericAPIView):
    """For endpoints under /measures/{id}/: rows of that measure, which must exist (else 404)."""

    measure_lookup = "measure_id"

    def get_measure(self) -> Measure:
        if not hasattr(self, "_measure"):
            self._measure = get_object_or_404(Measure, pk=self.kwargs["measure_pk"])
        return self._measure

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):  # schema generation has no URL kwargs
            return queryset.none()
        return queryset.filter(**{self.measure_lookup: self.get_measure().pk})


@extend_schema_view(
    list=extend_schema(tags=["measures"], parameters=[MEASURE_PK]),
    create=extend_schema(
        tags=["measures"],
        parameters=[MEASURE_PK, IF_MATCH],
        request=MeasureProgressCreateSerializer,
        responses={201: MeasureProgressSerializer},
    ),
)
class MeasureProgressViewSet(
    MeasureScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    queryset = ProgressUpdate.objects.prefetch_related("recommendation_updates")
    serializer_class = MeasureProgressSerializer
    read_role = Role.ANALYST
    write_role = Role.NGO_STAFF
    etag_actions = ("create",)
    ordering = "occurred_on,created_at"
    ordering_fields = ("occurred_on", "created_at", "id")

    def get_serializer_context(self):
        context = dict(super().get_serializer_context())
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):
            context["befores"] = timeline.befores(timeline.entries_of(measure_id=self.get_measure().pk))
        return context

    def create(self, request, *args, **kwargs):
        measure = self.get_measure()
        body = MeasureProgressCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        items = data.get("recommendations", [])
        linked = [
            LinkedStatus(
                recommendation_id=item["recommendation"],
                status=item.get("status"),
                expected_version=version_in_tags(item["etag"], f"r{item['recommendation']}")
                if "etag" in item
                else None,
            )
            for item in items
        ]
        position = {item["recommendation"]: index for index, item in enumerate(items)}
        try:
            result = measure_progress_record(
                measure_id=measure.pk,
                status=data["status"],
                note=data.get("note", ""),
                occurred_on=data.get("occurred_on"),
                recommendations=linked,
                expected_version=expected_version(request, measure.pk, kind="m"),
                user=request.user,
            )
        except RecommendationStale as stale:
            index = position.get(stale.recommendation_id, 0)
            raise PreconditionFailed(
                {
                    f"recommendations.{index}.etag": [
                        _("Recommendation %(id)d has changed since you read it; fetch it again.")
                        % {"id": stale.recommendation_id}
                    ]
                }
            ) from stale
        except RecommendationRefused as refused:
            index = position.get(refused.recommendation_id, 0)
            messages = refused.error.message_dict if hasattr(refused.error, "error_dict") else {}
            raise ValidationError(
                {
                    f"recommendations.{index}.{'recommendation' if field == '__all__' else field}": texts
                    for field, texts in (messages or {"status": refused.error.messages}).items()
                }
            ) from refused
        update = ProgressUpdate.objects.prefetch_related("recommendation_updates").get(pk=result.update.pk)
        response = Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)
        # The version this entry produced, read under its lock (see the recommendation's progress).
        measured = result.update.measure
        assert measured is not None  # the measure's own entry
        return tag_response(response, measure_etag(measured))


@extend_schema_view(
    list=extend_schema(tags=["measures"], parameters=[MEASURE_PK]),
    create=extend_schema(tags=["measures"], parameters=[MEASURE_PK], request=EVIDENCE_REQUEST),
)
class MeasureEvidenceViewSet(
    MeasureScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    queryset = Evidence.objects.all()
    serializer_class = EvidenceSerializer
    parser_classes = [StrictJSONParser, StrictMultiPartParser]
    read_role = Role.ANALYST
    write_role = Role.NGO_STAFF

    def create(self, request, *args, **kwargs):
        return evidence_created(request, measure_id=self.get_measure().pk)


@extend_schema_view(list=extend_schema(tags=["measures"], parameters=[MEASURE_PK]))
class MeasureHistoryViewSet(MeasureScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ChangeRecordSerializer
    read_role = Role.ANALYST

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return measure_history(None)
        return measure_history(self.get_measure())


class MeasureLinksView(MeasureScopedMixin):
    """The recommendations a measure answers: anyone reads them; NGO staff and admins add."""

    read_role = None
    write_role = Role.NGO_STAFF
    queryset = MeasureLink.objects.select_related("recommendation__source")
    serializer_class = MeasureLinkSerializer
    parser_classes = [StrictJSONParser]
    etag_methods = ("post",)
    pagination_class = None  # a measure answers a handful of recommendations, listed whole

    def _links(self, request) -> Any:
        links = self.get_queryset().order_by("recommendation_id")
        if not sees_withdrawn(request.user):
            links = links.filter(public_q("recommendation"))
        return MeasureLinkSerializer(links, many=True, context={"request": request}).data

    @extend_schema(tags=["measures"], parameters=[MEASURE_PK], responses=MeasureLinkSerializer(many=True))
    def get(self, request, measure_pk: int):
        validate_query_parameters(request.query_params, accepted=accepted_parameters(self))
        # Tagged by its content (the recommendations' statuses change without the measure).
        return Response(self._links(request))

    @extend_schema(
        tags=["measures"],
        parameters=[MEASURE_PK, IF_MATCH],
        request=LinksRequestSerializer,
        responses={200: MeasureLinkSerializer(many=True)},
    )
    def post(self, request, measure_pk: int):
        measure = self.get_measure()
        body = LinksRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        updated = measure_links_add(
            measure_id=measure.pk,
            recommendation_ids=body.validated_data["recommendations"],
            expected_version=expected_version(request, measure.pk, kind="m"),
            user=request.user,
        )
        # The measure's new version, for the next If-Match.
        return tag_response(Response(self._links(request)), measure_etag(updated))


class MeasureLinkDetailView(APIView):
    """Unlink one recommendation from the measure (NGO staff and admins)."""

    read_role = None  # nothing to read here: GET is not offered (405)
    write_role = Role.NGO_STAFF
    etag_methods = ("delete",)

    @extend_schema(
        tags=["measures"],
        parameters=[MEASURE_PK, IF_MATCH],
        request=None,
        responses={204: OpenApiResponse(description="Unlinked; the ETag names the measure's new version.")},
    )
    def delete(self, request, measure_pk: int, recommendation_pk: int):
        measure = get_object_or_404(Measure, pk=measure_pk)
        if not MeasureLink.objects.filter(measure=measure, recommendation_id=recommendation_pk).exists():
            raise NotFound(_("The measure does not answer this recommendation."))
        updated = measure_link_remove(
            measure_id=measure.pk,
            recommendation_id=recommendation_pk,
            expected_version=expected_version(request, measure.pk, kind="m"),
            user=request.user,
        )
        return tag_response(Response(status=status.HTTP_204_NO_CONTENT), measure_etag(updated))
