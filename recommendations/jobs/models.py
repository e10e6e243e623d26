from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One report import started in the admin, run by the worker: a preview (the dry run, read
    and planned, nothing written) or the import itself. Its progress, heartbeat and outcome
    are written as it runs, so the admin shows them and a job whose worker died is found."""

    class Operation(models.TextChoices):
        PREVIEW = "preview", _("preview")
        IMPORT = "import", _("import")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    operation = models.CharField(_("operation"), max_length=10, choices=Operation.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_username = models.CharField(_("started by"), max_length=150)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # The interface language of the person who started it: the preview is written in it.
    language = models.CharField(_("language"), max_length=10)
    # The document, staged under its sha256 (importing/staging.py), and its metadata.
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("sha256"), max_length=64)
    metadata = models.JSONField(_("metadata"), default=dict)
    # The preview this import confirms.
    preview = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Progress as the reader reports it: pages of a PDF, lines of a text.
    read_unit = models.CharField(_("unit read"), max_length=10, blank=True)
    read_done = models.PositiveIntegerField(_("read"), default=0)
    read_total = models.PositiveIntegerField(_("to read"), default=0)
    documents_done = models.PositiveIntegerField(_("documents done"), default=0)
    documents_total = models.PositiveIntegerField(_("documents"), default=1)
    attempts = models.PositiveSmallIntegerField(_("runs started"), default=0)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    # The outcome: counts and what the admin shows (done); the reasons, by field (failed).
    result = models.JSONField(_("result"), default=dict, blank=True)
    preview_html = models.TextField(_("preview"), blank=True)
    errors = models.JSONField(_("errors"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        app_label = "recommendations"
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="import_job_state_beat")]

    def __str__(self) -> str:
        return f"{self.get_operation_display()} {self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
