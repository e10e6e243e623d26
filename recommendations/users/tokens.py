"""API tokens: named, several per user, stored only as digests, expiring, and refused once the
password they were issued under is no longer the user's (the model: users/models.py).

A token is 40 random hex digits handed to the client once, when it is created (by signing in at
`POST /api/v1/auth/token/`, or on the "API tokens" page). The database keeps sha256 of it (its
first 40 hex digits, 160 bits), so a copy of the database, a backup or the admin gives nobody a
working token. Each token has a name, an expiry (at most `API_TOKEN_DAYS` days after it is made)
and the time it was last used; its user lists and revokes theirs (`GET /api/v1/auth/tokens/`,
`DELETE /api/v1/auth/tokens/{id}/`, the page `/profile/tokens/`).

Credentials die with the password: a token keeps a digest of the password hash it was issued
under and `token_authenticate` compares it with the user's current one, so a password changed by
any path — the product's pages, `changepassword`, or `user.set_password(…); user.save()` in a
shell or a data migration — refuses every older token at its next use. An account that is
deactivated refuses them too. `user_password_set` (users/passwords.py) also deletes them.

A user keeps at most `API_TOKENS_PER_USER` (20) tokens: a new one beyond that revokes the one
used least recently, so a script that signs in on every run never piles them up.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from . import events
from .models import ApiToken

API_TOKENS_PER_USER = 20
# last_used_at is written at most this often per token: not a write on every request.
LAST_USED_PRECISION = datetime.timedelta(minutes=5)
DEFAULT_NAME = "API"


class TokenRefused(Exception):
    """The key is no token of ours, or its token may no longer be used; the message says which."""


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()[:40]


def password_digest(user: User) -> str:
    """What a token remembers of the password it was issued under: a digest of the stored hash
    (never the hash itself, which a copy of the token table would otherwise also leak)."""
    return hashlib.sha256(f"api-token\x00{user.password}".encode()).hexdigest()


def token_create(*, user: User, name: str = "", days: int | None = None, request=None) -> tuple[ApiToken, str]:
    """A new token for `user`, valid `days` days (at most, and by default, API_TOKEN_DAYS);
    returns the stored token and its key, which is never stored and cannot be shown again."""
    name = (name or DEFAULT_NAME).strip() or DEFAULT_NAME
    most = settings.API_TOKEN_DAYS
    days = most if days is None else days
    if not 1 <= days <= most:
        raise ValidationError({"days": _("Between 1 and %(most)d days.") % {"most": most}})
    if not user.has_usable_password():
        raise ValidationError(_("An account without a password has no API tokens."))
    key = secrets.token_hex(20)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name,
        digest=token_digest(key),
        password_digest=password_digest(user),
        expires_at=now + datetime.timedelta(days=days),
    )
    token.full_clean(exclude=["user", "created_at"])
    with transaction.atomic():
        token.save()
        surplus = ApiToken.objects.filter(user=user).order_by(Coalesce("last_used_at", "created_at").desc(), "-id")
        surplus_ids = list(surplus.values_list("id", flat=True)[API_TOKENS_PER_USER:])
        ApiToken.objects.filter(id__in=surplus_ids).delete()
    events.security_event(
        "token.created",
        request=request,
        user=user,
        token_id=token.pk,
        token_name=token.name,
        expires_at=token.expires_at,
    )
    for revoked in surplus_ids:
        events.security_event(
            "token.revoked", request=request, user=user, token_id=revoked, reason="over the limit per user"
        )
    return token, key


def token_issue(*, user: User, name: str = "") -> str:
    """A new token's key (scripts and tests that need one for a user)."""
    return token_create(user=user, name=name)[1]


def token_revoke(*, user: User, token_id: int, request=None) -> bool:
    """Delete one of `user`'s tokens; False if they have none with that id."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if deleted:
        events.security_event("token.revoked", request=request, user=user, token_id=token_id)
    return bool(deleted)


def tokens_revoke_all(*, user: User, reason: str, request=None) -> int:
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    if deleted:
        events.security_event("token.revoked", request=request, user=user, count=deleted, reason=reason)
    return deleted


def token_authenticate(key: str) -> tuple[User, ApiToken]:
    """The user and token a key (of the form we issue) stands for, or TokenRefused."""
    try:
        token = ApiToken.objects.select_related("user").get(digest=token_digest(key))
    except ApiToken.DoesNotExist:
        raise TokenRefused(_("Invalid token.")) from None
    user = token.user
    now = timezone.now()
    if not user.is_active:
        raise TokenRefused(_("User inactive or deleted."))
    if token.expires_at <= now:
        raise TokenRefused(_("This token has expired; sign in again for a new one."))
    if not hmac.compare_digest(token.password_digest, password_digest(user)):
        raise TokenRefused(_("The password has changed since this token was issued; sign in again."))
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return user, token
