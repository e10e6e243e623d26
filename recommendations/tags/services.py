"""The one door that sets recommendations' tags from a report: imports call it, so every tag
is named from its declared vocabulary the same way (an accepted suggestion adds a tag that
exists already: tags/suggestions.py)."""

from collections.abc import Mapping

from django.db import transaction
from django.utils import translation
from django_countries import countries

from .models import Tag
from .suggestions import suggestions_refresh_soon
from .vocabularies import POSITIONS, SDG_NAMES, Vocabulary, term_code

# {vocabulary: terms as the report reads them}: theme and group names as printed, SDG goal
# numbers, State codes, position codes (ParsedRecommendation.tags).
TagTerms = Mapping[str, tuple[str, ...]]
_POSITION_NAMES = {code: (english, azerbaijani) for code, english, azerbaijani in POSITIONS}


def tag_key(vocabulary: str, term: str) -> tuple[str, str]:
    """(vocabulary, code) of a term as a report reads it."""
    if vocabulary in (Vocabulary.THEME, Vocabulary.GROUP):
        return vocabulary, term_code(term)
    return vocabulary, term


def tag_codes(terms: TagTerms) -> dict[str, list[str]]:
    """{vocabulary: sorted codes}: what a recommendation's tags are compared by."""
    return {
        vocabulary: sorted({tag_key(vocabulary, term)[1] for term in values})
        for vocabulary, values in terms.items()
        if values
    }


def _names(vocabulary: str, code: str, term: str) -> tuple[str, str]:
    if vocabulary == Vocabulary.SDG:
        english, azerbaijani = SDG_NAMES[int(code)]
        return english, azerbaijani
    if vocabulary == Vocabulary.POSITION:
        return _POSITION_NAMES[code]
    if vocabulary == Vocabulary.STATE:
        with translation.override("en"):
            english = str(countries.name(code))
        with translation.override("az"):
            azerbaijani = str(countries.name(code))
        return english, azerbaijani if azerbaijani != english else ""
    return term, ""


def tags_replace(*, terms_by_recommendation: Mapping[int, TagTerms]) -> None:
    """Give each recommendation exactly these tags (its others removed), creating the terms
    a vocabulary does not hold yet; a few queries for a whole import."""
    wanted: dict[tuple[str, str], str] = {}
    for terms in terms_by_recommendation.values():
        for vocabulary, values in terms.items():
            for term in values:
                wanted.setdefault(tag_key(vocabulary, term), term)
    with transaction.atomic():
        Tag.objects.bulk_create(
            [
                Tag(vocabulary=vocabulary, code=code, name_en=names[0], name_az=names[1])
                for (vocabulary, code), term in wanted.items()
                for names in [_names(vocabulary, code, term)]
            ],
            ignore_conflicts=True,
        )
        if wanted:
            # The model learns from the stored tags: what it suggests elsewhere may change.
            suggestions_refresh_soon()
        ids = {
            (tag.vocabulary, tag.code): tag.pk
            for tag in Tag.objects.filter(code__in={code for _vocabulary, code in wanted}).only("vocabulary", "code")
            if (tag.vocabulary, tag.code) in wanted
        }
        link = Tag.recommendations.through
        link.objects.filter(recommendation_id__in=list(terms_by_recommendation)).delete()
        link.objects.bulk_create(
            [
                link(tag_id=ids[tag_key(vocabulary, term)], recommendation_id=recommendation_id)
                for recommendation_id, terms in terms_by_recommendation.items()
                for vocabulary, values in terms.items()
                for term in dict.fromkeys(values)
            ],
            ignore_conflicts=True,
        )
        if wanted:
            # The model learns from the stored tags: what it suggests elsewhere may change.
            suggestions_refresh_soon()
