"""The admin's report import page: upload a PDF or a text, preview the dry-run, confirm.

It calls the same `importing.services.report_import` as `manage.py import_report`. Between preview
and confirm the upload waits in private storage under its sha256, so the confirmed import
is byte for byte the previewed document.
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
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from recommendations.choices import Role
from recommendations.models import Source
from recommendations.roles import has_role

from . import services
from .formats import FORMATS, format_choices
from .staging import STAGING, staged_sweep

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ReportMetadataForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=format_choices,
    )
    country = forms.ChoiceField(label=_("country"), choices=countries, initial="AZ")
    report_year = forms.IntegerField(label=_("report year"), min_value=1900, max_value=2100)
    language = forms.ChoiceField(label=_("language of the text"), choices=[("az", "Azərbaycanca"), ("en", "English")])
    title = forms.CharField(label=_("title"), max_length=500, required=False)
    slug = forms.SlugField(label=_("slug"), max_length=100, required=False, help_text=_("Default: kind-year-country."))


class ReportUploadForm(ReportMetadataForm):
    document = forms.FileField(label=_("report PDF or text (UTF-8 .txt)"))


class ReportConfirmForm(ReportMetadataForm):
    sha256 = forms.RegexField(regex=SHA256, widget=forms.HiddenInput)
    replace_corrections = forms.BooleanField(
        label=_("Replace the hand corrections listed above with the document's text"), required=False
    )


def _show_errors(form: forms.Form, error: ValidationError) -> None:
    """The service's errors beside the fields they name (language, country…), the rest on the document."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {"document": error.messages}
    for name, messages_ in by_field.items():
        form.add_error(name if name in form.fields else "document", messages_)


def _metadata(form: forms.Form) -> dict:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "country": data["country"],
        "report_year": data["report_year"],
        "language": data["language"],
        "title": data["title"],
        "slug": data["slug"],
    }


def _what_it_writes(form: forms.Form, report) -> list[tuple[str, str]]:
    """The source the import writes or adds to, as labels and names rather than codes."""
    data = form.cleaned_data
    source = Source.objects.filter(pk=report.source_id).first() if report.source_id else None
    title = (
        source.title
        if source
        else services.planned_title(
            kind=data["kind"], report_year=data["report_year"], country=data["country"], title=data["title"]
        )
    )
    if source is None:
        fate = gettext("a new source")
    elif report.translates:
        fate = gettext("its text in another language, added to %(slug)s") % {"slug": source.slug}
    else:
        fate = gettext("already imported as %(slug)s") % {"slug": source.slug}
    return [
        (gettext("source"), f"{report.source_slug} ({fate})"),
        (gettext("title"), title),
        (gettext("kind"), FORMATS[data["kind"]].label),
        (gettext("country"), str(countries.name(data["country"]))),
        (gettext("report year"), str(data["report_year"])),
        (gettext("language of the text"), dict(settings.LANGUAGES).get(data["language"], data["language"])),
    ]


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


def import_report_view(request: HttpRequest, admin_context: dict) -> HttpResponse:
    if not has_role(request.user, Role.ADMIN):
        raise PermissionDenied
    context = {**admin_context, "title": _("Import a report")}
    template = "admin/recommendations/source/import_report.html"

    if request.method == "POST" and "confirm" in request.POST:
        form = ReportConfirmForm(request.POST)
        if not form.is_valid():
            return TemplateResponse(request, template, {**context, "form": ReportUploadForm(), "errors": form.errors})
        staged = STAGING.format(sha256=form.cleaned_data["sha256"])
        if not default_storage.exists(staged):
            messages.error(request, _("The previewed document is no longer available; upload it again."))
            return redirect(request.path)
        with default_storage.open(staged, "rb") as stream:
            data = stream.read()
        try:
            report = services.report_import(
                data=data,
                user=request.user,
                replace_corrections=form.cleaned_data["replace_corrections"],
                repeat_choices=_repeat_choices(request.POST),
                **_metadata(form),
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return redirect(request.path)
        default_storage.delete(staged)
        messages.success(
            request,
            _(
                "Imported %(slug)s: %(created)d created, %(updated)d updated, "
                "%(linked)d linked, %(unchanged)d unchanged."
            )
            % {
                "slug": report.source_slug,
                "created": report.created,
                "updated": report.updated,
                "linked": report.linked,
                "unchanged": report.unchanged,
            },
        )
        if report.corrected and not form.cleaned_data["replace_corrections"]:
            messages.warning(
                request,
                _("Hand corrections of %(count)d recommendations were kept; the document's text was not written there.")
                % {"count": report.corrected},
            )
        return redirect(reverse("admin:recommendations_source_change", args=[report.source_id]))

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
                try:
                    report = services.report_import(data=data, dry_run=True, user=request.user, **_metadata(form))
                except ValidationError as exc:
                    _show_errors(form, exc)
                else:
                    sha256 = hashlib.sha256(data).hexdigest()
                    staged = STAGING.format(sha256=sha256)
                    staged_sweep()
                    if not default_storage.exists(staged):
                        default_storage.save(staged, ContentFile(data))
                    confirm = ReportConfirmForm(
                        initial={**_metadata(form), "sha256": sha256, "replace_corrections": False}
                    )
                    return TemplateResponse(
                        request,
                        template,
                        {
                            **context,
                            "report": report,
                            "writes": _what_it_writes(form, report),
                            "confirm_form": confirm,
                            "form": None,
                        },
                    )
    else:
        form = ReportUploadForm(initial={"country": "AZ", "language": "az"})
    return TemplateResponse(request, template, {**context, "form": form})
