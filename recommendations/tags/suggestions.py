"""Tags suggested for every stored recommendation, and a person's decision on each.

The refresh (a background job, tags/tasks.py; its work in tags/refresh.py) runs the model of the stored tags
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
from .suggest import current_model, version_label
from .tasks import tag_suggestions_refresh


def suggestions_refresh_soon() -> None:
    """Queue a refresh of the stored tags' model once the current transaction commits."""
    transaction.on_commit(lambda: tag_suggestions_refresh.enqueue(version_label(current_model()[0]), 0))


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
