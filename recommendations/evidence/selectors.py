"""Which evidence a recommendation shows: its own, and the evidence of each measure entry one
of its entries was recorded with (a measure's evidence is stored once and supports every
recommendation recorded with it). The one rule the page, the API, the exports, the submission
document and the mails read."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce

from recommendations.choices import ReviewState
from recommendations.models import Evidence, ProgressUpdate

# Evidence the public side counts and the documents list: none filed with an entry in review.
PUBLISHED_EVIDENCE = Q(progress_update__isnull=True) | Q(progress_update__review_state=ReviewState.PUBLISHED)


def _measure_entries_of(recommendation_ids) -> QuerySet:
    """The ids of the measure entries these recommendations' entries were recorded with."""
    return ProgressUpdate.objects.filter(recommendation_id__in=recommendation_ids, measure_update__isnull=False).values(
        "measure_update_id"
    )


def recommendation_evidence(recommendation_id: int) -> QuerySet:
    """Its own evidence and the evidence its measures' entries share with it."""
    return Evidence.objects.filter(
        Q(recommendation_id=recommendation_id) | Q(progress_update_id__in=_measure_entries_of([recommendation_id]))
    )


def evidence_by_recommendation(recommendation_ids: Iterable[int]) -> dict[int, list[Evidence]]:
    """Each recommendation's evidence, own and shared, oldest first, in one query: a measure's
    evidence comes once for each of these recommendations recorded with its entry."""
    ids = list(recommendation_ids)
    recorded_with = "progress_update__recommendation_updates__recommendation_id"
    rows = (
        Evidence.objects.filter(Q(recommendation_id__in=ids) | Q(**{f"{recorded_with}__in": ids}))
        .filter(PUBLISHED_EVIDENCE)
        .annotate(shown_on=Coalesce("recommendation_id", recorded_with))
        .select_related("progress_update")
        .order_by("created_at", "id")
    )
    found: dict[int, list[Evidence]] = defaultdict(list)
    for evidence in rows:
        found[evidence.shown_on].append(evidence)
    return found


def _count(evidence: QuerySet, group: str) -> Coalesce:
    """A counting subquery of `evidence` per `group` (an OuterRef's match), 0 for none."""
    counted = evidence.order_by().values(group).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted), Value(0))


def evidence_count_annotation() -> CombinedExpression:
    """How many pieces of evidence a recommendation shows (own and shared), for a queryset of
    recommendations: two counting subqueries, so no join multiplies its rows."""
    recorded_with = "progress_update__recommendation_updates__recommendation"
    own = _count(Evidence.objects.filter(PUBLISHED_EVIDENCE, recommendation=OuterRef("pk")), "recommendation")
    shared = _count(Evidence.objects.filter(PUBLISHED_EVIDENCE, **{recorded_with: OuterRef("pk")}), recorded_with)
    return own + shared


def entry_evidence_count_annotation() -> CombinedExpression:
    """How many pieces of evidence a progress entry has, its own and its measure entry's."""
    own = _count(Evidence.objects.filter(progress_update=OuterRef("pk")), "progress_update")
    shared = _count(Evidence.objects.filter(progress_update=OuterRef("measure_update")), "progress_update")
    return own + shared
