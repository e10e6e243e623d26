"""The reviewers' mail as a background job: a slow mail server never slows a proposal."""

from django_tasks import task

from .mail import review_decision_send, review_waiting_send


@task()
def review_waiting_mail(update_id: int) -> int:
    """Tell the reviewers a proposed entry waits; how many mails were sent."""
    return review_waiting_send(update_id=update_id)


@task()
def review_decision_mail(update_id: int) -> int:
    """Tell a proposal's author how it was decided; how many mails were sent (0 or 1)."""
    return review_decision_send(update_id=update_id)
