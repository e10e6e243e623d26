"""The sign-in forms of the site and the admin: a locked-out attempt says so."""

from typing import TYPE_CHECKING

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Mixed into Django's authentication forms; type-checked as one.
if TYPE_CHECKING:
    _FormBase = AuthenticationForm
else:
    _FormBase = object


def lockout_error(locked) -> ValidationError:
    """What a form says when the sign-in limits refused the attempt (login_limits.LoginLocked)."""
    return ValidationError(
        _("Too many failed sign-in attempts. Try again in %(minutes)d minutes."),
        code="locked_out",
        params={"minutes": max(1, locked.retry_after // 60)},
    )


def current_password_check(request, user, password: str) -> None:
    """Raise a ValidationError unless `password` is `user`'s. Checked by authenticate(), so a
    wrong one counts toward the sign-in limits like any other: a borrowed or stolen session
    cannot try passwords freely on the pages that ask for the current one."""
    checked = authenticate(request, username=user.get_username(), password=password)
    locked = getattr(request, "login_lockout", None)
    if locked is not None:
        raise lockout_error(locked)
    if checked is None or checked.pk != user.pk:
        raise ValidationError(_("Your current password was entered incorrectly."), code="password_incorrect")


class LockoutMessageMixin(_FormBase):
    def get_invalid_login_error(self):
        locked = getattr(self.request, "login_lockout", None)
        if locked is None:
            return super().get_invalid_login_error()
        return lockout_error(locked)


class LoginForm(LockoutMessageMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass
