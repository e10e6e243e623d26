"""Django's user, group and token admin pages, with the site's guards: password changes go
through `user_password_set`, and hand-edited query strings are refused (admin_input)."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminPasswordChangeForm as OwnPasswordChangeForm
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.contrib.auth.views import PasswordChangeView
from django.urls import reverse
from rest_framework.authtoken import admin as token_admin
from rest_framework.authtoken.models import TokenProxy

from ..admin_input import HostileQueryAdminMixin
from .forms import AdminLoginForm
from .passwords import user_password_set

# Mixed into Django's password forms; type-checked as a form.
if TYPE_CHECKING:
    _FormBase = forms.Form
else:
    _FormBase = object


class PasswordServiceMixin(_FormBase):
    """Django's password forms, saving through the service (tokens revoked, sessions ended)."""

    def set_password_and_save(self, user, password_field_name="password1", commit=True):  # noqa: S107
        usable = self.cleaned_data.get("set_usable_password", True)
        user_password_set(user=user, password=self.cleaned_data[password_field_name] if usable else None)
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
    return view(request)


own_password_change = admin.site.admin_view(own_password_change)
admin.site.login_form = AdminLoginForm

User = get_user_model()
for model in (User, Group, TokenProxy):
    admin.site.unregister(model)


@admin.register(User)
class UserAdmin(HostileQueryAdminMixin, auth_admin.UserAdmin):
    change_password_form = UserPasswordForm


@admin.register(Group)
class GroupAdmin(HostileQueryAdminMixin, auth_admin.GroupAdmin):
    pass


@admin.register(TokenProxy)
class TokenAdmin(HostileQueryAdminMixin, token_admin.TokenAdmin):
    pass
