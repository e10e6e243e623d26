"""The import log in the admin: every preview and import anyone started, with who, which file,
when, how it ended and its preview — read-only (a job is the record of what happened; the
import page starts new ones)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from recommendations.admin_base import ReadOnlyAdminMixin
from recommendations.admin_input import HostileQueryAdminMixin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(HostileQueryAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "operation", "state", "file_name", "report", "created_by_username", "outcome"]
    list_filter = ["operation", "state", "created_at"]
    search_fields = ["file_name", "created_by_username", "sha256"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    fields = (
        "job_page",
        "operation",
        "state",
        "file_name",
        "file_size",
        "sha256",
        "language",
        "metadata",
        "created_by_username",
        "created_at",
        "started_at",
        "finished_at",
        "attempts",
        "outcome",
        "errors",
        "note",
    )
    readonly_fields = fields

    @admin.display(description=_("report"))
    def report(self, obj: ImportJob) -> str:
        metadata = obj.metadata or {}
        return " ".join(str(metadata[key]) for key in ("kind", "report_year", "country") if metadata.get(key)) or "—"

    @admin.display(description=_("outcome"))
    def outcome(self, obj: ImportJob) -> str:
        if obj.state == ImportJob.State.FAILED:
            return "; ".join(
                f"{field}: {' '.join(map(str, reasons))}" for field, reasons in (obj.errors or {}).items()
            )[:200]
        result = obj.result or {}
        if not result:
            return "—"
        counts = gettext("%(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(linked)s repeats linked") % {
            key: result.get(key, 0) for key in ("created", "updated", "unchanged", "linked")
        }
        return f"{result['source_slug']}: {counts}" if result.get("source_slug") else counts

    @admin.display(description=_("job page (its preview)"))
    def job_page(self, obj: ImportJob) -> str:
        url = reverse("admin:recommendations_source_import_job", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the job's page"))
