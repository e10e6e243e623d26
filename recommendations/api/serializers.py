"""Shapes of the API's JSON. Serializers validate and present; services do the writing."""

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import AREAS, EvidenceKind, Status
from ..models import YEAR_VALIDATORS, ChangeRecord, Evidence, ProgressUpdate, Recommendation, ResponsibleBody, Source
from ..repeats import repeat_family
from ..selectors import status_order

AREA_BY_CODE = {area.code: area for area in AREAS}


def area_name(code: str | None, language: str | None = None) -> str | None:
    """An area's name in the given (or the active) language; Azerbaijani unless English."""
    if code is None:
        return None
    area = AREA_BY_CODE[code]
    return area.name_en if (language or get_language() or "az").startswith("en") else area.name_az


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

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "source",
            "country",
            "area",
            "area_name",
            "action",
            "year_start",
            "year_end",
            "priority",
            "position",
            "status",
            "status_label",
            "status_changed_at",
            "repeats",
            "responsible_bodies",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_area_name(self, recommendation: Recommendation) -> str | None:
        return area_name(recommendation.area)


class RecommendationDetailSerializer(RecommendationSerializer):
    etag = serializers.CharField(read_only=True)
    source_title = serializers.CharField(source="source.title", read_only=True)
    source_year = serializers.IntegerField(source="source.report_year", read_only=True)
    also_suggested_in = serializers.SerializerMethodField()

    class Meta(RecommendationSerializer.Meta):
        fields = [*RecommendationSerializer.Meta.fields, "source_title", "source_year", "etag", "also_suggested_in"]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "array",
            "description": "The same recommendation in other reports of the series (following `repeats` both ways).",
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
            for other in repeat_family(recommendation)
        ]


class YearRangeMixin:
    """year_start <= year_end, checked against the stored value of whichever is not sent."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = getattr(self, "instance", None)
        start = attrs.get("year_start", getattr(instance, "year_start", None))
        end = attrs.get("year_end", getattr(instance, "year_end", None))
        if start is not None and end is not None and start > end:
            raise serializers.ValidationError({"year_end": [_("Must not be before year_start.")]})
        return attrs


def refuse_unknown_fields(serializer: serializers.Serializer, data, message: str) -> None:
    """A misspelt or read-only field is an error, not silently dropped: the client believes
    it changed something."""
    if isinstance(data, dict):
        extra = sorted(set(data) - set(serializer.fields))
        if extra:
            raise serializers.ValidationError({name: [message] for name in extra})


class RecommendationAdminUpdateSerializer(YearRangeMixin, serializers.ModelSerializer):
    """What an admin may PATCH. A `status` goes through the progress log like any other."""

    year_start = serializers.IntegerField(validators=YEAR_VALIDATORS)
    year_end = serializers.IntegerField(validators=YEAR_VALIDATORS)
    # The column is 32-bit on PostgreSQL; a larger number must be a 400, not a database error.
    position = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    responsible_bodies = serializers.PrimaryKeyRelatedField(
        many=True, queryset=ResponsibleBody.objects.all(), required=False
    )
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000, write_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "area",
            "action",
            "year_start",
            "year_end",
            "priority",
            "position",
            "responsible_bodies",
            "repeats",
            "status",
            "note",
        ]

    def to_internal_value(self, data):
        refuse_unknown_fields(self, data, _("This field does not exist or cannot be edited."))
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "note" in attrs and len(attrs) == 1:
            raise serializers.ValidationError(
                {"note": [_("A note is kept with a status change or a field edit; send one with it.")]}
            )
        return attrs


class RecommendationStatusUpdateSerializer(serializers.Serializer):
    """What NGO staff may PATCH: the status, with an optional note."""

    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000)

    def to_internal_value(self, data):
        refuse_unknown_fields(self, data, _("NGO staff may change only the status and add a note."))
        return super().to_internal_value(data)

    def validate(self, attrs):
        # PATCH makes every field optional; without a status the note would go nowhere.
        if "status" not in attrs:
            raise serializers.ValidationError({"status": [_("This field is required.")]})
        return super().validate(attrs)


class ProgressUpdateSerializer(serializers.ModelSerializer):
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
        ]
        read_only_fields = ["id", "recommendation", "status_before", "status_after", "author_username", "created_at"]


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
        path = f"/api/v1/evidence/{evidence.pk}/file/"
        return request.build_absolute_uri(path) if request else path


class SafeURLField(serializers.URLField):
    """Only http and https: a `javascript:` or `data:` link must never reach a page."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError(_("Only http and https links are accepted."))
        return value


class EvidenceCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    title = serializers.CharField(max_length=300)
    file = serializers.FileField(required=False, allow_empty_file=False, max_length=255)
    url = SafeURLField(required=False, max_length=2000)
    excerpt = serializers.CharField(required=False, max_length=100000)
    evidence_date = serializers.DateField(required=False, allow_null=True)
    progress_update = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class ChangeRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChangeRecord
        fields = ["id", "action", "username", "changed_at", "before", "after", "message"]
        read_only_fields = fields


