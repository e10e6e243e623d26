"""Recognising a recommendation that an earlier report of the same series already made.

Reports repeat recommendations year after year with small changes of wording ("Ensure
that" → "Ensure", a clause added, a typo fixed). Two actions are taken for the same
recommendation when the words of their folded texts (`search.words`: no case, no
diacritics, no punctuation) have a difflib ratio of at least REPEAT_SIMILARITY_THRESHOLD. Comparing words
rather than characters measures rewording directly and is far cheaper (difflib is
quadratic in the worst case, and an action has ~30 words but ~250 characters). Candidates are only the earlier
recommendations of the same country, report kind and area, so the comparison stays a few
dozen strings per action however large the database grows.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from recommendations.models import Recommendation
from recommendations.search import words

from .matching import KINDS_WITH_YEARS, EarlierRow, NewRow, match_rows, text_stems
from .repeat_rule import repeat_refusal

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
    return tuple(words(text))


def action_similarity(action_a: str, action_b: str) -> float:
    return SequenceMatcher(None, action_words(action_a), action_words(action_b), autojunk=False).ratio()


def repeat_candidates(
    *, country: str, kind: str, areas: Iterable[str | None], before_year: int, language: str | None = None
) -> dict[str | None, list[RepeatCandidate]]:
    """Earlier recommendations of the series, grouped by area: one query per area. Each is
    compared in `language` when it is there in it (its original or a translation), so an
    English report links to the English text of a report first imported in Azerbaijani."""
    grouped: dict[str | None, list[RepeatCandidate]] = {}
    for area in set(areas):
        rows = Recommendation.objects.filter(
            country=country, source__kind=kind, source__report_year__lt=before_year
        ).filter(**({"area": area} if area is not None else {"area__isnull": True}))
        grouped[area] = [
            RepeatCandidate(
                pk, _candidate_words(action_search, action, translations, source_language, language), slug, year
            )
            for pk, action_search, action, translations, source_language, slug, year in rows.values_list(
                "pk",
                "action_search",
                "action",
                "action_translations",
                "source__language",
                "source__slug",
                "source__report_year",
            ).order_by("-source__report_year", "pk")
        ]
    return grouped


def _candidate_words(
    action_search: str, action: str, translations: dict, source_language: str, language: str | None
) -> tuple[str, ...]:
    if not translations:
        return tuple(action_search.split())  # folded when stored: the common, cheap case
    if language in translations and language != source_language:
        return action_words(translations[language])
    return action_words(action)  # `action_search` also holds the translations


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


def _oldest_first(items) -> list[Recommendation]:
    return sorted(items, key=lambda item: (item.source.report_year, item.year_start, item.pk))


def _ancestors(first_id: int | None, seen: set[int], limit: int) -> list[Recommendation]:
    """`first_id` and what it repeats, back to the oldest: one query per step."""
    found = []
    while first_id and first_id not in seen and len(found) < limit:
        item = Recommendation.objects.select_related("source").get(pk=first_id)
        found.append(item)
        seen.add(item.pk)
        first_id = item.repeats_id
    return found


def repeat_lineage(recommendation: Recommendation, *, limit: int = 50) -> list[Recommendation]:
    """The same recommendation in other report years: what it repeats, followed back to the
    oldest, and everything that repeats it, followed forward to the newest; itself excluded,
    oldest report first.

    A branch is not the same recommendation: when two recommendations of one report both
    repeat an earlier one (the earlier one was split in two), each has its own lineage
    through the common ancestor, and neither lists the other. So with B and D (2014) both
    repeating A (2013) and C (2015) repeating B, B's lineage is [A, C], D's is [A], and A's
    is [B, D, C].

    One query per step along the chain (about one per report year); `limit` bounds a
    corrupt cycle. The API's `also_suggested_in`, the recommendation page and the import
    preview (`repeat_ancestry`) all use this walk.
    """
    seen = {recommendation.pk}
    lineage = _ancestors(recommendation.repeats_id, seen, limit)
    frontier = [recommendation.pk]
    while frontier and len(lineage) < limit:
        later = list(
            Recommendation.objects.select_related("source").filter(repeats_id__in=frontier).exclude(pk__in=seen)
        )
        lineage.extend(later)
        seen.update(item.pk for item in later)
        frontier = [item.pk for item in later]
    # A withdrawn one (withdrawal/) is walked through, so the chain holds, but not listed: the
    # page and the API's `also_suggested_in` would name it to the public.
    return _oldest_first([item for item in lineage if not item.is_withdrawn])


def repeat_ancestry(recommendation_id: int, *, limit: int = 50) -> list[Recommendation]:
    """The lineage a new recommendation that repeats `recommendation_id` joins: that one and
    what it repeats, back to the oldest (a new recommendation has nothing repeating it yet,
    and the other recommendations repeating `recommendation_id` are branches)."""
    return _oldest_first(_ancestors(recommendation_id, set(), limit))


def earlier_report_years(recommendation_ids: Iterable[int], *, limit: int = 50) -> dict[int, list[int]]:
    """For each recommendation, the report years of what it repeats, followed back to the
    oldest, oldest first: the ancestors `repeat_lineage` walks, for many recommendations at
    once — one query per step back (about one per report year), not per recommendation."""
    pending = {pk: pk for pk in recommendation_ids}  # recommendation → the one to step back from
    parents = dict(Recommendation.objects.filter(pk__in=list(pending)).values_list("pk", "repeats_id"))
    years: dict[int, list[int]] = {pk: [] for pk in pending}
    current: dict[int, int | None] = {pk: parents.get(pk) for pk in pending}
    seen: dict[int, set[int]] = {pk: {pk} for pk in pending}
    for _step in range(limit):
        wanted = {parent for parent in current.values() if parent}
        if not wanted:
            break
        found = {
            pk: (repeats_id, year)
            for pk, repeats_id, year in Recommendation.objects.filter(pk__in=wanted).values_list(
                "pk", "repeats_id", "source__report_year"
            )
        }
        following: dict[int, int | None] = {}
        for pk, parent in current.items():
            if not parent or parent in seen[pk] or parent not in found:
                continue
            seen[pk].add(parent)
            grandparent, year = found[parent]
            years[pk].append(year)
            following[pk] = grandparent
        current = following
    return {pk: sorted(found_years) for pk, found_years in years.items()}


def bad_repeat_links() -> Iterator[tuple[Recommendation, str]]:
    """Every stored `repeats` link the rule refuses (`repeat_rule.py`), with the reason: links
    made before the rule was enforced. One query, read in chunks."""
    linked = (
        Recommendation.objects.filter(repeats__isnull=False).select_related("source", "repeats__source").order_by("pk")
    )
    for recommendation in linked.iterator(chunk_size=2000):
        refusal = repeat_refusal(recommendation, recommendation.repeats)
        if refusal:
            yield recommendation, refusal


@dataclass(frozen=True)
class LaterRepeat:
    """A recommendation of a later report, not linked to anything yet, that repeats one of the
    records being imported for an earlier year (imported after it, so linked now)."""

    recommendation_id: int
    source_slug: str
    report_year: int
    similarity: float


def later_repeats(
    *, country: str, kind: str, report_year: int, language: str, records: Iterable[tuple[int, str | None, int, str]]
) -> dict[int, list[LaterRepeat]]:
    """For the records (position, area, first year, action) of a report of `report_year`
    imported after the next year's chapter of the series: that chapter's rows linked to nothing
    yet that repeat them — decided as that chapter's import would have decided with this one
    before it (`matching.match_rows`: its years, its words, one to one, only when clear). A
    link set before is never replaced; chapters further on keep their nearer earlier one."""
    later = (
        Recommendation.objects.filter(source__country=country, source__kind=kind, source__report_year__gt=report_year)
        .order_by("source__report_year")
        .values_list("source__report_year", flat=True)
        .first()
    )
    if later is None:
        return {}
    # Each record as a row of the earlier chapter: its position stands for its id (negative,
    # so it never meets a stored recommendation's).
    earlier = [
        EarlierRow(-position, "", report_year, position, area, year_start, action, {language: text_stems(action)})
        for position, area, year_start, action in records
    ]
    rows, slugs = [], {}
    for pk, slug, source_language, area, year_start, action, translations in Recommendation.objects.filter(
        source__country=country, source__kind=kind, source__report_year=later, repeats__isnull=True
    ).values_list("pk", "source__slug", "source__language", "area", "year_start", "action", "action_translations"):
        rows.append(NewRow(pk, area, year_start, {**(translations or {}), source_language: action}))
        slugs[pk] = slug
    verdicts = match_rows(rows, earlier, earlier_year=report_year, with_years=kind in KINDS_WITH_YEARS)
    found: dict[int, list[LaterRepeat]] = {}
    for pk, verdict in verdicts.items():
        if verdict.link is not None:
            position = -verdict.link.row.recommendation_id
            found.setdefault(position, []).append(LaterRepeat(pk, slugs[pk], later, verdict.link.score))
    return found
