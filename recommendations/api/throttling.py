"""Request throttles whose rates are read when a request comes in, not when DRF is imported,
so a rate changed in settings (environment, tests) takes effect without a restart of Python.

Counters live in the default cache: per process with the local-memory cache, shared between
workers when REDIS_URL is set.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

from ..users.addresses import client_address


class LiveRatesMixin:
    @property
    def THROTTLE_RATES(self):
        return api_settings.DEFAULT_THROTTLE_RATES

    def get_ident(self, request):
        """The client's address; X-Forwarded-For only from our proxies (users/addresses.py)."""
        return client_address(request)


class AnonRateThrottle(LiveRatesMixin, throttling.AnonRateThrottle):
    """Anonymous clients, by address."""


class UserRateThrottle(LiveRatesMixin, throttling.UserRateThrottle):
    """Authenticated clients, by user."""
