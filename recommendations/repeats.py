"""Recognising a recommendation that an earlier report of the same series already made.

Reports repeat recommendations year after year with small changes of wording ("Ensure
that" → "Ensure", a clause added, a typo fixed). Two actions are taken for the same
recommendation when the words of their folded texts (`search.fold`: no case, no
diacritics) have a difflib ratio of at least REPEAT_SIMILARITY_THRESHOLD. Comparing words
rather than characters measures rewording directly and is far cheaper (difflib is
quadratic in the worst case, and an action has ~30 words but ~250 characters). Candidates are only the earlier
recommendations of the same country, report kind and area, so the comparison stays a few
dozen strings per action however large the database grows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import Q

from .models import Recommendation
from .search import fold

# 0.8: changing 3 words of a 30-word action leaves a ratio of 0.9, so yearly drift passes;
# distinct recommendations of one area in the seeds share phrases such as "təmin edin" but
# none scores above 0.25 against another (tests/test_importer_service.py checks both sides).
REPEAT_SIMILARITY_THRESHOLD = 0.8


@dataclass(frozen=True)
class RepeatCandidate:
    recommendation_id: int
    words: tuple[str, ...]
    source_slug: str
    report_year: int


@dataclass(frozen=True)
class RepeatMatch:
    recommendation_id: int
    source_slug: str
    report_year: int
    similarity: float


def action_words(text: str) -> tuple[str, ...]:
    return tuple(fold(text).split())


def action_similarity(action_a: str, action_b: str) -> float:
    return SequenceMatcher(None, action_words(action_a), action_words(action_b), autojunk=False).ratio()


def repeat_candidates(
    *, country: str, kind: str, areas: Iterable[str | None], before_year: int
) -> dict[str | None, list[RepeatCandidate]]:
    """Earlier recommendations of the series, grouped by area: one query per area."""
    grouped: dict[str | None, list[RepeatCandidate]] = {}
    for area in set(areas):
        rows = Recommendation.objects.filter(
            country=country, source__kind=kind, source__report_year__lt=before_year
        ).filter(**({"area": area} if area is not None else {"area__isnull": True}))
        grouped[area] = [
            RepeatCandidate(pk, tuple(action_search.split()), slug, year)
            for pk, action_search, slug, year in rows.values_list(
                "pk", "action_search", "source__slug", "source__report_year"
            ).order_by("-source__report_year", "pk")
        ]
    return grouped


def best_repeat(action: str, candidates: Iterable[RepeatCandidate]) -> RepeatMatch | None:
    """The earlier recommendation of the latest year whose action is similar enough (the most
    similar within that year), so a series links each year to the one before."""
    words: tuple[str, ...] | None = None
    best: RepeatMatch | None = None
    for candidate in candidates:
        words = words or action_words(action)
        matcher = SequenceMatcher(None, words, candidate.words, autojunk=False)
        # The cheap upper bounds rule out most candidates before the full comparison.
        if matcher.real_quick_ratio() < REPEAT_SIMILARITY_THRESHOLD:
            continue
        if matcher.quick_ratio() < REPEAT_SIMILARITY_THRESHOLD:
            continue
        similarity = matcher.ratio()
        if similarity < REPEAT_SIMILARITY_THRESHOLD:
            continue
        if best is None or (candidate.report_year, similarity) > (best.report_year, best.similarity):
            best = RepeatMatch(candidate.recommendation_id, candidate.source_slug, candidate.report_year, similarity)
    return best


def repeat_family(recommendation: Recommendation) -> list[Recommendation]:
    """Every recommendation connected to this one through `repeats`, either way, itself
    excluded, oldest report first. One query per step along the chain (about one per report
    year), not one per recommendation."""
    seen = {recommendation.pk}
    frontier = {recommendation.pk}
    while frontier:
        rows = Recommendation.objects.filter(Q(pk__in=frontier) | Q(repeats_id__in=frontier)).values_list(
            "pk", "repeats_id"
        )
        reached = {pk for row in rows for pk in row if pk is not None}
        frontier = reached - seen
        seen |= reached
    seen.discard(recommendation.pk)
    if not seen:
        return []
    family = Recommendation.objects.select_related("source").in_bulk(seen)
    return sorted(family.values(), key=lambda item: (item.source.report_year, item.pk))
