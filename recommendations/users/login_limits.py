"""Limits on password guessing, shared by every way to sign in.

The session login forms (`/login/`, `/admin/login/`) and the API's token endpoint all call
`django.contrib.auth.authenticate`, so the limit lives in the authentication backend
(`RateLimitedModelBackend`): one set of counters whichever door a guess comes through.

Failed attempts are counted, in the default cache (shared between processes when
`REDIS_URL` is set), under three keys:

- (username, address): the tight limit. One client guessing one account is locked out of
  that account, for `LOGIN_LOCKOUT_SECONDS` after its last failure.
- address: one client guessing many accounts.
- username: a looser ceiling for many addresses guessing one account. It does not apply from
  an address the user has signed in from recently, so a stranger who knows a username cannot
  lock its owner out of their usual place.

Usernames are keyed as authentication compares them (surrounding space removed, NFKC, as
Django's login form does; casefolded, so case variants share a counter).
"""

import hashlib
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from .addresses import client_address
from .events import security_event

KNOWN_ADDRESS_SECONDS = 60 * 60 * 24 * 30


@dataclass(frozen=True)
class LoginLimits:
    per_address_and_username: int
    per_address: int
    per_username: int
    lockout_seconds: int


def limits() -> LoginLimits:
    return LoginLimits(**settings.LOGIN_LIMITS)


class LoginLocked(PermissionDenied):
    """Too many failed attempts: refused before the password is even checked."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many failed sign-in attempts")
        self.retry_after = retry_after


def normalize_username(username: str) -> str:
    """What authentication looks up: as Django's login form cleans it (stripped, NFKC)."""
    return unicodedata.normalize("NFKC", username.strip())


def _key(kind: str, *parts: str) -> str:
    # Hashed: a username may hold anything (spaces, NUL, quotes) no cache key should.
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"login-{kind}:{digest}"


def _keys(username: str, address: str) -> dict[str, str]:
    name = normalize_username(username).casefold()
    return {
        "pair": _key("pair", name, address),
        "address": _key("address", address),
        "username": _key("username", name),
        "known": _key("known", name, address),
    }


def _count_failure(key: str, seconds: int) -> None:
    if cache.add(key, 1, seconds):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, seconds)
    else:
        cache.touch(key, seconds)  # the lock-out runs from the last failure


def login_check(*, username: str, address: str) -> None:
    """Raise LoginLocked if this attempt is over a limit."""
    limit = limits()
    keys = _keys(username, address)
    counts = cache.get_many([keys["pair"], keys["address"], keys["username"], keys["known"]])
    locked = (
        counts.get(keys["pair"], 0) >= limit.per_address_and_username
        or counts.get(keys["address"], 0) >= limit.per_address
        or (counts.get(keys["username"], 0) >= limit.per_username and not counts.get(keys["known"]))
    )
    if locked:
        raise LoginLocked(limit.lockout_seconds)


def login_failed(*, username: str, address: str) -> None:
    limit = limits()
    keys = _keys(username, address)
    for kind in ("pair", "address", "username"):
        _count_failure(keys[kind], limit.lockout_seconds)


def login_succeeded(*, username: str, address: str) -> None:
    keys = _keys(username, address)
    cache.delete(keys["pair"])
    cache.set(keys["known"], 1, KNOWN_ADDRESS_SECONDS)


class RateLimitedModelBackend(ModelBackend):
    """Django's username and password check, behind the limits above.

    A locked-out attempt is refused before the password is hashed; the request then carries
    `login_lockout` (the LoginLocked), so the form or the API can say why and when to retry.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not isinstance(username, str) or password is None:
            return None
        username = normalize_username(username)
        if request is None:  # code calling authenticate() directly, not a client
            return super().authenticate(request, username=username, password=password, **kwargs)
        address = client_address(request)
        try:
            login_check(username=username, address=address)
        except LoginLocked as locked:
            request.login_lockout = locked
            security_event("login.locked_out", request=request, username=username, retry_after=locked.retry_after)
            raise
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failed(username=username, address=address)
            security_event("login.failed", request=request, username=username)
        else:
            login_succeeded(username=username, address=address)
            security_event("login.succeeded", request=request, user=user)
        return user
