"""Changes to many recommendations at once from the admin's list: each through the service
one change would use (a status through `progress_record_many`, as the staff's bulk entry, with
the day and note; a due date, area or responsible body through `recommendation_update`), so
each leaves its history row. The values are chosen beside the action (the list's action
form). One refused row refuses the whole change: nothing is half-done."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommendations.analytics import exports
from recommendations.choices import AREA_CHOICES, Status
from recommendations.models import ResponsibleBody
from recommendations.progress.bulk import progress_record_many
from recommendations.withdrawal.admin import reason_field
from recommendations.withdrawal.services import recommendation_restore, recommendation_withdraw

from .services import recommendation_update


class RecommendationActionForm(ActionForm):
    status = forms.ChoiceField(label=gettext_lazy("status"), required=False, choices=[("", "—"), *Status.choices])
    occurred_on = forms.DateField(
        label=gettext_lazy("on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=gettext_lazy("note"), required=False, max_length=20000)
    due_on = forms.DateField(
        label=gettext_lazy("due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    area = forms.ChoiceField(label=gettext_lazy("area"), required=False, choices=[("", "—"), *AREA_CHOICES])
    responsible_body = forms.ModelChoiceField(
        label=gettext_lazy("responsible body"), required=False, queryset=ResponsibleBody.objects.order_by("name")
    )
    withdrawal_reason = reason_field()


def _chosen(request) -> forms.Form:
    form = RecommendationActionForm(request.POST)
    form.is_valid()
    return form


def _apply(modeladmin, request, queryset, change, all_at_once=None) -> None:
    """`change(recommendation)` for each selected one (or `all_at_once()`), all or none."""
    try:
        with transaction.atomic():
            if all_at_once is not None:
                all_at_once()
            for recommendation in queryset.order_by("pk") if change is not None else ():
                change(recommendation)
    except ValidationError as error:
        texts = "; ".join(
            f"{name}: {' '.join(errors)}"
            for name, errors in getattr(error, "message_dict", {"": error.messages}).items()
        )
        modeladmin.message_user(request, _("Nothing was changed: %(errors)s") % {"errors": texts}, messages.ERROR)
        return
    modeladmin.message_user(request, _("%(count)d recommendations changed.") % {"count": queryset.count()})


def _missing(modeladmin, request, label: str) -> None:
    modeladmin.message_user(request, _("Choose the %(value)s beside the action.") % {"value": label}, messages.ERROR)


@admin.action(description=gettext_lazy("Record a status for the selected (with the day and note chosen)"))
def status_record(modeladmin, request, queryset):
    form = _chosen(request)
    status = form.cleaned_data.get("status")
    if not status:
        return _missing(modeladmin, request, _("status"))
    occurred_on: datetime.date = form.cleaned_data.get("occurred_on") or timezone.localdate()
    note = form.cleaned_data.get("note", "")
    ids = list(queryset.values_list("pk", flat=True))

    def record_all():
        progress_record_many(
            recommendation_ids=ids, status=status, note=note, occurred_on=occurred_on, user=request.user
        )

    _apply(modeladmin, request, queryset, change=None, all_at_once=record_all)


def _set_action(name: str, field: str, label, description):
    """An action setting one field, chosen beside it, on every selected recommendation."""

    @admin.action(description=description)
    def action(modeladmin, request, queryset):
        value = _chosen(request).cleaned_data.get(field)
        if not value:
            return _missing(modeladmin, request, str(label))
        _apply(
            modeladmin,
            request,
            queryset,
            lambda r: recommendation_update(recommendation_id=r.pk, data={field: value}, user=request.user),
        )

    action.__name__ = name  # the admin's name for the action, sent with the form
    return action


due_date_set = _set_action(
    "due_date_set", "due_on", gettext_lazy("due date"), gettext_lazy("Set the due date of the selected")
)
area_set = _set_action("area_set", "area", gettext_lazy("area"), gettext_lazy("Set the area of the selected"))


@admin.action(description=gettext_lazy("Add the responsible body to the selected"))
def responsible_body_add(modeladmin, request, queryset):
    body = _chosen(request).cleaned_data.get("responsible_body")
    if body is None:
        return _missing(modeladmin, request, _("responsible body"))

    def change(recommendation):
        bodies = [*recommendation.responsible_bodies.all(), body]
        recommendation_update(
            recommendation_id=recommendation.pk, data={"responsible_bodies": bodies}, user=request.user
        )

    _apply(modeladmin, request, queryset, change)


@admin.action(description=gettext_lazy("Withdraw the selected from the public (with the reason)"))
def recommendations_withdraw(modeladmin, request, queryset):
    reason = _chosen(request).cleaned_data.get("withdrawal_reason", "")
    _apply(
        modeladmin,
        request,
        queryset,
        lambda r: recommendation_withdraw(recommendation_id=r.pk, reason=reason, user=request.user),
    )


@admin.action(description=gettext_lazy("Restore the selected (with the reason)"))
def recommendations_restore(modeladmin, request, queryset):
    reason = _chosen(request).cleaned_data.get("withdrawal_reason", "")
    _apply(
        modeladmin,
        request,
        queryset,
        lambda r: recommendation_restore(recommendation_id=r.pk, reason=reason, user=request.user),
    )


@admin.action(description=gettext_lazy("Export the selected as CSV"))
def export_csv(modeladmin, request, queryset):
    page_url = request.build_absolute_uri(reverse("recommendations:detail", args=[0])).replace("/0/", "/{id}/")
    response = StreamingHttpResponse(
        exports.csv_chunks(queryset.order_by("source", "position"), page_url=page_url),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="recommendations-selected-{stamp}.csv"'
    return response


ACTIONS = [
    status_record,
    due_date_set,
    area_set,
    responsible_body_add,
    recommendations_withdraw,
    recommendations_restore,
    export_csv,
]
