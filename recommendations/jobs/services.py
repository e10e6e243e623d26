"""Starting import jobs and taking back those whose worker died."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from recommendations.history.services import actor

from .models import ImportJob
from .tasks import import_job

logger = logging.getLogger(__name__)
# A job of another kind (mail) still "running" after this long was its dead worker's: none
# takes more than a few of the mail server's timeouts.
OTHER_TASKS_STALE = timedelta(minutes=15)


def _enqueue(job: ImportJob) -> None:
    """Queue the job's task in the caller's transaction: the job and its task commit together."""
    result = import_job.enqueue(job.pk)
    job.task_id = str(result.id)


def import_job_start(
    *,
    operation: str,
    user,
    language: str,
    file_name: str,
    file_size: int,
    sha256: str,
    metadata: dict,
    preview: ImportJob | None = None,
) -> ImportJob:
    """A new job, queued for the worker; the document must already be staged under `sha256`."""
    author, username = actor(user)
    with transaction.atomic():
        job = ImportJob(
            operation=operation,
            created_by_id=author.pk if author is not None else None,
            created_by_username=username,
            language=language,
            file_name=file_name[:255],
            file_size=file_size,
            sha256=sha256,
            metadata=metadata,
            preview=preview,
        )
        job.full_clean(exclude=["task_id"])
        job.save()
        _enqueue(job)
        job.save(update_fields=["task_id"])
    return job


def jobs_recover_stale() -> int:
    """Jobs 'running' whose heartbeat stopped more than JOBS_STALE_SECONDS ago: their worker is
    gone, and with it the transaction of any write it had begun. Each is queued again while it
    has had fewer than JOBS_MAX_ATTEMPTS runs, else failed with the reason; how many were found."""
    now = timezone.now()
    limit = now - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    found = 0
    for job_id in ImportJob.objects.filter(state=ImportJob.State.RUNNING, heartbeat_at__lt=limit).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update()
                .filter(pk=job_id, state=ImportJob.State.RUNNING, heartbeat_at__lt=limit)
                .first()
            )
            if job is None:
                continue
            found += 1
            with translation.override(job.language):
                reason = gettext(
                    "The worker stopped during run %(run)d of this job (its last heartbeat was at %(time)s); "
                    "nothing of that run was written."
                ) % {"run": job.attempts, "time": date_format(timezone.localtime(job.heartbeat_at), "DATETIME_FORMAT")}
            _task_failed(job.task_id, reason, now)
            if job.attempts < settings.JOBS_MAX_ATTEMPTS:
                job.state, job.note = ImportJob.State.QUEUED, reason
                _enqueue(job)
                logger.warning("Import job %s: its worker stopped; queued again", job.pk)
            else:
                job.state, job.finished_at, job.errors = ImportJob.State.FAILED, now, {"": [reason]}
                logger.warning("Import job %s: its worker stopped; failed after %d runs", job.pk, job.attempts)
            job.save(update_fields=["state", "note", "task_id", "finished_at", "errors"])
    for task_id in (
        DBTaskResult.objects.running().filter(started_at__lt=now - OTHER_TASKS_STALE).values_list("id", flat=True)
    ):
        if not ImportJob.objects.filter(task_id=str(task_id)).exists():
            _task_failed(str(task_id), "The worker stopped while this task ran.", now)
    return found


def _task_failed(task_id: str, reason: str, now) -> None:
    """The library's own record of a task whose worker died says so (it would stay 'running')."""
    DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
        status="FAILED", finished_at=now, exception_class_path="recommendations.jobs.WorkerStopped", traceback=reason
    )
