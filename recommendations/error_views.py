"""The site's error views (Django's handler400/403/404/500, and the 408 and 413 the request
body guards answer): the visitor's page in their language, or the API's JSON error for
/api/ paths.

DRF's exception handler covers errors raised inside API views. These cover the rest: URLs
that match no route, request bodies Django itself refuses, and exceptions raised outside
views, such as session or authentication middleware reaching a database that is down. A
client of /api/ then always gets JSON, and a database outage is a 503 it can retry.
"""

import logging
import sys

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

from recommendations.users.events import security_event

from .api.exceptions import (
    RETRY_AFTER_SECONDS,
    ServiceUnavailable,
    api_error,
    api_status_error,
    is_api,
    is_database_unavailable,
)

logger = logging.getLogger(__name__)


def _user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def request_too_large(request) -> HttpResponse:
    """413: the API's JSON error, or the site's page in the visitor's language."""
    if is_api(request):
        return api_status_error(413)
    return HttpResponse(loader.render_to_string("413.html", request=request), status=413)


def request_too_slow(request) -> HttpResponse:
    """408: the server stopped waiting for a body that arrived too slowly (tracker/serving.py)."""
    if is_api(request):
        return api_status_error(408)
    return HttpResponse(loader.render_to_string("408.html", request=request), status=408)


def bad_request(request, exception, *args, **kwargs):
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    if is_api(request):
        return api_status_error(400)
    return defaults.bad_request(request, exception, *args, **kwargs)


def permission_denied(request, exception, *args, **kwargs):
    security_event(
        "permission.denied", request=request, user=_user(request), reason=type(exception).__name__ if exception else ""
    )
    if is_api(request):
        return api_status_error(403)
    return defaults.permission_denied(request, exception, *args, **kwargs)


def page_not_found(request, exception, *args, **kwargs):
    if is_api(request):
        return api_status_error(404)
    return defaults.page_not_found(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    # Called while the exception is being handled, so it is still in sys.exc_info().
    if is_database_unavailable(sys.exc_info()[1]):
        detail = str(ServiceUnavailable.default_detail)
        if is_api(request):
            response = api_error(503, detail, ServiceUnavailable.default_code)
        else:
            # The page of the other errors, rendered without the request: its context would
            # reach for the session and the user, in the database that is down.
            response = HttpResponse(loader.get_template("503.html").render({"detail": detail}), status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    if is_api(request):
        return api_status_error(500)
    return defaults.server_error(request, *args, **kwargs)
