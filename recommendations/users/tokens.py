"""API tokens: only their digest is stored, and they expire.

A token is 40 random hex digits handed to the client once, when it signs in at
`POST /api/v1/auth/token/`. The database keeps sha256 of it (its first 40 hex digits, 160 bits,
in DRF's `Token.key` column), so a copy of the database, a backup or the admin's token list
gives nobody a working token. Each sign-in issues a new token and revokes the user's previous
one (DRF's model holds one per user, and a stored digest cannot be shown again). A token older
than `API_TOKEN_DAYS` days is refused; the client signs in again.

DRF's own model with a hashed key rather than django-rest-knox: knox brings its own models,
views and settings for several tokens per user with per-token expiry, but the service needs one
token per user, already revoked by a password change (users/passwords.py) and already
authenticated through our strict TokenAuthentication; hashing the key we have is a few lines.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()[:40]


def token_issue(*, user) -> str:
    """A new token for `user`, revoking their previous one; returns the key (never stored)."""
    key = secrets.token_hex(20)
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        Token.objects.create(user=user, key=token_digest(key))
    return key


def token_expired(token: Token) -> bool:
    return token.created < timezone.now() - datetime.timedelta(days=settings.API_TOKEN_DAYS)
