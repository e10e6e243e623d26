"""DRF's authentication classes, made cheap and strict: session authentication skipped when
there can be no session, token authentication that looks up only keys of the form the server
issues. A token is sent as `Authorization: Token <key>` or, as most HTTP clients write it,
`Authorization: Bearer <key>`: the same key either way, both declared in the schema."""

import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import authentication, exceptions
from rest_framework.authentication import SessionAuthentication

from recommendations.users.tokens import TokenRefused, token_authenticate

# users/tokens.py issues 40 lowercase hex digits (20 random bytes).
TOKEN_KEY = re.compile(r"[0-9a-f]{40}")


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


class TokenAuthentication(authentication.TokenAuthentication):
    """Our tokens (users/tokens.py): named, several per user, stored as digests, refused once
    expired, once the password they were issued under is no longer the user's, or once the
    account is deactivated. A key that cannot be one of ours (NUL, which PostgreSQL refuses even
    to compare, an unpaired surrogate, kilobytes of text) is refused like a wrong key, without a
    query."""

    # The schemes a key is sent with (compared in either case, as HTTP's are). Another scheme
    # (`Basic`, from a proxy's password in front of the site) is not ours and not refused.
    SCHEMES = (b"token", b"bearer")

    def authenticate(self, request):
        try:
            header = authentication.get_authorization_header(request).split()
        except UnicodeError:  # a header no HTTP server would pass on, but a test client can
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        if not header or header[0].lower() not in self.SCHEMES:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: send “%(scheme)s <key>”, the key without spaces.")
                % {"scheme": header[0].decode("latin-1")}
            )
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key):
        if not TOKEN_KEY.fullmatch(key):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        try:
            return token_authenticate(key)
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(str(refused)) from None


class TokenSchemes(OpenApiAuthenticationExtension):
    """Both ways of sending a token, as alternatives (either will do), in the schema's
    security schemes."""

    target_class = "recommendations.api.authentication.TokenAuthentication"
    name = ["tokenAuth", "bearerAuth"]

    def get_security_requirement(self, auto_schema):
        return [{"tokenAuth": []}, {"bearerAuth": []}]

    def get_security_definition(self, auto_schema):
        return [
            build_bearer_security_scheme_object(header_name="Authorization", token_prefix=self.target.keyword),
            {"type": "http", "scheme": "bearer", "description": "The same key as `Authorization: Bearer <key>`."},
        ]
