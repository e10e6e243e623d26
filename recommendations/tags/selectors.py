"""Reading recommendations' tags: one query for any number of recommendations."""

from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlencode

from .models import Tag
from .vocabularies import Vocabulary

# API fields of each vocabulary, declared once (serializers, list, exports read it).
FIELD_OF_VOCABULARY = {
    Vocabulary.THEME: "themes",
    Vocabulary.GROUP: "groups",
    Vocabulary.SDG: "sdgs",
    Vocabulary.STATE: "recommending_states",
    Vocabulary.POSITION: "upr_position",
}


def tags_by_recommendation(recommendation_ids: Iterable[int]) -> dict[int, list[Tag]]:
    """Each recommendation's tags (in no order: `tag_fields` orders them)."""
    link = Tag.recommendations.through
    tagged: dict[int, list[Tag]] = defaultdict(list)
    rows = link.objects.filter(recommendation_id__any_of=list(recommendation_ids)).select_related("tag")
    for row in rows:
        tagged[row.recommendation_id].append(row.tag)
    return tagged


_ORDER: dict[str, int] = {str(vocabulary): index for index, vocabulary in enumerate(FIELD_OF_VOCABULARY)}


def _in_order(tags: list[Tag]) -> list[Tag]:
    """Vocabulary by vocabulary; SDGs by goal number, the others by English name."""
    return sorted(
        tags,
        key=lambda tag: (
            _ORDER.get(tag.vocabulary, len(_ORDER)),
            int(tag.code) if tag.vocabulary == Vocabulary.SDG else 0,
            tag.name_en.casefold(),
        ),
    )


def tag_codes_by_recommendation(recommendation_ids: Iterable[int]) -> dict[int, dict[str, list[str]]]:
    """{recommendation: {vocabulary: sorted codes}}, as `services.tag_codes` gives a parse's."""
    codes: dict[int, dict[str, list[str]]] = {}
    for recommendation_id, tags in tags_by_recommendation(recommendation_ids).items():
        mine = codes[recommendation_id] = {}
        for tag in tags:
            mine.setdefault(tag.vocabulary, []).append(tag.code)
        for values in mine.values():
            values.sort()
    return codes


def tag_fields(tags: list[Tag], language: str) -> dict:
    """A recommendation's tags as its API fields: SDGs by goal number, the position by code,
    States by country code, themes and groups by code with their names."""
    fields: dict = {name: [] for name in FIELD_OF_VOCABULARY.values()}
    fields["upr_position"] = None
    for tag in _in_order(tags):
        name = FIELD_OF_VOCABULARY[Vocabulary(tag.vocabulary)]
        if tag.vocabulary == Vocabulary.SDG:
            fields[name].append(int(tag.code))
        elif tag.vocabulary == Vocabulary.POSITION:
            fields[name] = tag.code
        else:
            fields[name].append({"code": tag.code, "name": tag.name(language)})
    return fields


def tag_fields_fill(rows: list[dict], language: str, *, tagged: Iterable[int] | None = None) -> None:
    """Set each row's tag fields (rows keyed by column name, with "id") from one query;
    `tagged`: the ids known to have tags (none: no query at all), else every row's."""
    ids = [row["id"] for row in rows] if tagged is None else list(tagged)
    tags = tags_by_recommendation(ids) if ids else {}
    # Most rows have no tags: they share one set of empty fields (rows are read, not changed,
    # once filled), built once rather than per row.
    untagged = tag_fields([], language)
    for row in rows:
        mine = tags.get(row["id"])
        row.update(tag_fields(mine, language) if mine else untagged)


def tag_links(tags: list[Tag], language: str) -> list[dict]:
    """A recommendation's tags as the page shows them: by vocabulary, each term with the
    query of the list filtered by it (the filter's name is the vocabulary's code)."""
    groups: dict[str, dict] = {}
    for tag in _in_order(tags):
        vocabulary = Vocabulary(tag.vocabulary)
        group = groups.setdefault(vocabulary, {"label": vocabulary.label, "terms": []})
        name = f"{tag.code}. {tag.name(language)}" if vocabulary == Vocabulary.SDG else tag.name(language)
        group["terms"].append({"name": name, "query": urlencode({vocabulary.value: tag.code})})
    return list(groups.values())
