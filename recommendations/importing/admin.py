"""The admin's report import page: upload a PDF or a text; the worker previews its dry run as
a background job, the admin confirms, and the worker imports it as another.

Reading a several-hundred-page PDF takes longer than a request may, and its size in bytes says
nothing of how long (a small hostile PDF can take the reading's whole time limit), so every
preview and every import runs in the worker (recommendations/jobs/): the upload returns at once
with its job's page, which refreshes itself until the job is done. Both call the same
`importing.services.report_import` as `manage.py import_report`. Between preview and confirm
the upload waits in private storage under its sha256, so the confirmed import is byte for byte
the previewed document; the confirm takes the metadata from the preview, not from the form.
"""

import hashlib
import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from recommendations.choices import Role
from recommendations.jobs.models import ImportJob
from recommendations.jobs.services import import_job_start, jobs_recover_stale
from recommendations.roles import has_role
from recommendations.years import YEAR_MAX, YEAR_MIN

from .formats import format_choices
from .staging import STAGING, staged_sweep

RECENT_JOBS = 20
# How often a job's page reloads itself while the job is queued or running.
REFRESH_SECONDS = 2


class ReportMetadataForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=format_choices,
    )
    country = forms.ChoiceField(label=_("country"), choices=countries, initial="AZ")
    report_year = forms.IntegerField(label=_("report year"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    language = forms.ChoiceField(label=_("language of the text"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("title"), max_length=500, required=False)
    slug = forms.SlugField(label=_("slug"), max_length=100, required=False, help_text=_("Default: kind-year-country."))


class ReportUploadForm(ReportMetadataForm):
    document = forms.FileField(label=_("report PDF or text (UTF-8 .txt)"))


class ReportConfirmForm(forms.Form):
    replace_corrections = forms.BooleanField(
        label=_("Replace the hand corrections listed above with the document's text"), required=False
    )


REPEAT_CHOICE = re.compile(r"^repeats_([0-9]{1,9})$")


def _repeat_choices(data) -> dict[int, int]:
    """The matches a person chose in the preview for rows without a clear one (`repeats_<row>`:
    a recommendation id, or empty for none); the service checks each is a listed candidate."""
    choices = {}
    for name, value in data.items():
        match = REPEAT_CHOICE.match(name)
        if match and value:
            if not value.isdigit():
                raise ValidationError({"repeats": gettext("Row %(row)s: not a recommendation.") % {"row": match[1]}})
            choices[int(match[1])] = int(value)
    return choices


def _metadata(form: forms.Form) -> dict:
    data = form.cleaned_data
    return {name: data[name] for name in ("kind", "country", "report_year", "language", "title", "slug")}


def _admin_only(request: HttpRequest) -> None:
    if not has_role(request.user, Role.ADMIN):
        raise PermissionDenied


def import_report_view(request: HttpRequest, admin_context: dict) -> HttpResponse:
    _admin_only(request)
    context = {
        **admin_context,
        "title": _("Import a report"),
        "jobs": ImportJob.objects.all()[:RECENT_JOBS],
    }
    template = "admin/recommendations/source/import_report.html"
    if request.method == "POST":
        form = ReportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["document"]
            if upload.size > settings.IMPORT_MAX_BYTES:
                form.add_error(
                    "document", _("The document is larger than %(limit)d bytes.") % {"limit": settings.IMPORT_MAX_BYTES}
                )
            else:
                data = upload.read()
                sha256 = hashlib.sha256(data).hexdigest()
                staged = STAGING.format(sha256=sha256)
                staged_sweep()
                if not default_storage.exists(staged):
                    default_storage.save(staged, ContentFile(data))
                job = import_job_start(
                    operation=ImportJob.Operation.PREVIEW,
                    user=request.user,
                    language=get_language(),
                    file_name=upload.name,
                    file_size=len(data),
                    sha256=sha256,
                    metadata=_metadata(form),
                )
                return redirect("admin:recommendations_source_import_job", job.pk)
    else:
        form = ReportUploadForm(initial={"country": "AZ", "language": "az"})
    return TemplateResponse(request, template, {**context, "form": form})


def import_job_view(request: HttpRequest, admin_context: dict, job_id: int) -> HttpResponse:
    """A job's progress and outcome; for a finished preview, the confirm that starts the import."""
    _admin_only(request)
    jobs_recover_stale()
    job = get_object_or_404(ImportJob, pk=job_id)
    confirmed = ImportJob.objects.filter(preview=job).first()
    form = ReportConfirmForm()
    if request.method == "POST" and "confirm" in request.POST:
        if job.operation != ImportJob.Operation.PREVIEW or job.state != ImportJob.State.DONE:
            messages.error(request, _("Only a finished preview can be imported."))
            return redirect("admin:recommendations_source_import_job", job.pk)
        if confirmed is not None:
            return redirect("admin:recommendations_source_import_job", confirmed.pk)
        if not default_storage.exists(STAGING.format(sha256=job.sha256)):
            messages.error(request, _("The previewed document is no longer available; upload it again."))
            return redirect("admin:recommendations_source_import")
        form = ReportConfirmForm(request.POST)
        try:
            repeat_choices = _repeat_choices(request.POST)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return redirect("admin:recommendations_source_import_job", job.pk)
        if form.is_valid():
            started = import_job_start(
                operation=ImportJob.Operation.IMPORT,
                user=request.user,
                language=get_language(),
                file_name=job.file_name,
                file_size=job.file_size,
                sha256=job.sha256,
                metadata={
                    **job.metadata,
                    "replace_corrections": form.cleaned_data["replace_corrections"],
                    # JSON keys are text: the row's position, as the form named it.
                    "repeat_choices": {str(row): chosen for row, chosen in repeat_choices.items()},
                },
                preview=job,
            )
            return redirect("admin:recommendations_source_import_job", started.pk)
    errors = sorted(
        ((str(ReportUploadForm.base_fields[field].label) if field in ReportUploadForm.base_fields else "", texts))
        for field, texts in job.errors.items()
    )
    return TemplateResponse(
        request,
        "admin/recommendations/source/import_job.html",
        {
            **admin_context,
            "title": _("Import job %(id)d") % {"id": job.pk},
            "job": job,
            "errors": errors,
            "confirm_form": form,
            "confirmed": confirmed,
            "refresh_seconds": REFRESH_SECONDS,
        },
    )
