"""Security headers on every response: Content-Security-Policy and Permissions-Policy; and
`Cache-Control: private, no-store` on every response that may carry notes or evidence.

Every page (the dashboard, the admin, Swagger UI, DRF's browsable API) loads its scripts and
styles as files from this site, so the policy needs no 'unsafe-inline'. A response that
already set its own policy keeps it (evidence downloads send a stricter, sandboxing one).
"""

from django.conf import settings
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# Routes (URL names) whose responses may carry progress notes, evidence or who wrote them: no
# shared cache may keep them and no browser may store them on disk. The API's always (they
# are for analysts and above); the pages' when someone is signed in (anonymous visitors see
# the public part only, which may be cached).
PRIVATE_API_ROUTES = frozenset(
    {
        "recommendation-progress",
        "recommendation-evidence",
        "recommendation-history",
        "evidence-file",
        # A new token's key, and the list of one's tokens.
        "auth-token",
        "auth-tokens",
        "auth-token-detail",
    }
)
PRIVATE_PAGE_ROUTES = frozenset(
    {
        "recommendations:detail",
        "recommendations:history",
        "recommendations:progress-record",
        "recommendations:entry-evidence-add",
        "recommendations:work",
        "recommendations:profile",
        "recommendations:password-change",
        "recommendations:email-confirm",
        "recommendations:tokens",
    }
)


class PrivateResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match else None
        if view_name in PRIVATE_API_ROUTES or (
            view_name in PRIVATE_PAGE_ROUTES and getattr(request, "user", None) and request.user.is_authenticated
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
