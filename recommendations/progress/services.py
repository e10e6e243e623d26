"""Recording progress: the only way a recommendation's status changes."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.choices import Role
from recommendations.history import services as history
from recommendations.history.services import Actor
from recommendations.models import ChangeRecord, ProgressUpdate, Recommendation
from recommendations.roles import has_role


class StaleVersion(Exception):
    """The client's copy is older than the stored one (a failed If-Match)."""

    def __init__(self, current_etag: str) -> None:
        super().__init__(current_etag)
        self.current_etag = current_etag


def recommendation_lock(recommendation_id: int, expected_version: int | None) -> Recommendation:
    """The recommendation, locked for this transaction; StaleVersion when the client's
    version is not the stored one."""
    # The row lock serialises concurrent writers on PostgreSQL; SQLite serialises all writers.
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation_id)
    if expected_version is not None and recommendation.version != expected_version:
        raise StaleVersion(recommendation.etag)
    return recommendation


def may_record_progress(user: Actor) -> bool:
    """NGO staff and admins report progress; commands and imports act as the system (None)."""
    return user is None or has_role(user, Role.NGO_STAFF)


def progress_record(
    *,
    recommendation_id: int,
    status: str,
    note: str = "",
    occurred_on: datetime.date | None = None,
    user: Actor,
    expected_version: int | None = None,
) -> ProgressUpdate:
    """Log reported progress and move the recommendation to the reported status."""
    if not may_record_progress(user):
        raise PermissionDenied(_("Only NGO staff and administrators may record progress."))
    with transaction.atomic():
        recommendation = recommendation_lock(recommendation_id, expected_version)
        today = timezone.localdate()
        occurred_on = occurred_on or today
        if occurred_on > today:
            raise ValidationError({"occurred_on": _("The date of the progress cannot be in the future.")})
        author, username = history.actor(user)
        update = ProgressUpdate(
            recommendation=recommendation,
            status_before=recommendation.status,
            status_after=status,
            note=note,
            occurred_on=occurred_on,
            author=author,
            author_username=username,
        )
        update.full_clean()
        update.save()

        before = recommendation.snapshot()
        if status != recommendation.status:
            recommendation.status = status
            recommendation.status_changed_at = timezone.now()
        recommendation.version += 1
        recommendation.save(update_fields=["status", "status_changed_at", "version", "updated_at"])
        if before["status"] != status:
            history.change_record_create(
                obj=recommendation,
                action=ChangeRecord.Action.UPDATE,
                user=user,
                before=before,
                after=recommendation.snapshot(),
                message=_("Progress update #%(id)d") % {"id": update.pk},
            )
        return update
