"""Running one import job in the worker: claim it, read and plan (and, for an import, write)
the document through the importer's own service, record progress, heartbeat and outcome.

The import of a document is the service's one transaction: a worker killed mid-job leaves
nothing half-written, and the watch (watch.py) finds the job by its stopped heartbeat."""

import logging
import threading
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from recommendations.importing import services as importing
from recommendations.importing.extract import is_pdf, pages_reported_to
from recommendations.importing.preview import preview_render, report_summary
from recommendations.importing.staging import STAGING

from .models import ImportJob

logger = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 1.0
METADATA = ("kind", "country", "report_year", "language", "title", "slug")


class Heartbeat:
    """Writes the job's heartbeat every JOBS_HEARTBEAT_SECONDS from a thread (and a database
    connection) of its own while the job runs, whatever the job itself is waiting on."""

    def __init__(self, job_id: int, attempt: int) -> None:
        self.job_id, self.attempt = job_id, attempt
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
                try:
                    _this_run(self.job_id, self.attempt).update(heartbeat_at=timezone.now())
                except DatabaseError:  # e.g. SQLite busy past its timeout: the next beat may pass
                    logger.warning("Job %s: the heartbeat could not be written", self.job_id, exc_info=True)
        finally:
            connection.close()


def _this_run(job_id: int, attempt: int):
    """The job while this run of it is the one running (not taken back by the watch)."""
    return ImportJob.objects.filter(pk=job_id, state=ImportJob.State.RUNNING, attempts=attempt)


def _claim(job_id: int, task_id: str) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != ImportJob.State.QUEUED or job.task_id != task_id:
            return None  # finished, or queued again under another task by the watch
        now = timezone.now()
        job.state, job.started_at, job.heartbeat_at = ImportJob.State.RUNNING, now, now
        job.attempts += 1
        job.save(update_fields=["state", "started_at", "heartbeat_at", "attempts"])
        return job


def _errors_of(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {("" if field == "__all__" else field): messages for field, messages in error.message_dict.items()}
    return {"document": error.messages}


def import_job_run(*, job_id: int, task_id: str) -> str:
    """Run the job if `task_id` is still its task; what became of it, for the task's record."""
    job = _claim(job_id, task_id)
    if job is None:
        return "skipped"
    with Heartbeat(job.pk, job.attempts), translation.override(job.language):
        try:
            fields = _run(job)
        except ValidationError as exc:
            fields = {"state": ImportJob.State.FAILED, "errors": _errors_of(exc)}
            _unstage_refused(job)
        except Exception as exc:
            reason = gettext("The job stopped on an unexpected error: %(error)s") % {"error": repr(exc)}
            _this_run(job.pk, job.attempts).update(
                state=ImportJob.State.FAILED, finished_at=timezone.now(), errors={"": [reason]}
            )
            raise
    _this_run(job.pk, job.attempts).update(finished_at=timezone.now(), **fields)
    return str(fields["state"])


def _unstage_refused(job: ImportJob) -> None:
    """A refused document is not kept waiting for a confirm that cannot come, unless another
    job (a preview of the same bytes) still needs it."""
    others = ImportJob.objects.filter(sha256=job.sha256).exclude(pk=job.pk).exclude(state=ImportJob.State.FAILED)
    if not others.exists():
        default_storage.delete(STAGING.format(sha256=job.sha256))


def _run(job: ImportJob) -> dict:
    staged = STAGING.format(sha256=job.sha256)
    if not default_storage.exists(staged):
        raise ValidationError(gettext("The previewed document is no longer available; upload it again."))
    with default_storage.open(staged, "rb") as stream:
        data = stream.read()
    unit = "pages" if is_pdf(data) else "lines"
    last, pages_read = [0.0], [0]

    def progress(done: int, total: int) -> None:
        """Written at most once a second, and at the end (done == total)."""
        now = time.monotonic()
        if (total and done >= total) or now - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = now
            _this_run(job.pk, job.attempts).update(read_unit=unit, read_done=done, read_total=total)

    def page_read(done: int, _total: int) -> None:
        # Pages as the reader reads them (how many there are is known at the end only); a
        # parser's own progress on a PDF counts its text's lines, so it is not shown as pages.
        pages_read[0] = done
        progress(done, 0)

    metadata = {name: job.metadata[name] for name in METADATA}
    preview = job.operation == ImportJob.Operation.PREVIEW
    with pages_reported_to(page_read):
        report = importing.report_import(
            data=data,
            dry_run=preview,
            replace_corrections=bool(job.metadata.get("replace_corrections")),
            repeat_choices={int(row): chosen for row, chosen in job.metadata.get("repeat_choices", {}).items()},
            user=job.created_by,
            progress=progress if unit == "lines" else None,
            **metadata,
        )
    fields = {"state": ImportJob.State.DONE, "documents_done": 1, "result": report_summary(report)}
    if pages_read[0]:  # 0 when the worker still held the pages its preview read
        fields.update(read_unit=unit, read_done=pages_read[0], read_total=pages_read[0])
    if preview:
        fields["preview_html"] = preview_render(metadata, report)
    else:
        default_storage.delete(staged)
    return fields
