"""Shapes of request bodies: what a client may send, validated by name. Services do the writing."""

from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from recommendations.choices import EvidenceKind, Status
from recommendations.indicators.models import Indicator
from recommendations.models import Recommendation, ResponsibleBody
from recommendations.validation import web_link
from recommendations.withdrawal.models import REASON_MAX_LENGTH
from recommendations.years import YEAR_VALIDATORS


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


class StrictFieldsMixin(serializers.Serializer):
    """Request bodies with a field the serializer does not take are refused by name; the
    schema says so too (`additionalProperties: false`, see api/schema.py)."""

    unknown_field_message = gettext_lazy("This field does not exist or cannot be set.")

    def to_internal_value(self, data):
        # A misspelt or read-only field is an error, not silently dropped: the client
        # believes it changed something. (A service's own check of what it edits is
        # history.services.refuse_unknown_fields.)
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            extra = sorted(set(data) - writable)
            if extra:
                raise serializers.ValidationError({name: [str(self.unknown_field_message)] for name in extra})
        return super().to_internal_value(data)


class RecommendationAdminUpdateSerializer(StrictFieldsMixin, YearRangeMixin, serializers.ModelSerializer):
    """What an admin may PATCH. A `status` goes through the progress log like any other."""

    year_start = serializers.IntegerField(validators=YEAR_VALIDATORS)
    year_end = serializers.IntegerField(validators=YEAR_VALIDATORS)
    # The column is 32-bit on PostgreSQL; a larger number must be a 400, not a database error.
    position = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    responsible_bodies = serializers.PrimaryKeyRelatedField(
        many=True, queryset=ResponsibleBody.objects.all(), required=False
    )
    indicators = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=Indicator.objects.all(),
        required=False,
        help_text="Codes of the indicators that measure it (see /api/v1/indicators/).",
    )
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000, write_only=True)
    # Withdrawal (withdrawal/services.py): sent alone, with its reason.
    withdrawn = serializers.BooleanField(
        required=False,
        help_text="`true` withdraws it (hidden from the public, kept with its history), `false` restores it; "
        "with `withdrawal_reason` and no other field.",
    )
    withdrawal_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=REASON_MAX_LENGTH, help_text="Why it is withdrawn or restored."
    )

    class Meta:
        model = Recommendation
        fields = [*Recommendation.editable_fields, "status", "note", "withdrawn", "withdrawal_reason"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "withdrawn" in attrs and set(attrs) - {"withdrawn", "withdrawal_reason"}:
            raise serializers.ValidationError(
                {"withdrawn": [_("Withdraw or restore on its own, without other changes.")]}
            )
        if "withdrawal_reason" in attrs and "withdrawn" not in attrs:
            raise serializers.ValidationError(
                {"withdrawal_reason": [_("A reason goes with `withdrawn` (true or false).")]}
            )
        return attrs

    unknown_field_message = gettext_lazy("This field does not exist or cannot be edited.")

    # "A note needs a change" is the service's rule (catalog/services.recommendation_update),
    # shared with the admin.


class RecommendationStatusUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """What NGO staff may PATCH: the status, with an optional note."""

    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000)

    unknown_field_message = gettext_lazy("NGO staff may change only the status and add a note.")

    def validate(self, attrs):
        # PATCH makes every field optional; without a status the note would go nowhere.
        if "status" not in attrs:
            raise serializers.ValidationError({"status": [_("This field is required.")]})
        return super().validate(attrs)


class SafeURLField(serializers.URLField):
    """Only http and https (validation.web_link, the model's rule)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # DRF's own URLValidator replaced by the one rule (which is a URLValidator too).
        self.validators = [v for v in self.validators if not isinstance(v, URLValidator)] + [web_link]


class EvidenceCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    title = serializers.CharField(max_length=300)
    file = serializers.FileField(required=False, allow_empty_file=False, max_length=255)
    url = SafeURLField(required=False, max_length=2000)
    excerpt = serializers.CharField(required=False, max_length=100000)
    evidence_date = serializers.DateField(required=False, allow_null=True)
    progress_update = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text="The key: shown this once, never stored.")
    id = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    # What every text field refuses (NUL, lone surrogates) stated as patterns, and, since
    # surrounding white space is dropped from a name (as the sign-in form does), a name needs
    # one other character: so the schema tells clients every input the endpoint refuses.
    username = serializers.RegexField(
        r"^[^\x00\ud800-\udfff]*[^\s\x00\ud800-\udfff][^\x00\ud800-\udfff]*$", write_only=True
    )
    password = serializers.RegexField(
        r"^[^\x00\ud800-\udfff]*$", write_only=True, style={"input_type": "password"}, trim_whitespace=False
    )
    name = serializers.RegexField(
        r"^[^\x00\ud800-\udfff]*$",
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="What the token is for, to tell your tokens apart (default: “API”).",
    )
    days = serializers.IntegerField(
        min_value=1,
        max_value=3650,
        required=False,
        help_text="Days until it expires: at most, and by default, API_TOKEN_DAYS (30).",
    )
