"""Django's error pages, as JSON for API paths.

DRF's exception handler covers errors raised inside API views. These cover the rest: URLs
that match no route, request bodies Django itself refuses, and exceptions raised outside
views, such as session or authentication middleware reaching a database that is down. A
client of /api/ then always gets JSON, and a database outage is a 503 it can retry.
"""

import logging
import sys

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from recommendations.users.events import security_event

from .exceptions import is_database_unavailable

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = "5"


def _user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, detail: str, code: str) -> JsonResponse:
    """The API's one error shape (the schema's `Error` component)."""
    return JsonResponse({"detail": str(detail), "code": code}, status=status)


def request_too_large(request) -> HttpResponse:
    """413: the API's JSON error, or the site's page in the visitor's language."""
    if is_api(request):
        return api_error(413, _("The request body is too large."), "request_too_large")
    return HttpResponse(loader.render_to_string("413.html", request=request), status=413)


def request_too_slow(request) -> HttpResponse:
    """408: the server stopped waiting for a body that arrived too slowly (tracker/serving.py)."""
    if is_api(request):
        return api_error(408, _("The request body arrived too slowly; send it again."), "request_timeout")
    return HttpResponse(loader.render_to_string("408.html", request=request), status=408)


def bad_request(request, exception, *args, **kwargs):
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    if is_api(request):
        return api_error(400, _("Bad request."), "bad_request")
    return defaults.bad_request(request, exception, *args, **kwargs)


def permission_denied(request, exception, *args, **kwargs):
    security_event(
        "permission.denied", request=request, user=_user(request), reason=type(exception).__name__ if exception else ""
    )
    if is_api(request):
        return api_error(403, _("You do not have permission to perform this action."), "permission_denied")
    return defaults.permission_denied(request, exception, *args, **kwargs)


def page_not_found(request, exception, *args, **kwargs):
    if is_api(request):
        return api_error(404, _("Not found."), "not_found")
    return defaults.page_not_found(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    # Called while the exception is being handled, so it is still in sys.exc_info().
    if is_database_unavailable(sys.exc_info()[1]):
        detail = _("The database is not reachable right now; try again in a few seconds.")
        if is_api(request):
            response = api_error(503, detail, "database_unavailable")
        else:
            # The page of the other errors, rendered without the request: its context would
            # reach for the session and the user, in the database that is down.
            response = HttpResponse(loader.get_template("503.html").render({"detail": detail}), status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    if is_api(request):
        return api_error(500, _("A server error occurred."), "server_error")
    return defaults.server_error(request, *args, **kwargs)
