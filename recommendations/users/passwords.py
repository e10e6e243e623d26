"""Setting a password, and ending what the old one opened."""

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from rest_framework.authtoken.models import Token


def user_password_set(*, user: User, password: str | None) -> None:
    """Set `user`'s password (None: no password, signing in is off) and revoke every
    credential the old one gave: the user's API tokens are deleted, and every session signed
    in as the user ends at its next request (Django checks the password hash each session
    carries). A caller that wants to keep the current request's session signed in calls
    `update_session_auth_hash` afterwards, as Django's password change views do.

    The admin's password pages and `manage.py changepassword` come through here.
    """
    if password is not None:
        validate_password(password, user)
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        Token.objects.filter(user=user).delete()
