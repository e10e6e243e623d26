"""DRF's session authentication, skipped when there can be no session."""

from django.conf import settings
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication


class CookieSessionAuthentication(SessionAuthentication):
    """Without a session cookie Django's session is empty and its user anonymous, so DRF's
    session authentication would find no one: say so without building the session and the
    lazy user (anonymous reads are most requests). With a cookie, DRF's own check runs."""

    def authenticate(self, request):
        if settings.SESSION_COOKIE_NAME not in request._request.COOKIES:
            return None
        return super().authenticate(request)


class CookieSessionScheme(SessionScheme):
    """The OpenAPI description of the session cookie, as for DRF's own class."""

    target_class = "recommendations.api.authentication.CookieSessionAuthentication"
