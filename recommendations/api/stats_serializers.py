"""Shapes of `/api/v1/stats/` answers, for the schema and for presenting the counts."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recommendations.analytics.stats import status_label_list
from recommendations.choices import Status, area_label

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
        return area_label(row["area"])


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


class TagStatsSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The tag's code: an SDG's goal number, a State's country code, …")
    name = serializers.CharField()
    total = serializers.IntegerField(help_text="Recommendations with this tag.")
    by_status = StatusCountsSerializer()


class StatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    statuses = serializers.SerializerMethodField()
    by_status = StatusCountsSerializer()
    # Present when asked for with `breakdown` (all three when it is absent).
    by_area = AreaStatsSerializer(many=True, required=False)
    by_year = YearStatsSerializer(many=True, required=False)
    by_source = SourceStatsSerializer(many=True, required=False)
    # By tag: present only when asked for (`breakdown=sdg,theme,group,recommending_state,position`).
    by_theme = TagStatsSerializer(many=True, required=False)
    by_group = TagStatsSerializer(many=True, required=False)
    by_sdg = TagStatsSerializer(many=True, required=False)
    by_recommending_state = TagStatsSerializer(many=True, required=False)
    by_position = TagStatsSerializer(many=True, required=False)

    @extend_schema_field(StatusLabelSerializer(many=True))
    def get_statuses(self, stats) -> list[dict[str, str]]:
        """The statuses in order from least to most done, labelled in the request's language."""
        return status_label_list()
