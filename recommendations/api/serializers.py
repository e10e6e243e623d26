"""Shapes of the API's JSON answers (request bodies: write_serializers.py; stats: stats_serializers.py).
Serializers validate and present; services do the writing."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recommendations.catalog.repeats import repeat_lineage
from recommendations.choices import Status, area_name
from recommendations.languages import ui_language
from recommendations.listing.columns import LIST_FIELDS, action_in, action_translations
from recommendations.models import (
    ApiToken,
    Evidence,
    ProgressUpdate,
    Recommendation,
    ResponsibleBody,
    Source,
)
from recommendations.tags.selectors import tag_fields
from recommendations.tags.vocabularies import POSITIONS
from recommendations.withdrawal.models import WITHDRAWAL_FIELDS

from .conditional import recommendation_etag
from .write_serializers import StrictFieldsMixin

# A tag as the API shows it: its stable code (filters take it) and its name in the request's language.
TERMS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
        "required": ["code", "name"],
    },
}


class ResponsibleBodySerializer(serializers.ModelSerializer):
    class Meta:
        model = ResponsibleBody
        fields = ["id", "name", "abbreviation"]


class RecommendationSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    country = serializers.CharField(read_only=True)
    area_name = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    responsible_bodies = ResponsibleBodySerializer(many=True, read_only=True)
    action = serializers.SerializerMethodField()
    action_translations = serializers.SerializerMethodField()
    status_as_of = serializers.SerializerMethodField()
    status_as_of_label = serializers.SerializerMethodField()
    upr_position = serializers.SerializerMethodField()
    recommending_states = serializers.SerializerMethodField()
    themes = serializers.SerializerMethodField()
    groups = serializers.SerializerMethodField()
    sdgs = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        # The list's columns, declared once in listing/columns.py.
        fields = list(LIST_FIELDS)
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_area_name(self, recommendation: Recommendation) -> str | None:
        return area_name(recommendation.area)

    @staticmethod
    def _texts(recommendation: Recommendation) -> dict:
        return {
            "original_action": recommendation.action,
            "source_language": recommendation.source.language,
            "translations": recommendation.action_translations,
        }

    @extend_schema_field(
        {
            "type": "string",
            "description": "The action in the request's language when the report is there in it, else the original.",
        }
    )
    def get_action(self, recommendation: Recommendation) -> str:
        return action_in(self._texts(recommendation), ui_language())

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "The action in the report's other languages (the original among them), by language code.",
        }
    )
    def get_action_translations(self, recommendation: Recommendation) -> dict:
        return action_translations(self._texts(recommendation), ui_language())

    @extend_schema_field(
        {
            "type": "string",
            "enum": [*Status.values, None],
            "nullable": True,
            "description": "With `as_of`: the status at the end of that day, from the progress log; else null.",
        }
    )
    def get_status_as_of(self, recommendation: Recommendation) -> str | None:
        return getattr(recommendation, "status_as_of", None)

    def _tag_fields(self, recommendation: Recommendation) -> dict:
        # From the prefetched tags (the views prefetch "tags"): no query per recommendation.
        cache: dict[int, dict] = self.__dict__.setdefault("_tag_cache", {})
        if recommendation.pk not in cache:
            language = ui_language()
            cache[recommendation.pk] = tag_fields(list(recommendation.tags.all()), language)
        return cache[recommendation.pk]

    @extend_schema_field(
        {
            "type": "string",
            "enum": [code for code, _english, _azerbaijani in POSITIONS] + [None],
            "nullable": True,
            "description": "The position the State under review took (UPR): supported or noted; else null.",
        }
    )
    def get_upr_position(self, recommendation: Recommendation) -> str | None:
        return self._tag_fields(recommendation)["upr_position"]

    @extend_schema_field({**TERMS_SCHEMA, "description": "The States that made it (UPR), by ISO 3166-1 code."})
    def get_recommending_states(self, recommendation: Recommendation) -> list[dict]:
        return self._tag_fields(recommendation)["recommending_states"]

    @extend_schema_field({**TERMS_SCHEMA, "description": "Its human-rights themes."})
    def get_themes(self, recommendation: Recommendation) -> list[dict]:
        return self._tag_fields(recommendation)["themes"]

    @extend_schema_field({**TERMS_SCHEMA, "description": "The groups of persons it affects."})
    def get_groups(self, recommendation: Recommendation) -> list[dict]:
        return self._tag_fields(recommendation)["groups"]

    @extend_schema_field(
        {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 17},
            "description": "The Sustainable Development Goals it serves, by goal number.",
        }
    )
    def get_sdgs(self, recommendation: Recommendation) -> list[int]:
        return self._tag_fields(recommendation)["sdgs"]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_status_as_of_label(self, recommendation: Recommendation) -> str | None:
        code = getattr(recommendation, "status_as_of", None)
        return str(Status(code).label) if code else None


class RecommendationDetailSerializer(RecommendationSerializer):
    etag = serializers.SerializerMethodField(help_text="The same tag as the ETag header: version and language.")
    source_title = serializers.CharField(source="source.title", read_only=True)
    source_year = serializers.IntegerField(source="source.report_year", read_only=True)
    also_suggested_in = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()
    measures = serializers.SerializerMethodField()

    class Meta(RecommendationSerializer.Meta):
        fields = [
            *RecommendationSerializer.Meta.fields,
            "source_title",
            "source_year",
            "etag",
            "also_suggested_in",
            "indicators",
            "measures",
            *WITHDRAWAL_FIELDS,
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "array",
            "description": "The measures answering it (`/api/v1/measures/{id}/`), with their status.",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "kind": {"type": "string"},
                    "status": {"type": "string", "enum": list(Status.values)},
                    "url": {"type": "string", "format": "uri"},
                },
            },
        }
    )
    def get_measures(self, recommendation: Recommendation) -> list[dict]:
        request = self.context.get("request")
        return [
            {
                "id": measure.pk,
                "title": measure.title,
                "kind": measure.kind,
                "status": measure.status,
                "url": request.build_absolute_uri(reverse("measure-detail", args=[measure.pk]))
                if request
                else reverse("measure-detail", args=[measure.pk]),
            }
            for measure in recommendation.measures.all()
        ]

    @extend_schema_field(
        {
            "type": "array",
            "description": (
                "The indicators named as measuring it, with the address of their values in its country "
                "(/api/v1/indicator-values/)."
            ),
            "items": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "values": {"type": "string"}},
            },
        }
    )
    def get_indicators(self, recommendation: Recommendation) -> list[dict]:
        request = self.context.get("request")
        values = reverse("indicator-value-list")
        return [
            {
                "code": indicator.code,
                "name": indicator.name,
                "values": (request.build_absolute_uri(values) if request else values)
                + f"?country={recommendation.country}&indicator={indicator.code}",
            }
            for indicator in recommendation.indicators.all()
        ]

    def get_etag(self, recommendation: Recommendation) -> str:
        return recommendation_etag(recommendation)

    @extend_schema_field(
        {
            "type": "array",
            "description": (
                "The same recommendation in other reports of the series: what it repeats back to the oldest "
                "and what repeats it up to the newest (another recommendation repeating the same earlier one "
                "is a branch, not listed)."
            ),
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "source": {"type": "string"},
                    "report_year": {"type": "integer"},
                },
            },
        }
    )
    def get_also_suggested_in(self, recommendation: Recommendation) -> list[dict]:
        # Detail only: a few queries along the chain, which a list page must not multiply.
        return [
            {"id": other.pk, "source": other.source.slug, "report_year": other.source.report_year}
            for other in repeat_lineage(recommendation)
        ]


class TimelineBeforeMixin(serializers.Serializer):
    """An entry's "before" as the timeline tells it (`befores` in the context, from
    progress/timeline.py), not as its recorder saw it: a late entry may have been inserted."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        befores = self.context.get("befores")
        if befores and instance.pk in befores and befores[instance.pk] != data["status_before"]:
            data["status_before"] = befores[instance.pk]
            data["status_before_label"] = str(Status(befores[instance.pk]).label)
        return data


class ProgressUpdateSerializer(TimelineBeforeMixin, StrictFieldsMixin, serializers.ModelSerializer):
    recommendation = serializers.IntegerField(source="recommendation_id", read_only=True)
    measure_update = serializers.IntegerField(
        source="measure_update_id",
        read_only=True,
        allow_null=True,
        help_text=(
            "Recorded with this entry of a measure answering the recommendation (`/api/v1/measures/{id}/progress/`), "
            "whose evidence it shows; null otherwise."
        ),
    )
    status = serializers.ChoiceField(choices=Status.choices, source="status_after", write_only=True)
    status_before_label = serializers.CharField(source="get_status_before_display", read_only=True)
    status_after_label = serializers.CharField(source="get_status_after_display", read_only=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    occurred_on = serializers.DateField(required=False)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "recommendation",
            "status",
            "status_before",
            "status_before_label",
            "status_after",
            "status_after_label",
            "note",
            "occurred_on",
            "author_username",
            "created_at",
            "measure_update",
            "review_state",
        ]
        read_only_fields = [
            "id",
            "recommendation",
            "status_before",
            "status_after",
            "author_username",
            "created_at",
            "measure_update",
            "review_state",
        ]


@extend_schema_field({"oneOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]})
class URLOrEmptyField(serializers.URLField):
    """A URL field where an empty string means "no URL" (the model's blank value)."""


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    url = URLOrEmptyField(read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "recommendation",
            "measure",
            "progress_update",
            "title",
            "kind",
            "file_name",
            "file_size",
            "file_sha256",
            "content_type",
            "download_url",
            "url",
            "excerpt",
            "evidence_date",
            "added_by_username",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, evidence: Evidence) -> str | None:
        if not evidence.file:
            return None
        request = self.context.get("request")
        path = reverse("evidence-file", args=[evidence.pk])
        return request.build_absolute_uri(path) if request else path


class SourceSerializer(serializers.ModelSerializer):
    country = serializers.CharField(read_only=True)
    url = URLOrEmptyField(read_only=True)
    document_url = serializers.SerializerMethodField()
    translations = serializers.SerializerMethodField()
    recommendation_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "slug",
            "kind",
            "publisher",
            "title",
            "report_year",
            "country",
            "language",
            "tip_tier",
            "url",
            "document_sha256",
            "document_url",
            "translations",
            "recommendation_count",
            *WITHDRAWAL_FIELDS,
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True, "description": "The imported PDF or text, public."})
    def get_document_url(self, source: Source) -> str | None:
        if not source.document:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("recommendations:source-document", args=[source.slug])
        )

    @extend_schema_field(
        {
            "type": "object",
            "description": "The report in other languages: {language: {sha256, document_url}}.",
            "additionalProperties": {
                "type": "object",
                "properties": {"sha256": {"type": "string"}, "document_url": {"type": "string"}},
            },
        }
    )
    def get_translations(self, source: Source) -> dict:
        request = self.context["request"]
        return {
            language: {
                "sha256": entry["sha256"],
                "document_url": request.build_absolute_uri(
                    reverse("recommendations:source-document-language", args=[source.slug, language])
                ),
            }
            for language, entry in sorted(source.translations.items())
        }


class AreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    name_az = serializers.CharField()
    name_en = serializers.CharField()
    recommendation_count = serializers.IntegerField()


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="Whether this request was made with this token.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created_at", "expires_at", "last_used_at", "current"]
        read_only_fields = fields

    def get_current(self, token: ApiToken) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk
