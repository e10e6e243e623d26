"""The history's rows as the API shows them (`/recommendations/{id}/history/`)."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recommendations.models import ChangeRecord
from recommendations.tracked import json_moment


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "additionalProperties": {},
        "description": "Field names with their values; null when there is no such side (a creation has no before).",
    }
)
class ChangedValuesField(serializers.JSONField):
    def to_representation(self, value):
        # Rows written before history kept one time zone hold some moments in UTC: shown in
        # the service's zone like every other time (models.json_moment).
        if not isinstance(value, dict):
            return value
        return {key: _in_service_zone(item) for key, item in value.items()}


def _in_service_zone(value):
    if isinstance(value, str) and "T" in value:
        moment = parse_datetime(value)
        if moment is not None and timezone.is_aware(moment):
            return json_moment(moment)
    return value


class ChangeRecordSerializer(serializers.ModelSerializer):
    before = ChangedValuesField(read_only=True)
    after = ChangedValuesField(read_only=True)
    object_type = serializers.SerializerMethodField(
        help_text="What changed: `recommendation`, `measure`, `evidence` or `measurelink` (a link made or removed)."
    )

    class Meta:
        model = ChangeRecord
        fields = ["id", "action", "username", "changed_at", "object_type", "object_id", "before", "after", "message"]
        read_only_fields = fields

    def get_object_type(self, record: ChangeRecord) -> str:
        # Content types are cached per process: no query per row.
        return ContentType.objects.get_for_id(record.object_type_id).model

    def to_representation(self, instance):
        data = super().to_representation(instance)
        before, after = data.get("before"), data.get("after")
        if instance.action == ChangeRecord.Action.UPDATE and isinstance(before, dict) and isinstance(after, dict):
            # An older row may hold the same moment in two zones: no change, so not listed.
            unchanged = {key for key in before.keys() & after.keys() if before[key] == after[key]}
            data["before"] = {key: item for key, item in before.items() if key not in unchanged}
            data["after"] = {key: item for key, item in after.items() if key not in unchanged}
        return data
