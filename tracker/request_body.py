"""How large a request body may be, decided before anything reads it.

One ceiling for every request (`DATA_UPLOAD_MAX_MEMORY_SIZE`, 2 MB): more than any form or
JSON body the site takes. Only signed-in users who may add evidence get `EVIDENCE_MAX_BYTES`
more on the routes that take evidence files, and admins `IMPORT_MAX_BYTES` more on the admin's
import page. The declared `Content-Length` is compared before the body is read (Django's
CSRF check would otherwise parse, and spool to disk, whatever arrives); the server in front
(tracker/serving.py) asks the same question before it receives a byte and counts the bytes
of a body sent without a length.

A refused body is a 413 in the request's language: the API's JSON error under /api/, the
site's page elsewhere. A body the server gave up waiting for (too slow) is a 408 the same way.
"""

from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.urls import Resolver404, resolve
from rest_framework import exceptions

from recommendations.api.authentication import TokenAuthentication
from recommendations.choices import Role
from recommendations.error_views import request_too_large, request_too_slow
from recommendations.roles import has_role

# Routes (URL names) that take an upload larger than the ceiling, with who may send one and
# the setting that says how much larger.
UPLOAD_ROUTES = {
    "recommendation-evidence": (Role.NGO_STAFF, "EVIDENCE_MAX_BYTES"),
    "recommendations:progress-record": (Role.NGO_STAFF, "EVIDENCE_MAX_BYTES"),
    "recommendations:entry-evidence-add": (Role.NGO_STAFF, "EVIDENCE_MAX_BYTES"),
    "admin:recommendations_source_import": (Role.ADMIN, "IMPORT_MAX_BYTES"),
}
# Set by tracker/serving.py on a request whose body it stopped receiving.
REFUSED_BODY = "tracker.refused_body"
TOO_LARGE, TOO_SLOW = "too_large", "too_slow"


def ceiling() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def upload_route(path: str) -> tuple[Role, str] | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return UPLOAD_ROUTES.get(match.view_name)


def body_limit(request) -> int:
    """The most bytes this request's body may have. Asks who the user is only for a POST to
    an upload route (rare), so other requests cost one comparison."""
    route = upload_route(request.path_info) if request.method == "POST" else None
    if route is None:
        return ceiling()
    role, setting = route
    if not has_role(requesting_user(request), role):
        return ceiling()
    return ceiling() + getattr(settings, setting)


def requesting_user(request):
    """The signed-in user, by session cookie or API token, also before the middleware that
    sets `request.user` has run (the server asks before it reads the body)."""
    user = getattr(request, "user", None)
    if user is None:
        engine = import_module(settings.SESSION_ENGINE)
        request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        user = auth.get_user(request)
    if user.is_authenticated or not request.META.get("HTTP_AUTHORIZATION"):
        return user
    try:
        found = TokenAuthentication().authenticate(request)
    except exceptions.AuthenticationFailed:
        return user
    return found[0] if found else user


def declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


class RequestBodyLimitMiddleware:
    """Refuses a body over its limit (or one the server gave up on) before the CSRF check or a
    view reads it. After the session, locale and authentication middleware: the answer is in
    the visitor's language and knows who is signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = request.META.get("asgi.scope", {}).get(REFUSED_BODY)
        if refused == TOO_SLOW:
            return request_too_slow(request)
        length = declared_length(request)
        if refused == TOO_LARGE or (length is not None and length > ceiling() and length > body_limit(request)):
            return request_too_large(request)
        return self.get_response(request)
