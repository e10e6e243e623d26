"""Tags suggested for every stored recommendation, and a person's decision on each.

The refresh (a background job, tags/tasks.py) runs the model of the stored tags
(tags/suggest.py) over the recommendations in id order, a batch per job, and keeps what it
suggests as TagSuggestion rows: new ones added, open ones given the new score, open ones the
model no longer suggests removed. A decided suggestion is never touched again, so a rejected
tag is not suggested twice. Whenever the stored tags change (an import, an accepted
suggestion) a refresh of the new model version is queued; a job whose version is no longer
the stored tags' stops, the newer one does the work.

Accepting adds the tag through the recommendation (a new version, so its ETag changes) and
writes one history row on the suggestion, shown in the recommendation's history, with the
score and model version it was suggested with; rejecting writes the same row."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.history.services import Actor, actor, change_record_create
from recommendations.models import ChangeRecord, Recommendation

from .models import Tag, TagSuggestion
from .suggest import SUGGESTED, current_model, english_text, version_label

# Recommendations read per job: a few seconds of work, so a worker is never held for long.
REFRESH_BATCH = 500


def suggestions_refresh_soon() -> None:
    """Queue a refresh of the stored tags' model once the current transaction commits."""
    from .tasks import tag_suggestions_refresh

    transaction.on_commit(lambda: tag_suggestions_refresh.enqueue(version_label(current_model()[0]), 0))


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


def tag_suggestion_decide(*, recommendation_id: int, suggestion_id: int, accept: bool, user: Actor) -> TagSuggestion:
    """Accept (the tag is added) or reject an open suggestion; a decided one is a
    ValidationError naming `state` (the views answer 409)."""
    with transaction.atomic():
        suggestion = (
            TagSuggestion.objects.select_for_update()
            .select_related("tag", "recommendation")
            .get(pk=suggestion_id, recommendation_id=recommendation_id)
        )
        if suggestion.state != TagSuggestion.State.SUGGESTED:
            raise ValidationError(
                {
                    "state": _("This suggestion was already %(state)s.")
                    % {"state": suggestion.get_state_display().lower()}
                }
            )
        suggestion.state = TagSuggestion.State.ACCEPTED if accept else TagSuggestion.State.REJECTED
        suggestion.decided_by = actor(user)[0]  # type: ignore[assignment]  # the project's user model
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["state", "decided_by", "decided_at"])
        recommendation = suggestion.recommendation
        if accept:
            Tag.recommendations.through.objects.get_or_create(
                tag_id=suggestion.tag_id, recommendation_id=recommendation.pk
            )
            # Its tags are in the detail: a new version, so an ETag of the old one is stale.
            Recommendation.objects.filter(pk=recommendation.pk).update(
                version=F("version") + 1, updated_at=timezone.now()
            )
        change_record_create(
            obj=suggestion,
            action=ChangeRecord.Action.UPDATE,
            user=user,
            before={"state": TagSuggestion.State.SUGGESTED},
            after={"state": suggestion.state},
            message=(_("%(tag)s, suggested with score %(score).2f (model %(version)s)"))
            % {"tag": suggestion.tag, "score": suggestion.score, "version": suggestion.model_version},
            related=recommendation,
        )
        if accept:
            suggestions_refresh_soon()
    return suggestion
