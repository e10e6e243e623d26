"""The admin's change forms write through the services while the form is validated.

Django's admin saves after the form was accepted, so a service's refusal there came too late:
the page said "changed successfully" and logged a change that did not happen. Here the
form's last validation step calls the service — inside the admin view's transaction, which
rolls back if anything later fails — and a refusal becomes a form error beside its field.
`save_model` only picks up what the service wrote.

A form also carries the version (and time) it was opened at: a record changed by someone
else meanwhile is refused, naming who changed what, as the pages and the API refuse a stale
write.
"""

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .catalog.services import recommendation_create, recommendation_update, source_create, source_update
from .choices import EvidenceKind, Status
from .evidence.services import EDITABLE as EVIDENCE_EDITABLE
from .evidence.services import evidence_add, evidence_content_errors, evidence_update
from .fields import WebLinkFormField
from .history.readable import field_changes
from .models import ChangeRecord, Evidence, Recommendation, Source
from .progress.services import EvidenceItem, StaleVersion


def show_service_errors(form: forms.BaseForm, error: ValidationError, renamed: dict[str, str] | None = None) -> None:
    """A service's errors beside the form's fields (`renamed`: the service's name of a field
    → the form's); one about a field the form does not show goes above the form, naming it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    route = getattr(form, "route_service_error", None)  # a field the form shows another way
    for service_name, messages in error.message_dict.items():
        name = (renamed or {}).get(service_name, service_name)
        if route is not None and route(name, messages):
            continue
        if name in form.fields or name == NON_FIELD_ERRORS:
            form.add_error(name, messages)
        else:
            form.add_error(None, [f"{name}: {message}" for message in messages])


def changes_since(obj: models.Model, opened_at) -> str:
    """Who changed what on `obj` since `opened_at`, as one line for an error message."""
    records = ChangeRecord.objects.filter(
        object_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, changed_at__gt=opened_at
    ).order_by("changed_at", "id")
    return "; ".join(
        f"{record.username}: " + ", ".join(str(change.label) for change in field_changes(record)) for record in records
    )


class ServiceForm(forms.ModelForm):
    """A ModelForm whose save is `write()`, a service call. `request` is set by the admin."""

    request: Any = None
    # The service's name of a field → this form's, where they differ.
    service_field_names: dict[str, str] = {}
    opened_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_at"].initial = timezone.now()
        for field in self.fields.values():
            # Declared fields' labels as the model's are shown: capitalised ("Status", not "status").
            if field.label:
                field.label = capfirst(field.label)
        self.written: models.Model | None = None

    def write(self) -> models.Model:
        raise NotImplementedError

    def refuse_stale(self) -> None:
        """Refuse when someone else changed the record since the form was opened."""
        opened_at = self.cleaned_data.get("opened_at")
        if self.instance.pk is None or opened_at is None:
            return
        changed = changes_since(self.instance, opened_at)
        if changed:
            raise StaleVersion(changed)

    def full_clean(self):
        super().full_clean()  # the form's and the model's validation: fields and clean() rules
        if not self.is_bound or self.errors:
            return
        try:
            self.refuse_stale()
            self.written = self.write()
        except StaleVersion:
            self.add_error(
                None,
                _(
                    "Someone else changed this record since you opened it (%(changes)s). Nothing was saved: "
                    "reload the page to see their change, then make yours again."
                )
                % {"changes": changes_since(self.instance, self.cleaned_data.get("opened_at")) or _("a change")},
            )
        except ValidationError as error:
            show_service_errors(self, error, self.service_field_names)

    def changed(self, names) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in names}


class RecommendationAdminForm(ServiceForm):
    status = forms.ChoiceField(label=gettext_lazy("status"), choices=Status.choices)
    change_note = forms.CharField(
        label=gettext_lazy("note for the history"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Recorded with a status change in the progress log."),
    )
    status_on = forms.DateField(
        label=gettext_lazy("status changed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The day the status changed, when not today; recorded with it in the progress log."),
    )
    status_evidence_file = forms.FileField(label=gettext_lazy("evidence file for the status"), required=False)
    status_evidence_link = WebLinkFormField(label=gettext_lazy("evidence link for the status"), required=False)
    service_field_names = {
        "note": "change_note",
        "occurred_on": "status_on",
        "file": "status_evidence_file",
        "url": "status_evidence_link",
    }
    # The version the page showed; a newer stored one is refused by the service, under its lock.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # `action_translations`, one text box per language instead of raw JSON; the service
    # validates the texts as it does for the API (validation.recommendation_errors).
    translation_az = forms.CharField(
        label=gettext_lazy("action in Azerbaijani"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "az"}),
        help_text=gettext_lazy("Only when the report is in another language; empty: no Azerbaijani text."),
    )
    translation_en = forms.CharField(
        label=gettext_lazy("action in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        help_text=gettext_lazy("Only when the report is in another language; empty: no English text."),
    )
    TRANSLATION_FIELDS = {"az": "translation_az", "en": "translation_en"}

    class Meta:
        model = Recommendation
        fields = [
            "source",
            *(name for name in Recommendation.editable_fields if name != "action_translations"),
            "status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.version
            for language, name in self.TRANSLATION_FIELDS.items():
                self.fields[name].initial = (self.instance.action_translations or {}).get(language, "")

    def translations(self) -> dict[str, str]:
        """The texts given, as `action_translations` holds them: {language: text}."""
        return {
            language: text
            for language, name in self.TRANSLATION_FIELDS.items()
            if (text := (self.cleaned_data.get(name) or "").strip())
        }

    def route_service_error(self, name: str, messages: list[str]) -> bool:
        """The service names `action_translations`: each message goes beside its language's box."""
        if name != "action_translations":
            return False
        for message in messages:
            language = next((code for code in self.TRANSLATION_FIELDS if f"“{code}”" in message), None)
            self.add_error(self.TRANSLATION_FIELDS[language] if language else None, message)
        return True

    def write(self) -> Recommendation:
        data = self.cleaned_data
        note = data.get("change_note", "")
        if self.instance.pk is not None:
            changed = self.changed({*Recommendation.editable_fields, "status"})
            if set(self.TRANSLATION_FIELDS.values()) & set(self.changed_data):
                changed["action_translations"] = self.translations()
            evidence = self.status_evidence()
            if (evidence or data.get("status_on")) and "status" not in changed:
                # A day or evidence goes with a status: recorded as a progress entry of the
                # status it has (refused by the service when that says nothing new).
                changed["status"] = data["status"]
            return recommendation_update(
                recommendation_id=self.instance.pk,
                data=changed,
                note=note,
                occurred_on=data.get("status_on"),
                evidence=evidence,
                user=self.request.user,
                expected_version=data.get("opened_version"),
            )
        return recommendation_create(
            source=data["source"],
            area=data.get("area") or None,
            action=data["action"],
            action_translations=self.translations(),
            year_start=data["year_start"],
            year_end=data["year_end"],
            position=data["position"],
            priority=data["priority"],
            repeats=data.get("repeats"),
            responsible_bodies=data.get("responsible_bodies") or (),
            due_on=data.get("due_on"),
            status=data["status"],
            note=note,
            user=self.request.user,
        )

    def status_evidence(self) -> list[EvidenceItem]:
        items = []
        upload = self.cleaned_data.get("status_evidence_file")
        if upload:
            items.append(EvidenceItem(kind=EvidenceKind.FILE, title=upload.name, file=upload))
        link = self.cleaned_data.get("status_evidence_link")
        if link:
            items.append(EvidenceItem(kind=EvidenceKind.LINK, title=link[:300], url=link))
        return items


