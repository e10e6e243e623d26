"""Deciding on a proposed progress entry: approve, return with a comment, or reject."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommendations.choices import ReviewState
from recommendations.history import services as history
from recommendations.history.services import Actor
from recommendations.models import ChangeRecord, Measure, ProgressUpdate, Recommendation
from recommendations.progress import timeline
from recommendations.progress.services import measure_lock, recommendation_lock, subject_status_refresh

from .permissions import may_review
from .tasks import review_decision_mail


class Decision(TextChoices):
    APPROVE = "approve", gettext_lazy("Approve")
    RETURN = "return", gettext_lazy("Return with a comment")
    REJECT = "reject", gettext_lazy("Reject")


STATE_AFTER = {
    Decision.APPROVE: ReviewState.PUBLISHED,
    Decision.RETURN: ReviewState.RETURNED,
    Decision.REJECT: ReviewState.REJECTED,
}


def progress_review(*, update_id: int, decision: str, comment: str = "", user: Actor) -> ProgressUpdate:
    """Decide on a proposed entry. Approval publishes it as it was proposed (its date and the
    time it was recorded unchanged) and sets its subject's status by the timeline rule; a
    return needs a comment for its author. Refused: a non-reviewer, the entry's own author
    (PermissionDenied), an entry not waiting (ValidationError naming `decision`)."""
    if not may_review(user):
        raise PermissionDenied(_("Only reviewers may review proposed progress."))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose approve, return or reject.")})
    comment = comment.strip()
    if decision == Decision.RETURN and not comment:
        raise ValidationError({"comment": _("Say what to change: the comment goes back to its author.")})
    with transaction.atomic():
        found = ProgressUpdate.objects.filter(pk=update_id).values_list("recommendation_id", "measure_id").first()
        if found is None:
            raise ProgressUpdate.DoesNotExist
        recommendation_id, measure_id = found
        # The subject first, then the entry: the lock order of every progress write.
        subject: Recommendation | Measure = (
            recommendation_lock(recommendation_id, None) if recommendation_id else measure_lock(measure_id, None)
        )
        update = ProgressUpdate.objects.get(pk=update_id)
        assert user is not None
        if update.author_id == user.pk:
            raise PermissionDenied(_("You cannot review your own proposal: another reviewer must."))
        if update.review_state != ReviewState.PROPOSED:
            raise ValidationError(
                {"decision": _("This entry is no longer waiting for review (%(state)s).") % {"state": _state(update)}}
            )
        state = STATE_AFTER[Decision(decision)]
        # The one change the log allows (the guard of migration 0023): the state, from proposed.
        ProgressUpdate._base_manager.filter(pk=update.pk, review_state=ReviewState.PROPOSED).update(review_state=state)
        update.review_state = state
        history.change_record_create(
            obj=update,
            related=subject,
            action=ChangeRecord.Action.UPDATE,
            user=user,
            before={"review_state": ReviewState.PROPOSED.value},
            after={"review_state": state.value},
            message=comment,
        )
        review_decision_mail.enqueue(update.pk)  # queued with the decision: sent if it commits
        if state == ReviewState.PUBLISHED:
            column = {"recommendation_id": subject.pk} if recommendation_id else {"measure_id": subject.pk}
            before = timeline.befores(timeline.entries_of(**column)).get(update.pk, update.status_before)
            subject_status_refresh(
                subject=subject,
                update=update,
                user=user,
                status_before=before,
                message=_("Progress update #%(id)d by %(author)s approved")
                % {"id": update.pk, "author": update.author_username},
            )
        return update


def _state(update: ProgressUpdate) -> str:
    return str(dict(ReviewState.choices)[update.review_state])
