"""The refresh of the suggested tags as a task of Django's tasks framework (tags/refresh.py)."""

from django_tasks import task

from .refresh import suggestions_refresh


@task()
def tag_suggestions_refresh(version: str, after_id: int) -> int:
    """One batch; the next one queued while recommendations remain. Returns the last id done."""
    last = suggestions_refresh(version=version, after_id=after_id)
    if last is not None:
        tag_suggestions_refresh.enqueue(version, last)
    return last or 0
