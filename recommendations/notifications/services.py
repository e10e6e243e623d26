"""Announcing a change to the people who follow it."""

from recommendations.models import ProgressUpdate

from .tasks import status_change_mail


def status_change_announce(*, update: ProgressUpdate) -> None:
    """Queue the followers' mail in the change's own transaction: it is sent (by the worker)
    only if the change commits, and a change that commits always has its mail queued."""
    status_change_mail.enqueue(update.pk)
