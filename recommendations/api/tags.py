"""`POST /api/v1/tags/suggest/`: the tags the tracker would suggest for a text (tags/suggest.py).
A suggestion is only that: nothing is stored."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from recommendations.choices import Role
from recommendations.tags.suggest import tag_suggestions

from .write_serializers import StrictFieldsMixin


class TagSuggestRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    text = serializers.CharField(max_length=20000, help_text="A recommendation's text.")
    language = serializers.ChoiceField(
        choices=[("en", "English"), ("az", "Azərbaycanca")],
        help_text="The text's language. The model reads English: an Azerbaijani text is compared as it is.",
    )


class ScoredGoalSerializer(serializers.Serializer):
    goal = serializers.IntegerField(min_value=1, max_value=17)
    score = serializers.FloatField(min_value=0, max_value=1)


class ScoredTermSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField(min_value=0, max_value=1)


class TagSuggestionsSerializer(serializers.Serializer):
    sdgs = ScoredGoalSerializer(many=True)
    themes = ScoredTermSerializer(many=True)
    groups = ScoredTermSerializer(many=True)
    model_version = serializers.CharField(help_text="The stored tags the suggestions were learnt from.")


class TagSuggestView(APIView):
    """Tags suggested for a text, learnt from the tags stored (analysts and above)."""

    read_role = Role.ANALYST
    write_role = Role.ANALYST

    @extend_schema(
        operation_id="tags_suggest",
        request=TagSuggestRequestSerializer,
        responses={200: TagSuggestionsSerializer, 400: OpenApiResponse(description="A bad field; the body names it.")},
    )
    def post(self, request):
        body = TagSuggestRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(tag_suggestions(**body.validated_data))
