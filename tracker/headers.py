"""Security headers on every response: Content-Security-Policy and Permissions-Policy.

Every page (the dashboard, the admin, Swagger UI, DRF's browsable API) loads its scripts and
styles as files from this site, so the policy needs no 'unsafe-inline'. A response that
already set its own policy keeps it (evidence downloads send a stricter, sandboxing one).
"""

from django.conf import settings


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
