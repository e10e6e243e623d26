"""DRF's content negotiation, without parsing what needs no parsing, and with a `format`
the endpoint does not answer in refused by name."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class FirstRendererNegotiation(DefaultContentNegotiation):
    """Most clients send no `format` and an Accept header that is absent, `*/*` or exactly
    the first renderer's media type (JSON): DRF's parsing picks the first renderer and its
    media type for those, so they get it directly (parsing every request's Accept header was
    a twentieth of a list request's CPU). Anything else is negotiated by DRF as before."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if not format_suffix and request.query_params.get(self.settings.URL_FORMAT_OVERRIDE) == "":
            self.filter_renderers(renderers, "")  # an empty `format=` would silently mean the default
        if not format_suffix and self.settings.URL_FORMAT_OVERRIDE not in request.query_params:
            first = renderers[0]
            accept = request.META.get("HTTP_ACCEPT")
            if accept is None or accept == "*/*" or accept == first.media_type:
                return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        """The renderers of `format`. One the endpoint does not have is a 400 naming `format`
        and the values it takes (DRF answers 404 "not found", as if the URL were wrong)."""
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            raise ValidationError(
                {
                    self.settings.URL_FORMAT_OVERRIDE: [
                        _("“%(value)s” is not a format of this endpoint; use one of: %(allowed)s.")
                        % {"value": format, "allowed": ", ".join(renderer.format for renderer in renderers)}
                    ]
                }
            )
        return matching
