"""A signed-in user changes their own password (/password/), the current one asked first.

Analysts and NGO staff cannot use the admin's password page (it admits staff accounts only), so
this is the one place they can. It saves through the password service, like the admin's page
and `manage.py changepassword`: the user's API tokens are revoked and their other sessions end;
this session stays signed in.
"""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from recommendations.users.admin import OwnPasswordForm

from .work import _signed_in


@login_required
def password_change_page(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    if request.method == "POST":
        form = OwnPasswordForm(user, request.POST)
        if form.is_valid():
            user = form.save()
            update_session_auth_hash(request, user)
            messages.success(
                request, _("Your password is changed. Your API tokens are revoked and your other sessions signed out.")
            )
            return redirect("recommendations:profile")
        status = 400
    else:
        form = OwnPasswordForm(user)
        status = 200
    return render(request, "recommendations/password_change.html", {"form": form}, status=status)
