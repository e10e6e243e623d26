"""The counts of the filtered list (`/stats/`), progress over time (`/stats/timeline/`) and the
changes between two dates (`/stats/changes/`), the last two counted from the progress log
(analytics/over_time.py)."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from recommendations.analytics import cross, over_time, spreadsheets, stats, tables
from recommendations.analytics.stats import status_label_list
from recommendations.caching.views import CachedReadMixin
from recommendations.choices import Status
from recommendations.listing import selectors

from .exports import DELIMITER_PARAMETER, SpreadsheetFormatsMixin, spreadsheet_responses
from .recommendation_filters import RecommendationFiltersMixin, RecommendationFiltersSchema
from .stats_serializers import StatsSerializer, StatusCountsSerializer, StatusLabelSerializer

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "api", "csv", "xlsx"],
    description=(
        "`json` (default), `api` (the same as a browsable HTML page), `csv` or `xlsx` (the same numbers as a "
        "spreadsheet, an attachment; the workbook adds a `filters` sheet)."
    ),
)


class StatsView(CachedReadMixin, SpreadsheetFormatsMixin, RecommendationFiltersMixin, generics.GenericAPIView):  # type: ignore[misc]
    """Counts of the recommendations matching the filters: in total, by status, and by
    area, year and source split by status; with `by`, a cross table of two of area, year,
    source and status. A recommendation counts in every year of its range. Anyone may read
    them, as JSON, CSV or XLSX."""

    serializer_class = StatsSerializer
    extra_parameters = frozenset({"format", "breakdown", cross.BY_PARAMETER, spreadsheets.DELIMITER_PARAMETER})
    spreadsheet_name = "stats"

    @extend_schema(
        operation_id="stats",
        parameters=[
            OpenApiParameter(
                "breakdown",
                OpenApiTypes.STR,
                description=(
                    "Which of by_area, by_year, by_source to compute: `area`, `year`, `source`, "
                    "comma-separated or repeated. Default: all three. By tag, only when asked for (not with "
                    "`as_of`): `theme`, `group`, `sdg`, `recommending_state`, `position` (by_theme, …)."
                ),
                enum=list(stats.ALL_BREAKDOWNS),
            ),
            OpenApiParameter(
                cross.BY_PARAMETER,
                OpenApiTypes.STR,
                description=(
                    "A cross table (`table`): two different ones of `area`, `year`, `source`, `status`, "
                    "comma-separated, the rows' then the columns' (`area,year`: a row per area, a column per "
                    "year). One value; a recommendation counts in every year of its range."
                ),
                enum=[
                    f"{rows},{columns}" for rows in cross.DIMENSIONS for columns in cross.DIMENSIONS if rows != columns
                ],
            ),
            FORMAT_PARAMETER,
            DELIMITER_PARAMETER,
        ],
        responses={
            **spreadsheet_responses(
                StatsSerializer,
                "a row per group (`breakdown`, `key`, `label`, `total`, a column per status); with `by`, the "
                "cross table instead (a row per row key, a column per column key)",
            ),
            400: OpenApiResponse(description="A bad or unknown filter; the body names it."),
        },
    )
    def get(self, request):
        breakdowns = stats.stats_breakdowns(request.query_params.getlist("breakdown"))
        by = cross.parse_by(request.query_params.get(cross.BY_PARAMETER))
        counts = stats.filtered_stats(
            params=request.query_params,
            breakdowns=breakdowns,
            extra_parameters=self.extra_parameters,
            by=by,
            user=request.user,
        )
        data = stats.stats_data(counts)
        as_of = selectors.as_of_value(request.query_params)
        return self.spreadsheet(request, tables.stats_sheets(data), as_of=as_of) or Response(data)


class TimelinePeriodSerializer(serializers.Serializer):
    end = serializers.DateField(help_text="The last day of the period (`to` for the last, partial one).")
    partial = serializers.BooleanField(help_text="The period goes on after `to`.")  # type: ignore[assignment]
    total = serializers.IntegerField()
    by_status = StatusCountsSerializer()


class TimelineSerializer(serializers.Serializer):
    interval = serializers.ChoiceField(choices=over_time.INTERVALS)
    # `from` is a Python keyword: declared below.
    to = serializers.DateField()
    statuses = serializers.SerializerMethodField()
    periods = TimelinePeriodSerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        return fields

    @extend_schema_field(StatusLabelSerializer(many=True))
    def get_statuses(self, data) -> list[dict[str, str]]:
        return status_label_list()


class TransitionSerializer(serializers.Serializer):
    count = serializers.IntegerField()

    def get_fields(self):
        fields = super().get_fields()
        for name in ("from", "to"):
            fields[name] = serializers.ChoiceField(choices=Status.choices)
            fields[f"{name}_label"] = serializers.CharField()
        return fields


class ChangedRecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.SlugField()  # type: ignore[assignment]  # a field, not Field.source
    area = serializers.CharField(allow_null=True)
    area_name = serializers.CharField(allow_null=True)
    action = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        for name in ("from", "to"):
            fields[name] = serializers.ChoiceField(choices=Status.choices)
        return fields


class AddedSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = StatusCountsSerializer(help_text="By status at `to`.")


class ChangesSerializer(serializers.Serializer):
    to = serializers.DateField()
    total = serializers.IntegerField(help_text="Recommendations whose status at `to` differs from that at `from`.")
    transitions = TransitionSerializer(many=True)
    recommendations = ChangedRecommendationSerializer(
        many=True, help_text=f"The changed recommendations, by id, at most {over_time.CHANGES_LIST_LIMIT}."
    )
    recommendations_truncated = serializers.BooleanField()
    added = AddedSerializer(help_text="Recommendations of reports that appeared after `from`.")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        return fields


# Any day, as `as_of` (`over_time.parse_day`).
DAY_SCHEMA = {"type": "string", "format": "date"}


def _day_parameter(name: str, description: str, required: bool = False) -> OpenApiParameter:
    return OpenApiParameter(name, DAY_SCHEMA, required=required, description=description)


BAD_REQUEST = OpenApiResponse(description="A bad or unknown parameter; the body names it.")


class LogCountsSchema(RecommendationFiltersSchema):
    """The list's filters except `as_of`: these endpoints take their days as `from` and `to`."""

    def _get_filter_parameters(self):
        return [parameter for parameter in super()._get_filter_parameters() if parameter["name"] != "as_of"]


