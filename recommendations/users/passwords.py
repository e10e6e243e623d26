"""Setting a password, and ending what the old one opened."""

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from recommendations.history import services as history
from recommendations.history.services import Actor
from recommendations.models import ChangeRecord

from . import events
from .tokens import tokens_revoke_all


def user_password_set(*, user: User, password: str | None, by: Actor = None, request=None) -> None:
    """Set `user`'s password (None: no password, signing in is off) and revoke every
    credential the old one gave: the user's API tokens are deleted, and every session signed
    in as the user ends at its next request (Django checks the password hash each session
    carries). A caller that wants to keep the current request's session signed in calls
    `update_session_auth_hash` afterwards, as Django's password change views do. The change is a
    history row on the user (who changed it, never the password) and a security event.

    The admin's password pages, /password/ and `manage.py changepassword` come through here. A
    password changed any other way (`set_password(); save()` in a shell) still refuses the old
    tokens (users/tokens.py) and sessions (Django's session hash), and is logged by
    `PasswordChangeLogger`.
    """
    if password is not None:
        validate_password(password, user)
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user._password_change_logged = True  # type: ignore[attr-defined]  # this service logs it
        user.save(update_fields=["password"])
        tokens_revoke_all(user=user, reason="password changed", request=request)
        history.change_record_create(
            obj=user,
            action=ChangeRecord.Action.UPDATE,
            user=by,
            before=None,
            after={"password": "disabled" if password is None else "changed"},
            message=_("Password disabled") if password is None else _("Password changed"),
        )
    events.security_event(
        "password.changed",
        request=request,
        user=user,
        changed_by=getattr(by, "username", None) if by is not None else None,
        disabled=password is None,
    )


class PasswordChangeLogger:
    """A password "validator" that validates nothing: Django calls its `password_changed` after
    every save of a new password, whatever set it (a shell, a data migration, user creation), so
    a change outside `user_password_set` is a security event too."""

    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is None or getattr(user, "_password_change_logged", False):
            if user is not None:
                user._password_change_logged = False
            return
        events.security_event("password.changed", user=user, path_outside_service=True)

    def get_help_text(self) -> str:
        return ""
