"""Creating users; their notification address."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from recommendations.choices import Role
from recommendations.history import services as history
from recommendations.models import ChangeRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def user_create(*, username: str, role: str, password: str, email: str = "") -> AbstractBaseUser:
    """Create a user in a role's group; admins also get the Django admin site (staff status;
    the admin group carries its permissions, as for a role given in the admin). The role
    given is the user's first history row."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model(username=username, email=email)
        user.is_staff = role == Role.ADMIN
        user.full_clean(exclude=["password"])
        validate_password(password, user)
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        history.change_record_create(
            obj=user, action=ChangeRecord.Action.CREATE, user=None, before=None, after={"role": role}
        )
        return user


def user_email_set(*, user: "User", email: str) -> "User":
    """A user's own address for notifications and reminders; empty turns mail off."""
    with transaction.atomic():
        user.email = get_user_model().objects.normalize_email(email.strip())
        user.full_clean(exclude=["password"])
        user.save(update_fields=["email"])
        return user


EMAIL_CHANGE_SALT = "tracker.users.email-change"
EMAIL_CHANGE_DAYS = 3


def user_email_change_request(*, user: "User", email: str) -> str:
    """Mail a confirmation link to a new address; nothing changes until it is opened
    (`user_email_confirm`). The link names the user, the address it replaces and the new one,
    signed and valid for EMAIL_CHANGE_DAYS days: it works once (the address it replaces is then
    gone) and only for that user. Returns the link's token."""
    email = get_user_model().objects.normalize_email(email.strip())
    candidate = get_user_model()(username=user.get_username(), email=email)
    candidate.full_clean(exclude=["password", "username"])
    token = signing.dumps({"user": user.pk, "from": user.email, "to": email}, salt=EMAIL_CHANGE_SALT, compress=True)
    link = settings.SITE_URL.rstrip("/") + reverse("recommendations:email-confirm", args=[token])
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "recommendations/email/email_change.txt",
            {"username": user.get_username(), "link": link, "days": EMAIL_CHANGE_DAYS},
        )
        subject = _("Confirm your address for the recommendation tracker")
    try:
        EmailMessage(subject=subject, body=body, to=[email]).send()
    except Exception as exc:  # the mail server's error, whatever its kind
        raise ValidationError({"email": _("The confirmation could not be mailed; try again later.")}) from exc
    return token


def user_email_confirm(*, user: "User", token: str, dry_run: bool = False) -> str:
    """Make the address a link of `user_email_change_request` names `user`'s; returns it.
    `dry_run` only checks the link."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        raise ValidationError(_("This link has expired; enter the address on your profile again.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid.")) from None
    if data.get("user") != user.pk or data.get("from") != user.email:
        raise ValidationError(_("This link is for another account, or your address has changed since it was sent."))
    if not dry_run:
        user_email_set(user=user, email=data["to"])
    return data["to"]
