"""A signed-in user changes their own password (/password/), the current one asked first.

Analysts and NGO staff cannot use the admin's password page (it admits staff accounts only), so
this is the one place they can. It saves through the password service, like the admin's page
and `manage.py changepassword`: the user's API tokens are revoked and their other sessions end;
this session stays signed in. The current password is checked by `authenticate()`, so wrong
guesses count toward the sign-in limits like any other: a borrowed or stolen session cannot
try passwords freely here.
"""

from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from recommendations.users.admin import OwnPasswordForm
from recommendations.users.forms import lockout_error

from .work import _signed_in


class PasswordPageForm(OwnPasswordForm):
    def __init__(self, user, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=old_password)
        locked = getattr(self.request, "login_lockout", None)
        if locked is not None:
            raise lockout_error(locked)
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


@login_required
def password_change_page(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    if request.method == "POST":
        form = PasswordPageForm(user, request.POST, request=request)
        if form.is_valid():
            user = form.save()
            update_session_auth_hash(request, user)
            messages.success(
                request, _("Your password is changed. Your API tokens are revoked and your other sessions signed out.")
            )
            return redirect("recommendations:profile")
        status = 400
    else:
        form = PasswordPageForm(user, request=request)
        status = 200
    return render(request, "recommendations/password_change.html", {"form": form}, status=status)