class SourceSerializer(serializers.ModelSerializer):
    country = serializers.CharField(read_only=True)
    url = URLOrEmptyField(read_only=True)
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
            "recommendation_count",
        ]
        read_only_fields = fields


class AreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    name_az = serializers.CharField()
    name_en = serializers.CharField()
    recommendation_count = serializers.IntegerField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, style={"input_type": "password"}, trim_whitespace=False)


StatusCountsSerializer = type(
    "StatusCountsSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "How many recommendations have each status.",
        **{status: serializers.IntegerField() for status in Status.values},
    },
)


class StatusLabelSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Status.choices)
    label = serializers.CharField()


class AreaStatsSerializer(serializers.Serializer):
    area = serializers.CharField(allow_null=True, help_text="Area code; null for not yet classified.")
    area_name = serializers.SerializerMethodField()
    total = serializers.IntegerField()
    by_status = StatusCountsSerializer()

    def get_area_name(self, row) -> str:
        return area_name(row["area"]) if row["area"] else _("Not classified")


class YearStatsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Recommendations suggested in this year (ranges count in each year).")
    by_status = StatusCountsSerializer()


class SourceStatsSerializer(serializers.Serializer):
    source = serializers.SlugField()
    title = serializers.CharField()
    report_year = serializers.IntegerField()
    kind = serializers.CharField()
    total = serializers.IntegerField()
    by_status = StatusCountsSerializer()


class StatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    statuses = serializers.SerializerMethodField()
    by_status = StatusCountsSerializer()
    # Present when asked for with `breakdown` (all three when it is absent).
    by_area = AreaStatsSerializer(many=True, required=False)
    by_year = YearStatsSerializer(many=True, required=False)
    by_source = SourceStatsSerializer(many=True, required=False)

    @extend_schema_field(StatusLabelSerializer(many=True))
    def get_statuses(self, stats) -> list[dict[str, str]]:
        """The statuses in order from least to most done, labelled in the request's language."""
        return status_labels()


def status_labels() -> list[dict[str, str]]:
    """The statuses from least to most done, labelled in the active language."""
    return [{"code": code, "label": label} for code, label in status_order()]


def stats_data(stats: dict) -> dict:
    """What `StatsSerializer(stats).data` says, shaped directly: the serializer copied every
    source's counts field by field, most of the request's time with hundreds of sources (a
    test keeps the two equal)."""
    not_classified = _("Not classified")
    data = {
        "total": stats["total"],
        "statuses": status_labels(),
        "by_status": stats["by_status"],
    }
    if "by_area" in stats:
        data["by_area"] = [
            {
                "area": row["area"],
                "area_name": area_name(row["area"]) if row["area"] else not_classified,
                "total": row["total"],
                "by_status": row["by_status"],
            }
            for row in stats["by_area"]
        ]
    data.update({key: stats[key] for key in ("by_year", "by_source") if key in stats})
    return data


# The list endpoint is the hot path (analysts page through it all day): rows come from
# list_query.py and are shaped here directly, which returns exactly what
# `RecommendationSerializer(many=True)` would (a test keeps the two equal) in a fraction of
# the time. Fields added to the list must be added to both.
RecommendationBodies = Recommendation.responsible_bodies.through


def _datetime_formatter():
    """DRF's DateTimeField.to_representation (ISO 8601 in the current time zone, "Z" for UTC)
    with the time zone looked up once per page rather than once per value."""
    zone = timezone.get_current_timezone()

    def format_datetime(value):
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return format_datetime


def recommendation_list_data(rows: list[dict]) -> list[dict]:
    """List items for rows of `list_query.recommendation_page_rows()`; one query for the
    responsible bodies of the whole page, if any row has some."""
    bodies: dict[int, list[dict]] = {row["id"]: [] for row in rows}
    with_bodies = [row["id"] for row in rows if row["has_responsible_bodies"]]
    if with_bodies:
        links = (
            RecommendationBodies.objects.filter(recommendation_id__in=with_bodies)
            .order_by("responsiblebody__name", "responsiblebody_id")
            .values_list(
                "recommendation_id", "responsiblebody_id", "responsiblebody__name", "responsiblebody__abbreviation"
            )
        )
        for recommendation_id, body_id, name, abbreviation in links:
            bodies[recommendation_id].append({"id": body_id, "name": name, "abbreviation": abbreviation})
    english = (get_language() or "az").startswith("en")
    area_names = {area.code: area.name_en if english else area.name_az for area in AREAS}
    status_labels = {value: str(label) for value, label in Status.choices}
    format_datetime = _datetime_formatter()
    return [
        {
            "id": row["id"],
            "source": row["source__slug"],
            "country": row["country"],
            "area": row["area"],
            "area_name": area_names.get(row["area"]),
            "action": row["action"],
            "year_start": row["year_start"],
            "year_end": row["year_end"],
            "priority": row["priority"],
            "position": row["position"],
            "status": row["status"],
            "status_label": status_labels[row["status"]],
            "status_changed_at": format_datetime(row["status_changed_at"]),
            "repeats": row["repeats_id"],
            "responsible_bodies": bodies[row["id"]],
        }
        for row in rows
    ]
