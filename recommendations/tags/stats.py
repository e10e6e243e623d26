"""Counts of recommendations by tag (`/api/v1/stats/?breakdown=sdg,theme`): one grouped
query per vocabulary asked for, over the link table, whatever the number of rows."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet

from recommendations.choices import Status
from recommendations.languages import ui_language

from .models import Tag
from .vocabularies import Vocabulary

# Breakdown name → vocabulary; the stats answer has `by_<name>`.
TAG_BREAKDOWNS = {vocabulary.value: vocabulary for vocabulary in Vocabulary}


def tag_stats(queryset: QuerySet, breakdowns: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """{"by_sdg": [{code, name, total, by_status}, …], …} for the breakdowns asked for: each
    recommendation counts once under each of its tags; SDGs in goal order, others by count."""
    language = ui_language()
    ids = queryset.order_by().values("pk")
    stats: dict[str, list[dict[str, Any]]] = {}
    for name in breakdowns:
        vocabulary = TAG_BREAKDOWNS[name]
        counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Status.values, 0))
        grouped = (
            Tag.recommendations.through.objects.filter(tag__vocabulary=vocabulary, recommendation_id__in=ids)
            .order_by()
            .values_list("tag_id", "recommendation__status")
            .annotate(count=Count("*"))
        )
        for tag_id, status, count in grouped:
            counts[tag_id][status] += count
        tags = Tag.objects.using(queryset.db).in_bulk(list(counts))
        rows: list[dict[str, Any]] = [
            {
                "code": tag.code,
                "name": tag.name(language),
                "total": sum(counts[tag.pk].values()),
                "by_status": counts[tag.pk],
            }
            for tag in tags.values()
        ]
        if vocabulary == Vocabulary.SDG:
            rows.sort(key=lambda row: int(row["code"]))
        else:
            rows.sort(key=lambda row: (-row["total"], row["name"].casefold()))
        stats[f"by_{name}"] = rows
    return stats
