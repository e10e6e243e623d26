"""A recommendation's suggested tags (tags/suggestions.py): analysts read them, NGO staff
accept or reject each. A suggestion is shown as such; it is a tag only once accepted."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from recommendations.choices import Role
from recommendations.languages import ui_language
from recommendations.listing.parameters import validate_query_parameters
from recommendations.models import Recommendation
from recommendations.tags.models import TagSuggestion
from recommendations.tags.suggestions import tag_suggestion_decide

from .exceptions import Conflict
from .filters import FORMAT_PARAMETER
from .write_serializers import StrictFieldsMixin


class TagSuggestionSerializer(serializers.ModelSerializer):
    vocabulary = serializers.CharField(source="tag.vocabulary", help_text="`theme`, `group` or `sdg`.")
    code = serializers.CharField(source="tag.code", help_text="The term's code (an SDG's goal number).")
    name = serializers.SerializerMethodField(help_text="The term's name in the answer's language.")
    decided_by: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = TagSuggestion
        fields = [
            "id",
            "vocabulary",
            "code",
            "name",
            "score",
            "model_version",
            "state",
            "suggested_at",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields

    def get_name(self, suggestion: TagSuggestion) -> str:
        return suggestion.tag.name(ui_language())


class TagSuggestionDecisionSerializer(StrictFieldsMixin, serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("accept", "accept"), ("reject", "reject")])


def _suggestions(recommendation_pk: int):
    get_object_or_404(Recommendation.objects.only("pk"), pk=recommendation_pk)
    return (
        TagSuggestion.objects.filter(recommendation_id=recommendation_pk)
        .select_related("tag", "decided_by")
        .order_by("state", "-score", "tag__vocabulary", "tag__code")
    )


class TagSuggestionListView(APIView):
    """The tags suggested for a recommendation: open ones (`suggested`) and those decided."""

    read_role = Role.ANALYST

    @extend_schema(
        operation_id="recommendations_tag_suggestions_list", responses={200: TagSuggestionSerializer(many=True)}
    )
    def get(self, request, recommendation_pk: int):
        validate_query_parameters(request.query_params, accepted=frozenset({FORMAT_PARAMETER}))
        return Response(TagSuggestionSerializer(_suggestions(recommendation_pk), many=True).data)


class TagSuggestionDecisionView(APIView):
    """Accept (the tag is added to the recommendation) or reject a suggested tag."""

    read_role = Role.ANALYST
    write_role = Role.NGO_STAFF

    @extend_schema(operation_id="recommendations_tag_suggestions_retrieve", responses={200: TagSuggestionSerializer})
    def get(self, request, recommendation_pk: int, pk: int):
        validate_query_parameters(request.query_params, accepted=frozenset({FORMAT_PARAMETER}))
        return Response(TagSuggestionSerializer(get_object_or_404(_suggestions(recommendation_pk), pk=pk)).data)

    @extend_schema(
        operation_id="recommendations_tag_suggestions_decide",
        request=TagSuggestionDecisionSerializer,
        responses={
            200: TagSuggestionSerializer,
            400: OpenApiResponse(description="A bad field; the body names it."),
            409: OpenApiResponse(description="The suggestion was already decided."),
        },
    )
    def post(self, request, recommendation_pk: int, pk: int):
        body = TagSuggestionDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        get_object_or_404(_suggestions(recommendation_pk), pk=pk)
        try:
            suggestion = tag_suggestion_decide(
                recommendation_id=recommendation_pk,
                suggestion_id=pk,
                accept=body.validated_data["decision"] == "accept",
                user=request.user,
            )
        except DjangoValidationError as error:
            raise Conflict({"state": error.message_dict["state"]}) from error
        return Response(TagSuggestionSerializer(suggestion).data)
