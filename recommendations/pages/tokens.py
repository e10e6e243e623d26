"""A signed-in user's own API tokens (/profile/tokens/): their names, when each was made, when
it expires and was last used; a new one (after the current password, as for the other account
changes), whose key is shown on the answering page only; revoking one. Keys are never stored,
so never shown again (users/tokens.py)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from recommendations.users.forms import current_password_check
from recommendations.users.models import ApiToken
from recommendations.users.tokens import token_create, token_revoke

from .work import _signed_in


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the script or machine that uses it."),
    )
    days = forms.IntegerField(label=gettext_lazy("Days until it expires"), min_value=1)
    current_password = forms.CharField(
        label=gettext_lazy("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Read per form: API_TOKEN_DAYS comes from the environment (and tests change it).
        days = self.fields["days"]
        days.validators.append(MaxValueValidator(settings.API_TOKEN_DAYS))
        days.initial = settings.API_TOKEN_DAYS
        days.widget.attrs["max"] = settings.API_TOKEN_DAYS


class TokenRevokeForm(forms.Form):
    revoke = forms.IntegerField()


@require_http_methods(["GET", "POST"])
@login_required
def tokens_page(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    form = TokenCreateForm()
    new_key = None
    status = 200
    if request.method == "POST" and "revoke" in request.POST:
        revoke = TokenRevokeForm(request.POST)
        if revoke.is_valid() and token_revoke(user=user, token_id=revoke.cleaned_data["revoke"], request=request):
            messages.success(request, _("The token is revoked."))
            return redirect("recommendations:tokens")
        messages.error(request, _("You have no such token."))
        status = 400
    elif request.method == "POST":
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            try:
                current_password_check(request, user, form.cleaned_data["current_password"])
                _token, new_key = token_create(
                    user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"], request=request
                )
            except ValidationError as error:
                field = "current_password" if error.code in ("password_incorrect", "locked_out") else None
                form.add_error(field, error)
            else:
                form = TokenCreateForm()
        if new_key is None:
            status = 400
    context = {
        "tokens": ApiToken.objects.filter(user=user),
        "form": form,
        "new_key": new_key,
        "most_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "recommendations/tokens.html", context, status=status)
