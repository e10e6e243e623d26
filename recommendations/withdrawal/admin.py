"""The admin's side of withdrawal: the list filter, the state on the change page, and the
report actions (the recommendations' are among theirs, catalog/admin_actions.py). Every
change goes through `withdrawal.services`, with the reason chosen beside the action."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import REASON_MAX_LENGTH
from .services import source_restore, source_withdraw, withdrawn_notice


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("reason for withdrawal or restore"), required=False, max_length=REASON_MAX_LENGTH
    )


class WithdrawnListFilter(admin.SimpleListFilter):
    title = gettext_lazy("withdrawn")
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return [("yes", _("Withdrawn")), ("no", _("Public"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.withdrawn()
        if self.value() == "no":
            return queryset.public()
        return queryset


class WithdrawalStateMixin:
    """`withdrawal_state`, for the change page's read-only fields; and, at the page's top, a
    warning that the row is withdrawn, so no one edits it thinking it public."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.is_withdrawn:
            self.message_user(request, withdrawn_notice(obj), messages.WARNING)  # type: ignore[attr-defined]
        return super().render_change_form(  # type: ignore[misc]
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    @admin.display(description=gettext_lazy("public or withdrawn"))
    def withdrawal_state(self, obj) -> str:
        if obj.pk is None or not obj.is_withdrawn:
            return _("Public")
        return format_html('<strong class="withdrawn">{}</strong>', withdrawn_notice(obj))


class SourceActionForm(ActionForm):
    withdrawal_reason = reason_field()


def reason_chosen(request) -> str:
    form = SourceActionForm(request.POST)
    form.is_valid()
    return form.cleaned_data.get("withdrawal_reason", "")


def refused(modeladmin, request, error: ValidationError) -> None:
    texts = "; ".join(" ".join(errors) for errors in getattr(error, "message_dict", {"": error.messages}).values())
    modeladmin.message_user(request, _("Nothing was changed: %(errors)s") % {"errors": texts}, messages.ERROR)


def _sources_change(modeladmin, request, queryset, change, done: str) -> None:
    reason = reason_chosen(request)
    try:
        with transaction.atomic():  # all or none
            for source in queryset.order_by("pk"):
                change(source_id=source.pk, reason=reason, user=request.user)
    except ValidationError as error:
        return refused(modeladmin, request, error)
    modeladmin.message_user(request, done % {"count": queryset.count()})


@admin.action(description=gettext_lazy("Withdraw the selected reports and their recommendations (with the reason)"))
def sources_withdraw(modeladmin, request, queryset):
    _sources_change(modeladmin, request, queryset, source_withdraw, _("%(count)d reports withdrawn."))


@admin.action(description=gettext_lazy("Restore the selected reports (with the reason)"))
def sources_restore(modeladmin, request, queryset):
    _sources_change(modeladmin, request, queryset, source_restore, _("%(count)d reports restored."))
