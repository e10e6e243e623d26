"""Tags suggested for a text, learnt from the tags already stored: nearest neighbours on
TF-IDF features, in pure Python (no dependency, nothing downloaded, deterministic).

The stored recommendations that carry tags are the examples; each is read in English where
its English text exists (an Azerbaijani recommendation through its English translation), as
content words folded and cut to their first letters, plus the pairs of neighbouring words.
A text is compared with every example by cosine similarity; the K most similar vote for
their tags, each vote weighted by its similarity, and a tag whose share of the votes reaches
THRESHOLD is suggested with that share as its score. Measured in BENCHMARKS.md ("Tag
suggestions": SDG micro-F1 0.69 cross-validated within UPR cycle 3, bench/tag_suggestions.py).

The model is the examples as they are: it is rebuilt when the tags change (its `version` is
the number of tag links and the last one's id), kept per process, and the same version gives
the same suggestions.
"""

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recommendations.search import fold

from .models import Tag
from .vocabularies import Vocabulary

K = 9
THRESHOLD = 0.35
STEM = 6
SUGGESTED = (Vocabulary.SDG, Vocabulary.THEME, Vocabulary.GROUP)
_STOP_WORDS = """
    a an and are as at be by for from in into is it its of on or such that the their this to was were which
    with all any other including ensure make take so not continue further efforts measures
"""
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[a-z]+")


def features(text: str) -> list[str]:
    """Content words (folded, cut to STEM letters) and each pair of neighbouring ones."""
    words = [word[:STEM] for word in _WORD.findall(fold(text)) if len(word) > 2 and word not in _STOP]
    return words + [f"{first}_{second}" for first, second in itertools.pairwise(words)]


@dataclass(frozen=True)
class Example:
    text: str
    tags: tuple[tuple[str, str], ...]  # (vocabulary, code)


class Model:
    def __init__(self, examples: Sequence[Example]) -> None:
        documents = [features(example.text) for example in examples]
        frequency = Counter(feature for document in documents for feature in set(document))
        count = len(documents)
        self.idf = {feature: math.log((1 + count) / (1 + seen)) + 1 for feature, seen in frequency.items()}
        self.vectors = [self._vector(document) for document in documents]
        self.tags = [example.tags for example in examples]

    def _vector(self, document: list[str]) -> dict[str, float]:
        weights = {
            feature: (1 + math.log(times)) * self.idf[feature]
            for feature, times in Counter(document).items()
            if feature in self.idf
        }
        norm = math.sqrt(sum(weight * weight for weight in weights.values())) or 1.0
        return {feature: weight / norm for feature, weight in weights.items()}

    def scores(self, text: str) -> dict[tuple[str, str], float]:
        """Each tag's share of the K nearest examples' similarity-weighted votes."""
        query = self._vector(features(text))
        if not query:
            return {}
        similar = sorted(
            (
                (sum(weight * vector.get(feature, 0.0) for feature, weight in query.items()), index)
                for index, vector in enumerate(self.vectors)
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )[:K]
        total = sum(similarity for similarity, _index in similar)
        if total <= 0:
            return {}
        votes: dict[tuple[str, str], float] = {}
        for similarity, index in similar:
            for tag in self.tags[index]:
                votes[tag] = votes.get(tag, 0.0) + similarity / total
        return votes

    def suggest(self, text: str) -> dict[str, list[tuple[str, float]]]:
        """{vocabulary: [(code, score), …]} above THRESHOLD, best first (ties by code)."""
        suggested: dict[str, list[tuple[str, float]]] = {str(vocabulary): [] for vocabulary in SUGGESTED}
        for (vocabulary, code), score in self.scores(text).items():
            if score >= THRESHOLD and vocabulary in suggested:
                suggested[vocabulary].append((code, round(score, 3)))
        for items in suggested.values():
            items.sort(key=lambda item: (-item[1], item[0]))
        return suggested


def examples_stored() -> list[Example]:
    """Every tagged recommendation, in English where its English text exists, in id order."""
    link = Tag.recommendations.through
    tags: dict[int, list[tuple[str, str]]] = {}
    for recommendation_id, vocabulary, code in (
        link.objects.filter(tag__vocabulary__in=[str(vocabulary) for vocabulary in SUGGESTED])
        .order_by("recommendation_id", "tag__vocabulary", "tag__code")
        .values_list("recommendation_id", "tag__vocabulary", "tag__code")
    ):
        tags.setdefault(recommendation_id, []).append((vocabulary, code))
    from recommendations.models import Recommendation

    rows = (
        Recommendation.objects.filter(pk__in=list(tags))
        .order_by("pk")
        .values_list("pk", "action", "action_translations", "source__language")
    )
    return [
        Example(english_text(action, translations, language), tuple(tags[pk]))
        for pk, action, translations, language in rows
    ]


def english_text(action: str, translations: dict, language: str) -> str:
    if language == "en":
        return action
    return (translations or {}).get("en") or action


def model_version() -> tuple[int, int]:
    from django.db.models import Count, Max

    numbers = Tag.recommendations.through.objects.aggregate(count=Count("id"), last=Max("id"))
    return numbers["count"] or 0, numbers["last"] or 0


def version_label(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


_MODELS: dict[tuple[int, int], Model] = {}


def current_model() -> tuple[tuple[int, int], Model]:
    """The model of the stored tags, rebuilt only when they changed since (one query to tell)."""
    version = model_version()
    model = _MODELS.get(version)
    if model is None:
        _MODELS.clear()
        model = _MODELS[version] = Model(examples_stored())
    return version, model


def tag_suggestions(*, text: str, language: str) -> dict:
    """What the tracker would suggest for `text`: SDGs by goal number, themes and groups by
    code and name, each with its score; and the model's version."""
    version, model = current_model()
    suggested = model.suggest(text)
    names = _names([(vocabulary, code) for vocabulary, items in suggested.items() for code, _score in items], language)
    return {
        "sdgs": [{"goal": int(code), "score": score} for code, score in suggested[Vocabulary.SDG]],
        "themes": [
            {"code": code, "name": names.get((Vocabulary.THEME, code), code), "score": score}
            for code, score in suggested[Vocabulary.THEME]
        ],
        "groups": [
            {"code": code, "name": names.get((Vocabulary.GROUP, code), code), "score": score}
            for code, score in suggested[Vocabulary.GROUP]
        ],
        "model_version": version_label(version),
    }


def _names(keys: Iterable[tuple[str, str]], language: str) -> dict[tuple[str, str], str]:
    keys = list(keys)
    if not keys:
        return {}
    tags = Tag.objects.filter(code__in={code for _vocabulary, code in keys})
    return {(tag.vocabulary, tag.code): tag.name(language) for tag in tags if (tag.vocabulary, tag.code) in keys}
