"""Django's user, group and API token admin pages, with the site's guards: password changes go
through `user_password_set`, and hand-edited query strings are refused (admin_input). The token
pages show names, owners and dates, never a key (only digests are stored) nor the digest."""

import contextvars
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminPasswordChangeForm as OwnPasswordChangeForm
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.contrib.auth.views import PasswordChangeView
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Imported to register DRF's token admin before it is taken away (its table is empty: tokens are
# ApiToken, migration 0018).
from rest_framework.authtoken import admin as _drf_token_admin  # noqa: F401
from rest_framework.authtoken.models import TokenProxy

from ..admin_input import HostileQueryAdminMixin
from ..choices import Role
from .forms import AdminLoginForm
from .models import ApiToken
from .passwords import user_password_set
from .role_groups import role_label, role_of, user_active_set, user_role_recorded, user_role_set
from .tokens import token_revoke

# Mixed into Django's password forms; type-checked as a form.
if TYPE_CHECKING:
    _FormBase = forms.Form
else:
    _FormBase = object


# The admin request a password form is saving for (Django's admin builds the form without it).
_admin_request: contextvars.ContextVar = contextvars.ContextVar("admin_request", default=None)


class PasswordServiceMixin(_FormBase):
    """Django's password forms, saving through the service (tokens revoked, sessions ended,
    a history row naming who changed it)."""

    def set_password_and_save(self, user, password_field_name="password1", commit=True):  # noqa: S107
        usable = self.cleaned_data.get("set_usable_password", True)
        request = getattr(self, "request", None) or _admin_request.get()
        user_password_set(
            user=user,
            password=self.cleaned_data[password_field_name] if usable else None,
            by=getattr(request, "user", None),
            request=request,
        )
        return user


class UserPasswordForm(PasswordServiceMixin, AdminPasswordChangeForm):
    """An admin setting another user's password (or their own, from the user's page)."""


class OwnPasswordForm(PasswordServiceMixin, OwnPasswordChangeForm):
    """A signed-in admin changing their own password (old password required)."""


def own_password_change(request):
    """The admin's "Change password" page, with OwnPasswordForm."""
    view = PasswordChangeView.as_view(
        form_class=OwnPasswordForm,
        success_url=reverse("admin:password_change_done"),
        template_name="registration/password_change_form.html",
        extra_context=admin.site.each_context(request),
    )
    request.current_app = admin.site.name
    reset = _admin_request.set(request)
    try:
        return view(request)
    finally:
        _admin_request.reset(reset)


own_password_change = admin.site.admin_view(own_password_change)
admin.site.login_form = AdminLoginForm

User = get_user_model()
for model in (User, Group, TokenProxy):
    admin.site.unregister(model)


class RoleGroupChoiceField(forms.ModelMultipleChoiceField):
    """Groups named by what the role is ("Administrator"), not its code name."""

    def label_from_instance(self, obj):
        return role_label(obj.name) if obj.name in Role.values else obj.name


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [*Role.choices, ("none", _("No role"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.exclude(groups__name__in=Role.values).filter(is_superuser=False)
        if value in Role.values:
            if value == Role.ADMIN:
                return queryset.filter(Q(groups__name=value) | Q(is_superuser=True)).distinct()
            return queryset.filter(groups__name=value).distinct()
        return queryset


class UserActionForm(ActionForm):
    role = forms.ChoiceField(
        label=_("role"), required=False, choices=[("", "—"), *Role.choices, ("none", _("No role"))]
    )


@admin.register(User)
class UserAdmin(HostileQueryAdminMixin, auth_admin.UserAdmin):
    change_password_form = UserPasswordForm
    list_display = ["username", "email", "role", "is_active", "last_login", "date_joined"]
    list_filter = [RoleFilter, "is_active", "last_login"]
    ordering = ["username"]
    action_form = UserActionForm
    actions = ["set_role", "deactivate", "activate"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("role"))
    def role(self, user) -> str:
        if user.is_superuser:
            return role_label(Role.ADMIN)
        names = {group.name for group in user.groups.all()}
        ranked = [role for role in reversed(Role.values) if role in names]
        return role_label(ranked[0] if ranked else None)

    @admin.action(description=_("Give the selected users the chosen role"))
    def set_role(self, request, queryset):
        role = request.POST.get("role", "")
        if role not in [*Role.values, "none"]:
            self.message_user(request, _("Choose the role to give, beside the action."), messages.ERROR)
            return
        for user in queryset:
            user_role_set(user=user, role=None if role == "none" else role, by=request.user)
        self.message_user(request, _("Role set for %(count)d users.") % {"count": queryset.count()})

    @admin.action(description=_("Deactivate the selected users (they can no longer sign in)"))
    def deactivate(self, request, queryset):
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, _("You cannot deactivate yourself."), messages.ERROR)
            return
        changed = sum(user_active_set(user=user, active=False, by=request.user) for user in queryset)
        self.message_user(request, _("%(count)d users deactivated.") % {"count": changed})

    @admin.action(description=_("Activate the selected users"))
    def activate(self, request, queryset):
        changed = sum(user_active_set(user=user, active=True, by=request.user) for user in queryset)
        self.message_user(request, _("%(count)d users activated.") % {"count": changed})

    def user_change_password(self, request, id, form_url=""):
        reset = _admin_request.set(request)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _admin_request.reset(reset)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["form_class"] = RoleGroupChoiceField
            kwargs["help_text"] = _(
                "The user's role. Analyst: reads everything and exports. NGO staff: also records progress "
                "and evidence. Administrator: also edits, imports reports and manages users here (staff "
                "status comes with it). The highest role given counts."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        before = role_of(get_user_model().objects.get(pk=form.instance.pk)) if change else None
        super().save_related(request, form, formsets, change)
        user_role_recorded(user=form.instance, before=before, by=request.user, request=request)


@admin.register(Group)
class GroupAdmin(HostileQueryAdminMixin, auth_admin.GroupAdmin):
    """A role is its group's name: renamed or deleted, its members would silently lose it."""

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "name"] if obj is not None and obj.name in Role.values else fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in Role.values:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        roles = queryset.filter(name__in=Role.values)
        if roles.exists():
            self.message_user(
                request,
                _("Role groups are kept: %(names)s.") % {"names": ", ".join(role_label(g.name) for g in roles)},
                messages.WARNING,
            )
        super().delete_queryset(request, queryset.exclude(name__in=Role.values))


@admin.register(ApiToken)
class ApiTokenAdmin(HostileQueryAdminMixin, admin.ModelAdmin):
    """Who has which token, since when, until when, last used: for revoking one (delete). No key
    is stored, and the digest is not shown either; tokens are made by their users only."""

    list_display = ["name", "user", "created_at", "expires_at", "last_used_at"]
    list_filter = ["expires_at"]
    search_fields = ["name", "user__username"]
    fields = ("name", "user", "created_at", "expires_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        token_revoke(user=obj.user, token_id=obj.pk, request=request)

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            token_revoke(user=token.user, token_id=token.pk, request=request)
