"""One place that turns domain and database errors into JSON API errors with field names."""

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from recommendations.progress.services import StaleVersion

logger = logging.getLogger(__name__)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The recommendation has changed since you read it; fetch it again.")
    default_code = "precondition_failed"


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


def exception_handler(exc, context):
    headers = {}
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, StaleVersion):
        headers["ETag"] = exc.current_etag
        exc = PreconditionFailed()
    elif isinstance(exc, IntegrityError):
        logger.warning("integrity error turned into 409: %s", exc)
        exc = Conflict()
    elif is_database_unavailable(exc):
        logger.error("database unavailable: %s", exc)
        exc = ServiceUnavailable()
        headers["Retry-After"] = "5"
    response = drf_exception_handler(exc, context)
    if response is not None:
        for name, value in headers.items():
            response[name] = value
    return response
