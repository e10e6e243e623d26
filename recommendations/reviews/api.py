"""`/api/v1/reviews/`: the review queue (reviewers: oldest first, each with the change it would
make), one entry's decision (approve, return with a comment, reject — never one's own: 403),
and `/api/v1/reviews/mine/`, where staff follow what they proposed."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from recommendations.api.exceptions import Conflict
from recommendations.api.filters import FORMAT_PARAMETER
from recommendations.api.write_serializers import StrictFieldsMixin
from recommendations.choices import ReviewState, Role, Status
from recommendations.listing.parameters import validate_query_parameters
from recommendations.models import ProgressUpdate

from .permissions import may_review
from .selectors import Proposal, entries_proposed_by, proposals, waiting_entries
from .services import Decision, progress_review

ACCEPTED = frozenset({FORMAT_PARAMETER})


class ProposalEvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="update.pk")
    recommendation = serializers.IntegerField(source="update.recommendation_id", allow_null=True)
    measure = serializers.IntegerField(source="update.measure_id", allow_null=True)
    review_state = serializers.ChoiceField(choices=ReviewState.choices, source="update.review_state")
    status_before = serializers.ChoiceField(
        choices=Status.choices, help_text="The status in force on its date by the published entries now."
    )
    status_before_label = serializers.CharField()
    status_after = serializers.ChoiceField(choices=Status.choices, source="update.status_after")
    status_after_label = serializers.CharField(source="update.get_status_after_display")
    note = serializers.CharField(source="update.note")
    occurred_on = serializers.DateField(source="update.occurred_on", help_text="The day it happened, as proposed.")
    created_at = serializers.DateTimeField(source="update.created_at", help_text="When it was proposed.")
    author_username = serializers.CharField(source="update.author_username")
    evidence = ProposalEvidenceSerializer(many=True)
    comment = serializers.CharField(help_text="The reviewer's comment on a returned or rejected entry.")
    reviewer = serializers.CharField(help_text="Who decided, once decided.")


class DecisionSerializer(StrictFieldsMixin, serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


def _reviewer_only(request) -> None:
    if not may_review(request.user):
        raise PermissionDenied("Only reviewers may read the review queue.")


class ReviewQueueView(APIView):
    """What waits for review, oldest first."""

    read_role = Role.NGO_STAFF

    @extend_schema(
        operation_id="reviews_list",
        description="What waits for review, oldest first, each with the change approving it would make. Reviewers "
        "only: administrators and staff given the permission “Can review proposed progress”.",
        responses={200: ProposalSerializer(many=True)},
    )
    def get(self, request):
        validate_query_parameters(request.query_params, accepted=ACCEPTED)
        _reviewer_only(request)
        return Response(ProposalSerializer(proposals(waiting_entries()), many=True).data)


class OwnProposalsView(APIView):
    """The entries the signed-in staff member proposed, newest first, with their state and the
    reviewer's comment."""

    read_role = Role.NGO_STAFF

    @extend_schema(
        operation_id="reviews_mine",
        description="The entries the signed-in staff member proposed, newest first: their state and the "
        "reviewer's comment.",
        responses={200: ProposalSerializer(many=True)},
    )
    def get(self, request):
        validate_query_parameters(request.query_params, accepted=ACCEPTED)
        return Response(ProposalSerializer(proposals(entries_proposed_by(request.user)), many=True).data)


class ReviewDecisionView(APIView):
    """One entry in review; POST decides on it."""

    read_role = Role.NGO_STAFF
    write_role = Role.NGO_STAFF

    def _proposal(self, request, pk: int) -> Proposal:
        update = get_object_or_404(ProgressUpdate.objects.exclude(review_state=ReviewState.PUBLISHED), pk=pk)
        if update.author_id != request.user.pk:
            _reviewer_only(request)
        return proposals([update])[0]

    @extend_schema(
        operation_id="reviews_retrieve",
        description="One entry that went through review: for reviewers, and for its author.",
        responses={200: ProposalSerializer},
    )
    def get(self, request, pk: int):
        validate_query_parameters(request.query_params, accepted=ACCEPTED)
        return Response(ProposalSerializer(self._proposal(request, pk)).data)

    @extend_schema(
        operation_id="reviews_decide",
        description="Approve (the entry becomes public with its own dates), return with a comment, or reject a "
        "proposed entry; never one's own (403).",
        request=DecisionSerializer,
        responses={
            200: ProposalSerializer,
            400: OpenApiResponse(description="A bad field; the body names it."),
            403: OpenApiResponse(description="Not a reviewer, or the entry is the reviewer's own."),
            409: OpenApiResponse(description="The entry was already decided."),
        },
    )
    def post(self, request, pk: int):
        _reviewer_only(request)
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        get_object_or_404(ProgressUpdate.objects.exclude(review_state=ReviewState.PUBLISHED), pk=pk)
        try:
            update = progress_review(
                update_id=pk,
                decision=body.validated_data["decision"],
                comment=body.validated_data.get("comment", ""),
                user=request.user,
            )
        except DjangoValidationError as error:
            if "decision" in error.message_dict:
                raise Conflict({"decision": error.message_dict["decision"]}) from error
            raise
        return Response(ProposalSerializer(proposals([ProgressUpdate.objects.get(pk=update.pk)])[0]).data)