class SourceAdminForm(ServiceForm):
    class Meta:
        model = Source
        # The document is set by the importer, never edited here.
        fields = list(Source.editable_fields)

    def write(self) -> Source:
        if self.instance.pk is not None:
            # Locked first, so that the check for a change since the form was opened and the
            # write see the same row.
            Source.objects.select_for_update().get(pk=self.instance.pk)
            self.refuse_stale()
            return source_update(
                source_id=self.instance.pk, data=self.changed(Source.editable_fields), user=self.request.user
            )
        fields = {name: self.cleaned_data[name] for name in Source.editable_fields if name in self.cleaned_data}
        return source_create(user=self.request.user, **fields)


class EvidenceAdminForm(ServiceForm):
    class Meta:
        model = Evidence
        fields = [
            "recommendation",
            "measure",
            "progress_update",
            "title",
            "kind",
            "file",
            "url",
            "excerpt",
            "evidence_date",
        ]
        # A plain file input: the stored file has no public URL to show (evidence-file serves it).
        widgets = {"file": forms.FileInput}

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk is not None:
            return cleaned  # a correction: evidence_update checks the content its kind takes
        # The service's rule, before the model's constraint: it names the field that is
        # missing; the constraint, then skipped, would only name itself.
        errors = evidence_content_errors(
            kind=cleaned.get("kind", ""),
            file=cleaned.get("file") or None,
            url=cleaned.get("url", ""),
            excerpt=cleaned.get("excerpt", ""),
        )
        # A field refused already (a link that is not http) is not also "required".
        errors = {name: error for name, error in errors.items() if name not in self.errors}
        if errors:
            raise ValidationError(errors)
        return cleaned

    def write(self) -> Evidence:
        data = self.cleaned_data
        if self.instance.pk is not None:
            return evidence_update(
                evidence_id=self.instance.pk,
                data=self.changed(EVIDENCE_EDITABLE),
                # A new upload only: unchanged, the field holds the stored file.
                file=data["file"] if "file" in self.changed_data and data.get("file") else None,
                user=self.request.user,
            )
        if bool(data.get("recommendation")) == bool(data.get("measure")):
            message = _("Choose the recommendation or the measure the evidence supports, one of the two.")
            raise ValidationError({"recommendation": message, "measure": message})
        return evidence_add(
            recommendation_id=data["recommendation"].pk if data.get("recommendation") else None,
            measure_id=data["measure"].pk if data.get("measure") else None,
            progress_update_id=data["progress_update"].pk if data.get("progress_update") else None,
            kind=data["kind"],
            title=data["title"],
            file=data.get("file") or None,
            url=data.get("url", ""),
            excerpt=data.get("excerpt", ""),
            evidence_date=data.get("evidence_date"),
            user=self.request.user,
        )
