"""`/api/v1/progress/`: the progress log across recommendations, those the list's filters
choose (`as_of` apart: the days here are `from` and `to`, on the date progress happened).
Anyone reads the status changes; the note, author and evidence count only analysts and
above (`progress/log.py`)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from recommendations.analytics import over_time
from recommendations.choices import Status, status_labels
from recommendations.listing import selectors
from recommendations.listing.filters import RecommendationFilterSet
from recommendations.models import Recommendation
from recommendations.progress import log

from .analytics_views import LogCountsSchema
from .filters import GENERAL_PARAMETERS


class ProgressLogEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    recommendation = serializers.IntegerField()
    source = serializers.SlugField()  # type: ignore[assignment]  # a field, not Field.source
    country = serializers.CharField()
    area = serializers.CharField(allow_null=True)
    occurred_on = serializers.DateField(help_text="The day the progress happened.")
    created_at = serializers.DateTimeField(help_text="When it was recorded.")
    status_before = serializers.ChoiceField(choices=Status.choices, help_text="By the timeline rule.")
    status_before_label = serializers.SerializerMethodField()
    status_after = serializers.ChoiceField(choices=Status.choices)
    status_after_label = serializers.SerializerMethodField()
    note = serializers.CharField(required=False, help_text="Analysts and above only; absent for others.")
    author_username = serializers.CharField(required=False, help_text="Analysts and above only.")
    evidence_count = serializers.IntegerField(
        required=False, help_text="Evidence filed with this entry; analysts and above only."
    )

    def get_status_before_label(self, row) -> str:
        return self.context["labels"][row["status_before"]]

    def get_status_after_label(self, row) -> str:
        return self.context["labels"][row["status_after"]]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context["with_notes"]:
            for name in log.PRIVATE_FIELDS:
                data.pop(name, None)
        return data


def _day(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, {"type": "string", "format": "date"}, description=description)


class ProgressLogView(generics.ListAPIView):
    """The progress entries of the recommendations matching the list's filters, in the
    timeline's order (by the day progress happened, then when recorded) unless `ordering`
    says otherwise. Notes, authors and evidence counts are for analysts and above."""

    serializer_class = ProgressLogEntrySerializer
    # The filters choose recommendations: the schema documents them on their model.
    queryset = Recommendation.objects.none()
    # Documented as the list's (less `as_of`); applied to the recommendations, not by the backend.
    filterset_class = RecommendationFilterSet
    schema = LogCountsSchema()
    filter_backends: list = []
    read_role = None
    ordering_fields = ("occurred_on", "created_at", "id")
    ordering = "occurred_on,created_at"
    own_parameters = ("from", "to")

    @extend_schema(
        operation_id="progress_log",
        parameters=[
            _day("from", "Entries that happened on or after this day (YYYY-MM-DD)."),
            _day("to", "Entries that happened on or before this day (YYYY-MM-DD)."),
        ],
        responses={
            200: ProgressLogEntrySerializer(many=True),
            400: OpenApiResponse(description="A bad or unknown parameter; the body names it."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        params = self.request.query_params
        recommendations = selectors.recommendation_list(
            params=params,
            extra_parameters=[*GENERAL_PARAMETERS, *self.own_parameters],
            without=("as_of",),
            user=self.request.user,
        )
        start = over_time.parse_day(params.get("from"), "from")
        end = over_time.parse_day(params.get("to"), "to")
        if start is not None and end is not None and start > end:
            raise ValidationError({"from": [_("Must not be after “to”.")]})
        return log.entries_of_recommendations(recommendations, start=start, end=end)

    def get_serializer(self, *args, **kwargs):
        if not args:  # the schema's look at the shape
            return super().get_serializer(*args, **kwargs)
        entries = args[0]
        with_notes = log.reads_notes(self.request.user)
        rows = log.entry_rows(entries, with_notes=with_notes)
        context = {**self.get_serializer_context(), "with_notes": with_notes, "labels": status_labels()}
        return ProgressLogEntrySerializer(rows, many=True, context=context)
