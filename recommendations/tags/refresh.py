"""The background work behind the suggested tags: the current model's suggestions for each
batch of recommendations, kept in TagSuggestion (queued by tags/tasks.py)."""

from django.db import transaction
from django.utils import timezone

from recommendations.models import Recommendation

from .models import Tag, TagSuggestion
from .suggest import SUGGESTED, current_model, english_text, version_label

# Recommendations read per job: a few seconds of work, so a worker is never held for long.
REFRESH_BATCH = 500


def suggestions_refresh(*, version: str, after_id: int = 0, batch: int = REFRESH_BATCH) -> int | None:
    """Suggest for the next `batch` recommendations after `after_id`; the last id done when
    more remain, else None. Nothing is done for a model version that is no longer current."""
    current, model = current_model()
    if version_label(current) != version:
        return None
    rows = list(
        Recommendation.objects.filter(pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", "action", "action_translations", "source__language")[:batch]
    )
    if not rows:
        return None
    ids = [pk for pk, *_rest in rows]
    link = Tag.recommendations.through
    held: set[tuple[int, int]] = set(
        link.objects.filter(recommendation_id__in=ids).values_list("recommendation_id", "tag_id")
    )
    tag_ids = {
        (vocabulary, code): pk
        for pk, vocabulary, code in Tag.objects.filter(vocabulary__in=[str(name) for name in SUGGESTED]).values_list(
            "pk", "vocabulary", "code"
        )
    }
    stored = {
        (suggestion.recommendation_id, suggestion.tag_id): suggestion
        for suggestion in TagSuggestion.objects.filter(recommendation_id__in=ids)
    }
    now = timezone.now()
    wanted: dict[tuple[int, int], float] = {}
    for pk, action, translations, language in rows:
        for vocabulary, items in model.suggest(english_text(action, translations, language)).items():
            for code, score in items:
                tag_id = tag_ids.get((vocabulary, code))
                if tag_id is not None and (pk, tag_id) not in held:
                    wanted[(pk, tag_id)] = score
    with transaction.atomic():
        TagSuggestion.objects.bulk_create(
            [
                TagSuggestion(recommendation_id=pk, tag_id=tag_id, score=score, model_version=version, suggested_at=now)
                for (pk, tag_id), score in wanted.items()
                if (pk, tag_id) not in stored
            ]
        )
        changed = []
        for key, suggestion in stored.items():
            if suggestion.state != TagSuggestion.State.SUGGESTED or key not in wanted:
                continue
            if (suggestion.score, suggestion.model_version) != (wanted[key], version):
                suggestion.score, suggestion.model_version = wanted[key], version
                changed.append(suggestion)
        TagSuggestion.objects.bulk_update(changed, ["score", "model_version"])
        TagSuggestion.objects.filter(
            pk__in=[
                suggestion.pk
                for key, suggestion in stored.items()
                if suggestion.state == TagSuggestion.State.SUGGESTED and key not in wanted
            ]
        ).delete()
    return ids[-1] if len(rows) == batch else None
