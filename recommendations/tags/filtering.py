"""What the list filters `theme`, `group`, `sdg`, `recommending_state` and `position` need
from the tags: the values each takes, the queryset condition and the same as SQL for the list
statement (listing/query.py). Several values: recommendations with any of them, as `area`."""

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from .models import Tag
from .vocabularies import POSITIONS, SDGS, Vocabulary, term_code

# Filter name → vocabulary: the filter names are the vocabularies' codes.
TAG_FILTERS: dict[str, Vocabulary] = {vocabulary.value: vocabulary for vocabulary in Vocabulary}
TAG_LINK = Tag.recommendations.through._meta.db_table
TAG_TABLE = Tag._meta.db_table
TERMS_LISTED = 100

SDG_CODES = [str(goal) for goal, _english, _azerbaijani in SDGS]
POSITION_CODES = [code for code, _english, _azerbaijani in POSITIONS]


def tag_condition(vocabulary: str, codes: Sequence[str]) -> Q:
    """Recommendations tagged with any of `codes` of `vocabulary` (a subquery: no duplicates)."""
    tagged = Tag.recommendations.through.objects.filter(tag__vocabulary=vocabulary, tag__code__in=list(codes))
    return Q(pk__in=tagged.values("recommendation_id"))


def tag_filter_queryset(queryset: QuerySet, name: str, codes: list[str]) -> QuerySet:
    return queryset.filter(tag_condition(TAG_FILTERS[name], codes)) if codes else queryset


def tag_sql(vocabulary: str) -> Callable[[list[str], Any], tuple[str, list[Any]]]:
    def condition(codes: list[str], connection) -> tuple[str, list[Any]]:
        marks = ", ".join(["%s"] * len(codes))
        # Table names from the models; the values are parameters.
        tagged = f"SELECT l.recommendation_id FROM {TAG_LINK} l JOIN {TAG_TABLE} t ON t.id = l.tag_id "  # noqa: S608
        return f"r.id IN ({tagged}WHERE t.vocabulary = %s AND t.code IN ({marks}))", [vocabulary, *codes]

    return condition


def existing_codes(vocabulary: str) -> Callable[[list[str]], set[str]]:
    """Of the codes asked for, those the vocabulary holds (one query for those alone)."""
    return lambda codes: set(Tag.objects.filter(vocabulary=vocabulary, code__in=codes).values_list("code", flat=True))


def codes_listed(vocabulary: str) -> Callable[[], str]:
    """The codes an error names as the filter's values (the first hundred)."""

    def listed() -> str:
        codes = list(
            Tag.objects.filter(vocabulary=vocabulary)
            .order_by("code")
            .values_list("code", flat=True)[: TERMS_LISTED + 1]
        )
        return ", ".join(codes[:TERMS_LISTED]) + (", …" if len(codes) > TERMS_LISTED else "")

    return listed


def term_choices(vocabulary: str) -> Callable[[], list[tuple[str, str]]]:
    return lambda: list(Tag.objects.filter(vocabulary=vocabulary).order_by("name_en").values_list("code", "name_en"))


def normalize_term(value: str) -> str:
    """A theme or group by its code or its name: "Right to health" is "right-to-health"."""
    return term_code(value)
