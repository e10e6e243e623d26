"""Request throttles whose rates are read when a request comes in, not when DRF is imported,
so a rate changed in settings (environment, tests) takes effect without a restart of Python.

Counters live in the default cache: per process with the local-memory cache, shared between
workers when REDIS_URL is set.
"""

import hashlib

from rest_framework import throttling
from rest_framework.settings import api_settings


class LiveRatesMixin:
    @property
    def THROTTLE_RATES(self):
        return api_settings.DEFAULT_THROTTLE_RATES


class AnonRateThrottle(LiveRatesMixin, throttling.AnonRateThrottle):
    """Anonymous clients, by address."""


class UserRateThrottle(LiveRatesMixin, throttling.UserRateThrottle):
    """Authenticated clients, by user."""


class LoginRateThrottle(LiveRatesMixin, throttling.SimpleRateThrottle):
    """Login attempts by client address: one client guessing many passwords."""

    scope = "login"

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUsernameRateThrottle(LiveRatesMixin, throttling.SimpleRateThrottle):
    """Login attempts per account: many clients guessing one account's password."""

    scope = "login"

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username:
            return None
        # Hashed: a username may hold characters no cache key should (spaces, NUL, quotes).
        ident = hashlib.sha256(username.casefold().encode("utf-8", "replace")).hexdigest()
        return self.cache_format % {"scope": "login-username", "ident": ident}
