"""One place that turns domain and database errors into JSON API errors with field names.

Every error under /api/ has one shape (the `Error` component of the schema): `detail`, a
message in the request's language, and `code`, a machine-readable word; a validation error
also names each offending field or query parameter with its messages, and `detail` repeats
the first of them, so a client that shows only `detail` still says what to fix.
"""

import logging
import math
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from recommendations.progress.services import StaleVersion
from recommendations.users.events import security_event

from .conditional import localized_etag
from .renderers import ORJSONRenderer

logger = logging.getLogger(__name__)
# Seconds a client is told to wait (`Retry-After`) when the database cannot answer.
RETRY_AFTER_SECONDS = "5"


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, detail: object, code: str) -> JsonResponse:
    """The API's one error shape (the schema's `Error` component), for errors answered
    outside DRF's views (the middleware, the site's error views)."""
    return JsonResponse({"detail": str(detail), "code": code}, status=status)


# What the API says, by status, for an error answered outside its views: Django's handlers
# (error_views.py) and a non-JSON error response turned into JSON (middleware.py).
STATUS_ERRORS = {
    400: (_("Bad request."), "bad_request"),
    403: (_("You do not have permission to perform this action."), "permission_denied"),
    404: (_("Not found."), "not_found"),
    405: (_("This method is not allowed here."), "method_not_allowed"),
    408: (_("The request body arrived too slowly; send it again."), "request_timeout"),
    413: (_("The request body is too large."), "request_too_large"),
    500: (_("A server error occurred."), "server_error"),
}


def api_status_error(status: int) -> JsonResponse:
    """`api_error` with the status's own message and code; any other status, a server error's
    message with the code "error"."""
    message, code = STATUS_ERRORS.get(status, (STATUS_ERRORS[500][0], "error"))
    return api_error(status, message, code)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The recommendation has changed since you read it; fetch it again.")
    default_code = "precondition_failed"


class MeasurePreconditionFailed(PreconditionFailed):
    default_detail = _("The measure has changed since you read it; fetch it again.")


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The database is not reachable right now; try again in a few seconds.")
    default_code = "database_unavailable"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The change conflicts with data stored meanwhile; try again.")
    default_code = "conflict"


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Errors that mean "the database cannot answer now" (down, restarting, unreachable,
    locked), as opposed to a bug or bad data: the client should retry, not report a bug."""
    return isinstance(exc, OperationalError | InterfaceError) or type(exc) is DatabaseError


class InvalidCredentials(exceptions.AuthenticationFailed):
    default_detail = _("Unable to log in with these credentials.")
    default_code = "invalid_credentials"


class LocalizedThrottled(exceptions.Throttled):
    """DRF formats the wait into its message before translating it, so the sentence stays
    English in an Azerbaijani response; this one is translated whole."""

    def __init__(self, wait: float | None) -> None:
        seconds = max(1, math.ceil(wait or 1))
        message = ngettext(
            "Too many requests; try again in %(seconds)d second.",
            "Too many requests; try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
        super().__init__(detail=message)
        self.wait = seconds  # read by DRF's handler for the Retry-After header


def _is_drf_throttle_message(exc: exceptions.Throttled) -> bool:
    """A throttle class's refusal (DRF's half-translated sentence); a view's own message,
    such as the sign-in lock-out's, is kept."""
    return str(exc.detail).startswith(str(exceptions.Throttled.default_detail))


RESERVED_KEYS = ("detail", "code")


def _flatten(name: str, value, into: dict[str, list[str]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{name}.{key}", item, into)
    elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        for index, item in enumerate(value):
            _flatten(f"{name}.{index}", item, into)
    else:
        into.setdefault(name, []).extend(str(item) for item in (value if isinstance(value, list) else [value]))


def _first_code(codes) -> str | None:
    if isinstance(codes, dict):
        codes = list(codes.values())
    if isinstance(codes, list):
        return next((code for code in map(_first_code, codes) if code), None)
    return codes


def error_body(exc: exceptions.APIException) -> dict:
    """`{"detail": ..., "code": ..., <field>: [messages]...}` for any DRF exception."""
    detail: Any = exc.detail
    code = _first_code(exc.get_codes()) or exc.default_code
    if isinstance(detail, dict) and not (set(detail) <= set(RESERVED_KEYS)):
        fields: dict[str, list[str]] = {}
        for name, value in detail.items():
            if name in RESERVED_KEYS:
                continue
            _flatten(str(name), value, fields)
        first_field, first_messages = next(iter(fields.items()), ("non_field_errors", []))
        message = first_messages[0] if first_messages else str(exc.default_detail)
        if first_field != "non_field_errors":
            message = f"{first_field}: {message}"
        code = exc.default_code if isinstance(exc, exceptions.ValidationError | exceptions.ParseError) else code
        return {**fields, "detail": message, "code": code}
    if isinstance(detail, dict):
        detail = detail.get("detail", exc.default_detail)
    if isinstance(detail, list):
        messages: dict[str, list[str]] = {}
        _flatten("detail", detail, messages)
        detail = " ".join(message for values in messages.values() for message in values)
    return {"detail": str(detail) or str(exc.default_detail), "code": code}


def exception_handler(exc, context):
    headers = {}
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        # Its message when it has one (e.g. which parameter this user may not give), else DRF's.
        exc = exceptions.PermissionDenied(*exc.args[:1])
    elif isinstance(exc, StaleVersion):
        headers["ETag"] = localized_etag(exc.current_etag)
        headers["Cache-Control"] = "no-transform"
        exc = MeasurePreconditionFailed() if exc.current_etag.startswith('"m') else PreconditionFailed()
    elif isinstance(exc, IntegrityError):
        logger.warning("integrity error turned into 409: %s", exc)
        exc = Conflict()
    elif is_database_unavailable(exc):
        logger.error("database unavailable: %s", exc)
        exc = ServiceUnavailable()
        headers["Retry-After"] = RETRY_AFTER_SECONDS
    elif isinstance(exc, exceptions.Throttled) and _is_drf_throttle_message(exc):
        exc = LocalizedThrottled(getattr(exc, "wait", None))
    if isinstance(exc, exceptions.PermissionDenied) and context.get("request") is not None:
        request = context["request"]
        user = request.user if request.user.is_authenticated else None
        security_event("permission.denied", request=request, user=user, view=type(context.get("view")).__name__)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = error_body(exc)
        for name, value in headers.items():
            response[name] = value
        if context.get("request") is not None:
            answer_in_json(context["request"])
    return response


def answer_in_json(request) -> None:
    """Errors are JSON whatever format was asked for: a spreadsheet or a document cannot say
    which parameter is wrong, and the browsable page's HTML error reached the client only as
    a bare "Bad request." (`middleware.ApiErrorMiddleware` turns any other error into JSON)."""
    request.accepted_renderer = ORJSONRenderer()
    request.accepted_media_type = ORJSONRenderer.media_type
