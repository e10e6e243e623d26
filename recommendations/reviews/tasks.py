"""The reviewers' mail as a background job: a slow mail server never slows a proposal."""

from django_tasks import task

from .mail import review_waiting_send


@task()
def review_waiting_mail(update_id: int) -> int:
    """Tell the reviewers a proposed entry waits; how many mails were sent."""
    return review_waiting_send(update_id=update_id)
