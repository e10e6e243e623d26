"""Creating users."""

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
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
