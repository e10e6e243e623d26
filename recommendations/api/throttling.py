"""Request throttles whose rates are read from settings when a request comes in, not when
DRF is imported, so settings changed after start-up (tests' `override_settings`) apply — a
rate set in the environment is read at start-up like every setting, so changing it needs a
restart; and the headers that let clients pace themselves before a 429.

Counters live in the default cache: per process with the local-memory cache, shared between
workers when REDIS_URL is set.

Every API response a throttle counted carries the IETF httpapi draft's headers
(draft-ietf-httpapi-ratelimit-headers-09) beside `Retry-After` on a 429:

    RateLimit-Policy: "user";q=1200;w=60     the policy: quota q requests per window w seconds
    RateLimit: "user";r=1187;t=42            r requests left, t seconds until one more is free

The policy's name is the throttle's scope: `user` counts every client (a signed-in one by user,
an anonymous one by address), `anon` anonymous clients by address; an anonymous request is
counted by both, and both are listed (`"anon";r=…, "user";r=…`).
"""

import math
from dataclasses import dataclass

from rest_framework import throttling
from rest_framework.settings import api_settings

from ..users.addresses import client_address


@dataclass(frozen=True)
class RateLimitState:
    scope: str
    quota: int
    window: int
    remaining: int
    reset: int

    def policy(self) -> str:
        return f'"{self.scope}";q={self.quota};w={self.window}'

    def limit(self) -> str:
        return f'"{self.scope}";r={self.remaining};t={self.reset}'


def rate_limit_headers(states: list[RateLimitState]) -> dict[str, str]:
    """Each header a list with one item per policy that counted the request, in the same order."""
    return {
        "RateLimit-Policy": ", ".join(state.policy() for state in states),
        "RateLimit": ", ".join(state.limit() for state in states),
    }


class LiveRatesMixin:
    @property
    def THROTTLE_RATES(self):
        return api_settings.DEFAULT_THROTTLE_RATES

    def get_ident(self, request):
        """The client's address; X-Forwarded-For only from our proxies (users/addresses.py)."""
        return client_address(request)

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)  # type: ignore[misc]
        if self.rate is not None and getattr(self, "key", None) is not None:  # type: ignore[attr-defined]
            history, duration = self.history, self.duration  # type: ignore[attr-defined]
            oldest_expires = duration - (self.now - history[-1]) if history else duration  # type: ignore[attr-defined]
            states = request._request.__dict__.setdefault("rate_limits", [])
            states.append(
                RateLimitState(
                    scope=self.scope,  # type: ignore[attr-defined]
                    quota=self.num_requests,  # type: ignore[attr-defined]
                    window=duration,
                    remaining=max(0, self.num_requests - len(history)),  # type: ignore[attr-defined]
                    reset=max(0, math.ceil(oldest_expires)),
                )
            )
        return allowed


class AnonRateThrottle(LiveRatesMixin, throttling.AnonRateThrottle):
    """Anonymous clients, by address."""


class UserRateThrottle(LiveRatesMixin, throttling.UserRateThrottle):
    """Authenticated clients, by user."""


class RateLimitHeadersMiddleware:
    """Writes the RateLimit headers of the throttle that counted the request (in the view) on
    its response, a 429 included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        states = getattr(request, "rate_limits", None)
        if states:
            for name, value in rate_limit_headers(states).items():
                response[name] = value
        return response