class LogCountsView(RecommendationFiltersMixin, generics.GenericAPIView):  # type: ignore[misc]
    """Shared by the timeline and the changes: the list filters, less those read here."""

    schema = LogCountsSchema()

    def selection(self):
        params = self.request.query_params
        # Validated with everything else, then applied here rather than by the filter set.
        # The days are `from` and `to`: `as_of` is not a parameter here (an unknown one).
        _queryset, filters = selectors.recommendation_selection(
            params=params, extra_parameters=self.extra_parameters, without=("as_of",), user=self.request.user
        )
        queryset = selectors.recommendation_list(
            params=over_time.without_recounted(params), extra_parameters=self.extra_parameters, user=self.request.user
        )
        return queryset, over_time.recounted(filters)


class TimelineView(CachedReadMixin, SpreadsheetFormatsMixin, LogCountsView):  # type: ignore[misc]
    """For each period end, the recommendations matching the filters counted by their status
    that day, from the progress log (the status a recommendation had at the end of a day is
    its latest progress by the date it happened; it counts once its report year has begun).
    As JSON, CSV or XLSX."""

    serializer_class = TimelineSerializer
    extra_parameters = frozenset({"interval", "from", "to", "format", spreadsheets.DELIMITER_PARAMETER})
    spreadsheet_name = "timeline"

    @extend_schema(
        operation_id="stats_timeline",
        parameters=[
            OpenApiParameter(
                "interval", OpenApiTypes.STR, enum=list(over_time.INTERVALS), description="Default `year`."
            ),
            _day_parameter("from", "First day (its period is the first). Default: 1 January of the first report."),
            _day_parameter("to", "Last day; the last period ends there. Default: today."),
            FORMAT_PARAMETER,
            DELIMITER_PARAMETER,
        ],
        responses={
            **spreadsheet_responses(
                TimelineSerializer, "a row per period (`end`, `partial`, `total`, a column per status)"
            ),
            400: BAD_REQUEST,
        },
    )
    def get(self, request):
        queryset, own = self.selection()  # every parameter checked first
        interval = over_time.parse_interval(request.query_params.get("interval"))
        start = over_time.parse_day(request.query_params.get("from"), "from")
        end = over_time.parse_day(request.query_params.get("to"), "to")
        data = over_time.recommendation_timeline(queryset, interval=interval, start=start, end=end, **own)
        sheets = tables.timeline_sheets(data)  # days as dates, for the workbook's date cells
        return self.spreadsheet(request, sheets, states_as_of=False) or Response(TimelineSerializer(data).data)


class ChangesView(CachedReadMixin, LogCountsView):  # type: ignore[misc]
    """Which recommendations (their report existed at `from`) had another status at the end
    of `to` than at the end of `from`, by the progress log: counts per transition and the
    list; and the recommendations of reports that appeared in between. `status` keeps those
    whose status at `to` is one of those given."""

    serializer_class = ChangesSerializer
    # `format` as every JSON endpoint takes it (`json`, `api`): it was an unknown parameter here.
    extra_parameters = frozenset({"from", "to", "format"})

    @extend_schema(
        operation_id="stats_changes",
        parameters=[
            _day_parameter("from", "The earlier day. Default: the last day of the quarter before `to`'s."),
            _day_parameter("to", "The later day. Default: today (or `from`, if later)."),
        ],
        responses={200: ChangesSerializer, 400: BAD_REQUEST},
    )
    def get(self, request):
        queryset, own = self.selection()  # every parameter checked first
        start = over_time.parse_day(request.query_params.get("from"), "from")
        end = over_time.parse_day(request.query_params.get("to"), "to")
        if end is None:
            end = max(timezone.localdate(), start) if start else timezone.localdate()
        start = start or over_time.previous_quarter_end(end)
        data = over_time.recommendation_changes(queryset, start=start, end=end, **own)
        return Response(ChangesSerializer(data).data)
