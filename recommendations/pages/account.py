"""A signed-in user's own account: the profile (/profile/: the notification address), the
password (/password/) and the confirmation of a new address (/profile/email/<token>/).

Both changes ask for the current password first, checked through the sign-in limits
(users/forms.py). Analysts and NGO staff cannot use the admin's password page (it admits staff
accounts only), so /password/ is the one place they can change theirs; it saves through the
password service: their API tokens are revoked and their other sessions end, this one stays
signed in. A new notification address is only used once the link mailed to it is opened by
the same user, signed in (users/services.py): mail with what staff follow goes to an address
its owner has shown they read, never to one typed into a borrowed session.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommendations.choices import Role
from recommendations.roles import user_role
from recommendations.users.admin import OwnPasswordForm
from recommendations.users.forms import current_password_check
from recommendations.users.services import user_email_change_request, user_email_confirm, user_email_set

from .work import _signed_in


class PasswordPageForm(OwnPasswordForm):
    def __init__(self, user, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        current_password_check(self.request, self.user, old_password)
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


class ProfileForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        required=False,
        help_text=gettext_lazy("Status changes of what you follow and reminders are sent here. Empty: no mail."),
    )
    current_password = forms.CharField(
        label=gettext_lazy("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("Needed to change the address."),
    )


@login_required
def profile_page(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid() and profile_save(request, form):
            return redirect("recommendations:profile")
        status = 400
    else:
        form = ProfileForm(initial={"email": user.email})
        status = 200
    role = user_role(user)
    context = {"form": form, "role_label": Role(role).label if role else _("No role")}
    return render(request, "recommendations/profile.html", context, status=status)


def profile_save(request: HttpRequest, form: ProfileForm) -> bool:
    """Turn mail off at once, or mail a confirmation link to a new address; False (errors on
    the form) when the password or the address is refused."""
    user = _signed_in(request)
    email = get_user_model().objects.normalize_email(form.cleaned_data["email"].strip())
    if email == user.email:
        messages.success(request, _("Your profile is saved."))
        return True
    try:
        current_password_check(request, user, form.cleaned_data["current_password"])
        if email:
            user_email_change_request(user=user, email=email)
        else:
            user_email_set(user=user, email="")
    except ValidationError as error:
        field = "current_password" if getattr(error, "code", None) in ("password_incorrect", "locked_out") else "email"
        form.add_error(field, error.messages)
        return False
    if email:
        messages.success(
            request,
            _("A link was mailed to %(email)s: the address is used once you open it, signed in as now.")
            % {"email": email},
        )
    else:
        messages.success(request, _("No more mail is sent to you."))
    return True


@login_required
def email_confirm_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the address and a button (mail scanners that open links change nothing);
    POST makes it the user's address."""
    user = _signed_in(request)
    error = None
    if request.method == "POST":
        try:
            user_email_confirm(user=user, token=token)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("recommendations:profile")
    try:
        pending = user_email_confirm(user=user, token=token, dry_run=True)
    except ValidationError as refused:
        error = error or " ".join(refused.messages)
        pending = ""
    context = {"pending": pending, "error": error}
    return render(request, "recommendations/email_confirm.html", context, status=400 if error else 200)
