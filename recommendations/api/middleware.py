"""HTTP behaviour API clients rely on, applied before and after any view runs.

- A redirect never turns a write into a read: an unsafe request (POST, PATCH, DELETE…) to a
  URL without its trailing slash, or over plain HTTP when HTTPS is required, is answered 308,
  which keeps the method and the body, instead of Django's 301 (which clients follow as a GET
  and then report success) or, with DEBUG on, a 500 page.
- Under /api/ every error is JSON in the one error shape, also where Django itself answers
  (no route, a body too large) and also with DEBUG on.
- JSON lists, the schema and CSV exports are gzip-compressed when that is safe (see
  `ApiGZipMiddleware`).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.middleware import common, gzip
from django.utils.http import escape_leading_slashes
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS

from .exceptions import api_error, api_status_error, is_api

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


class PermanentRedirectKeepingMethod(HttpResponsePermanentRedirect):
    status_code = 308


def keep_method(request, response):
    """A 301 Django made for this request, as a 308 when the request is not a read."""
    if response is None or request.method in SAFE_METHODS or response.status_code != 301:
        return response
    location = response["Location"]
    redirect: HttpResponse = PermanentRedirectKeepingMethod(location)
    if is_api(request):
        redirect = api_error(
            308,
            _("This resource is at %(location)s; send the request there.") % {"location": location},
            "moved_permanently",
        )
        redirect["Location"] = location
    return redirect


class KeepMethodOnRedirectMiddleware:
    """Outermost: a permanent redirect (301) of an unsafe request becomes a 308, wherever it
    was made (SecurityMiddleware's SECURE_SSL_REDIRECT, CommonMiddleware's APPEND_SLASH).
    A 302 after a form post (post/redirect/get) is left alone: that one is meant as a GET."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return keep_method(request, self.get_response(request))


class CommonMiddleware(common.CommonMiddleware):
    """APPEND_SLASH for every method, also with DEBUG on."""

    def get_full_path_with_slash(self, request):
        # Django raises here in DEBUG for unsafe methods because its 301 would drop the body;
        # KeepMethodOnRedirectMiddleware turns that 301 into a 308, which keeps it.
        return escape_leading_slashes(request.get_full_path(force_append_slash=True))


KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary", "Content-Language")


class ApiErrorMiddleware:
    """JSON errors under /api/ wherever they come from (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api(request):
            return self.get_response(request)
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if response.status_code < 400 or "json" in content_type:
            return response
        if response.status_code >= 500 and settings.DEBUG:
            return response  # the debug page, for the developer who is running the server
        converted = api_status_error(response.status_code)
        for header in KEPT_HEADERS:
            if response.has_header(header):
                converted[header] = response[header]
        return converted

    def process_exception(self, request, exception):
        if is_api(request) and isinstance(exception, TOO_LARGE):
            return self.too_large()
        return None

    @staticmethod
    def too_large():
        return api_status_error(413)


COMPRESSIBLE_TYPES = ("application/json", "application/vnd.oai.openapi", "text/csv")


class ApiGZipMiddleware(gzip.GZipMiddleware):
    """Compression only where BREACH cannot read a secret through it.

    BREACH needs a response that carries a secret (a CSRF token, a session-bound value) and
    text an attacker chose, fetched with the victim's ambient credentials. So only API reads
    (GET) of JSON, the schema and CSV are compressed, and only for requests that do not carry
    the session cookie: anonymous and token clients, whose credentials an attacker's page
    cannot make a browser send. Pages (HTML with CSRF tokens), the browsable API, logins and
    writes are never compressed. XLSX is a zip already. A response marked `no-transform` (one
    whose strong ETag is meant for If-Match) is left as it is.
    """

    def process_response(self, request, response):
        if not (
            is_api(request)
            and request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES)
            and not response.cookies
            and "no-transform" not in response.get("Cache-Control", "")
        ):
            return response
        return super().process_response(request, response)
