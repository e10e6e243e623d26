"""Public reads answered before Django: the WSGI application's first step.

A cached answer served by the view (views.py) still costs a request's whole trip through
Django's handler, twenty middleware and DRF's dispatch, ~1.3 ms of CPU for bytes already kept
in a dictionary. Here, the same answer is handed back from the WSGI call itself when
the request is one the view said it may be: an anonymous GET (no cookie, no credentials, no
conditional headers) of a cached read, whose final answer — every middleware's headers
included — was stored under everything the request says, the data version and the day.

What still runs for each such request, so nothing the API promises changes:
- the data version, read first from the database the view reads (reads.py): a write since the
  answer was stored moves it, and the request misses and goes to Django;
- the view's own throttles, in the view's order (so the RateLimit headers count this request,
  and a client over its limit goes to Django, which answers the 429).

The key holds the path, the query and every request header except those listed in
`IGNORED_HEADERS`, which no answer depends on: an answer is shared only by requests that say
the same thing. A header not in that list (a new one, a proxy's) is part of the key, so a
response that could depend on it is never served to a request without it.
"""

import functools
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIRequest
from django.urls import Resolver404, ResolverMatch, resolve
from rest_framework.exceptions import Throttled
from rest_framework.request import Request

from recommendations.api.throttling import rate_limit_headers

from .reads import LARGEST_CACHED_BYTES, CachedAnswer, answer_get, answer_set, data_version, read_database, today

# Set by the view (views.py) on the request's environ when its answer may be handed back here:
# the data version it was computed at.
VERSION_MARK = "tracker.public_read_version"
# On a miss: the key its answer is kept under, where and at which version it was looked up
# (the view takes that version rather than reading it again).
LANE_READ = "tracker.public_read_lane"


@dataclass(frozen=True)
class LaneRead:
    key: str
    alias: str
    version: str


# The request says who it is, or asks for a conditional or partial answer: Django answers.
DECLINING_HEADERS = frozenset(
    {"HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE"}
)
# Headers no answer depends on: the connection's, the client's own caching hints, where it
# came from (the address counts only for throttles, which run for each request here).
IGNORED_HEADERS = frozenset(
    {
        "HTTP_CONNECTION",
        "HTTP_KEEP_ALIVE",
        "HTTP_TE",
        "HTTP_PRIORITY",
        "HTTP_CACHE_CONTROL",
        "HTTP_PRAGMA",
        "HTTP_REFERER",
        "HTTP_DNT",
        "HTTP_UPGRADE_INSECURE_REQUESTS",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_REAL_IP",
    }
)
# Written for each request (the throttles' count), never stored.
PER_REQUEST_HEADERS = frozenset({"ratelimit", "ratelimit-policy", "date"})


def _ignored(name: str) -> bool:
    if name in IGNORED_HEADERS or name.startswith("HTTP_SEC_"):
        return True
    # Django refuses listed user agents (DISALLOWED_USER_AGENTS): then the agent is part of the key.
    return name == "HTTP_USER_AGENT" and not settings.DISALLOWED_USER_AGENTS


def answerable(environ) -> bool:
    return environ.get("REQUEST_METHOD") == "GET" and not any(name in environ for name in DECLINING_HEADERS)


@functools.lru_cache(maxsize=512)
def cached_route(path: str) -> tuple[ResolverMatch, type] | None:
    """The URL's match and view class when its GET is a cached read (views.CachedReadMixin:
    the view's `cached_actions`, or a plain view's GET); None for every other path, which
    costs no database query here. Kept per path: the URL configuration never changes while
    a process runs."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    view_class = getattr(match.func, "cls", None)
    cached_actions = getattr(view_class, "cached_actions", None)
    if view_class is None or cached_actions is None:
        return None
    actions = getattr(match.func, "actions", None)
    if actions is not None and actions.get("get") not in cached_actions:
        return None
    return match, view_class


def lane_key(environ, version: str) -> str:
    headers = sorted(
        f"{name}={value}"
        for name, value in environ.items()
        if (name.startswith("HTTP_") and not _ignored(name)) or name in ("CONTENT_TYPE", "CONTENT_LENGTH")
    )
    parts = (
        version,
        today(),
        environ.get("wsgi.url_scheme", ""),
        environ.get("SERVER_NAME", ""),
        environ.get("SERVER_PORT", ""),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        *headers,
    )
    return "lane:" + hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


class PublicReadLane:
    """Wraps the WSGI application (tracker/wsgi.py)."""

    def __init__(self, application) -> None:
        self.application = application

    def __call__(self, environ, start_response):
        route = cached_route(environ.get("PATH_INFO", "")) if answerable(environ) else None
        if route is None:
            return self.application(environ, start_response)
        answered = self._answer(environ, start_response, *route)
        if answered is not None:
            return answered
        response = self.application(environ, start_response)
        version = environ.get(VERSION_MARK)
        if version is None:
            return response
        return self._stored(environ, version, response)

    def _answer(self, environ, start_response, match: ResolverMatch, view_class: type):
        """The stored answer with this request's RateLimit headers; None: Django answers."""
        try:
            alias = read_database()
            version = data_version(alias)  # asks `alias` itself: no routing to set up around it
        except Exception:  # a lost connection and the like: Django answers, and reports it
            return None
        key = lane_key(environ, version)
        stored = answer_get(key)
        if stored is None:
            environ[LANE_READ] = LaneRead(key, alias, version)
            return None
        counted = self._throttled(environ, match, view_class)
        if counted is None:
            return None
        headers = [*stored.headers, *rate_limit_headers(counted).items()] if counted else list(stored.headers)
        start_response(f"{stored.status} OK", headers)
        return [stored.content]

    @staticmethod
    def _throttled(environ, match: ResolverMatch, view_class: type):
        """The view's throttles, run as DRF runs them for an anonymous request: their RateLimit
        states, or None when one refuses (Django then answers the 429 with its message)."""
        request = Request(WSGIRequest(environ), authenticators=())
        request.user = AnonymousUser()
        view = view_class(**getattr(match.func, "initkwargs", {}))
        view.request, view.args, view.kwargs = request, match.args, match.kwargs
        actions = getattr(match.func, "actions", None)
        if actions:
            view.action = actions.get("get")
        try:
            view.check_throttles(request)
        except Throttled:
            return None
        return request._request.__dict__.get("rate_limits", [])

    @staticmethod
    def _stored(environ, version: str, response):
        """Keeps Django's final answer for the next identical request (under the version the
        view computed it at, read before its rows: see reads.py), and hands it on."""
        looked_up = environ.get(LANE_READ)
        storable = (
            looked_up is not None
            and version == looked_up.version
            # A Django response in memory (not a stream, nor a server's file wrapper) setting no cookie.
            and getattr(response, "status_code", None) == 200
            and getattr(response, "streaming", True) is False
            and not response.cookies
            and len(response.content) <= LARGEST_CACHED_BYTES
        )
        if storable:
            headers = tuple(
                (name, value) for name, value in response.items() if name.lower() not in PER_REQUEST_HEADERS
            )
            answer_set(looked_up.key, CachedAnswer(200, response.content, headers))
        return response
