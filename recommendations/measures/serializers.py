"""Shapes of the measures API's JSON: answers and request bodies. Serializers validate and
present; the measure and progress services do the writing."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from django_countries import countries
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recommendations.api.conditional import localized_etag
from recommendations.api.serializers import ResponsibleBodySerializer, TimelineBeforeMixin
from recommendations.api.write_serializers import StrictFieldsMixin
from recommendations.choices import Status
from recommendations.languages import ui_language
from recommendations.listing.fields import ID_MAX
from recommendations.models import ProgressUpdate, ResponsibleBody

from .models import Measure, MeasureKind, MeasureLink

LINKS_PER_REQUEST = 1000
# Empty (no title in that language), or some visible character; no NUL or lone surrogate
# (what every text field refuses). Taken as sent: the pattern is the whole rule.
TITLE_PATTERN = r"^(?:|[^\x00\ud800-\udfff]*[^\s\x00\ud800-\udfff][^\x00\ud800-\udfff]*)$"


class MeasureSerializer(serializers.ModelSerializer):
    country = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    title = serializers.CharField(read_only=True, help_text="In the request's language, else the other one.")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    responsible_bodies = ResponsibleBodySerializer(many=True, read_only=True)
    recommendations = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = [
            "id",
            "country",
            "kind",
            "kind_label",
            "title",
            "title_az",
            "title_en",
            "description",
            "responsible_bodies",
            "start_on",
            "end_on",
            "status",
            "status_label",
            "status_changed_at",
            "recommendations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "array",
            "items": {"type": "integer"},
            "description": "The ids of the recommendations it answers (the list's `measure=` filter gives them whole).",
        }
    )
    def get_recommendations(self, measure: Measure) -> list[int]:
        return sorted(link.recommendation_id for link in measure.links.all())


class MeasureDetailSerializer(MeasureSerializer):
    etag = serializers.SerializerMethodField(help_text="The same tag as the ETag header: version and language.")

    class Meta(MeasureSerializer.Meta):
        fields = [*MeasureSerializer.Meta.fields, "etag"]
        read_only_fields = fields

    def get_etag(self, measure: Measure) -> str:
        return localized_etag(measure.etag)


class MeasureUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """A measure's fields as a client sends them (a PATCH may send any of them)."""

    country = serializers.ChoiceField(choices=list(countries), help_text="ISO 3166-1 alpha-2: the government acting.")
    kind = serializers.ChoiceField(choices=MeasureKind.choices)
    # A title holds a visible character (white space alone is no title); one of the two is
    # needed (`measure_has_a_title`), which the schema states as `anyOf` (api/schema.py).
    title_az = serializers.RegexField(
        TITLE_PATTERN, max_length=300, required=False, allow_blank=True, trim_whitespace=False
    )
    title_en = serializers.RegexField(
        TITLE_PATTERN, max_length=300, required=False, allow_blank=True, trim_whitespace=False
    )
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    responsible_bodies = serializers.PrimaryKeyRelatedField(
        many=True, queryset=ResponsibleBody.objects.all(), required=False
    )
    start_on = serializers.DateField(required=False, allow_null=True)
    end_on = serializers.DateField(required=False, allow_null=True)

    unknown_field_message = gettext_lazy("This field does not exist or cannot be set here.")

    def to_internal_value(self, data):
        if isinstance(data, dict) and isinstance(data.get("country"), str):
            data = {**data, "country": data["country"].upper()}
        return super().to_internal_value(data)


class MeasureCreateSerializer(MeasureUpdateSerializer):
    """A new measure: its fields, and the recommendations it answers."""

    recommendations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        required=False,
        max_length=LINKS_PER_REQUEST,
        help_text="The ids of the recommendations it answers (any report, any country).",
    )


class LinksRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    recommendations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        min_length=1,
        max_length=LINKS_PER_REQUEST,
        help_text="The ids of recommendations the measure answers; those linked already stay as they are.",
    )


class MeasureLinkSerializer(serializers.ModelSerializer):
    """A recommendation the measure answers, as a list row shows it."""

    source = serializers.CharField(source="recommendation.source.slug", read_only=True)  # type: ignore[assignment]  # a field, not Field.source
    country = serializers.CharField(source="recommendation.country", read_only=True)
    area = serializers.CharField(source="recommendation.area", read_only=True, allow_null=True)
    action = serializers.SerializerMethodField()
    status = serializers.ChoiceField(source="recommendation.status", choices=Status.choices, read_only=True)
    status_label = serializers.CharField(source="recommendation.get_status_display", read_only=True)
    linked_at = serializers.DateTimeField(source="created_at", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = MeasureLink
        fields = ["recommendation", "source", "country", "area", "action", "status", "status_label", "linked_at", "url"]
        read_only_fields = fields

    def get_action(self, link: MeasureLink) -> str:
        return link.recommendation.action_in(ui_language())

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_url(self, link: MeasureLink) -> str:
        path = reverse("recommendation-detail", args=[link.recommendation_id])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class LinkedStatusSerializer(StrictFieldsMixin, serializers.Serializer):
    recommendation = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="One the measure answers.")
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, help_text="Its new status; by default the measure's."
    )
    etag = serializers.CharField(
        required=False,
        max_length=100,
        help_text="The recommendation's ETag as you read it: if it changed since, nothing is saved (412).",
    )


class MeasureProgressCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    occurred_on = serializers.DateField(required=False, help_text="The day it happened; today by default.")
    recommendations = LinkedStatusSerializer(  # type: ignore[call-arg]  # many=True takes it (a ListSerializer's)
        many=True,
        required=False,
        max_length=LINKS_PER_REQUEST,
        help_text=(
            "The recommendations it answers to record with it, each with its status (by default the measure's): "
            "one entry each, of the same day and note, recorded with the measure's entry and showing its evidence."
        ),
    )


class RecordedWithSerializer(serializers.ModelSerializer):
    """A recommendation's entry recorded with the measure's."""

    status_after_label = serializers.CharField(source="get_status_after_display", read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = ["id", "recommendation", "status_before", "status_after", "status_after_label"]
        read_only_fields = fields


class MeasureProgressSerializer(TimelineBeforeMixin, serializers.ModelSerializer):
    status_before_label = serializers.CharField(source="get_status_before_display", read_only=True)
    status_after_label = serializers.CharField(source="get_status_after_display", read_only=True)
    recommendation_updates = RecordedWithSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "measure",
            "status_before",
            "status_before_label",
            "status_after",
            "status_after_label",
            "note",
            "occurred_on",
            "author_username",
            "created_at",
            "recommendation_updates",
            "review_state",
        ]
        read_only_fields = fields
