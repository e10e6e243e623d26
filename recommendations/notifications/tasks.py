"""Mail to followers as background jobs: a slow or unreachable mail server delays the mail,
never the progress submission that caused it."""

from django_tasks import task

from .mail import status_change_send


@task()
def status_change_mail(update_id: int) -> int:
    """The mails of one status change; how many were sent (the job's return value)."""
    return status_change_send(update_id=update_id)
