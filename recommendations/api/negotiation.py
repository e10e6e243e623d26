"""DRF's content negotiation, without parsing what needs no parsing."""

from rest_framework.negotiation import DefaultContentNegotiation


class FirstRendererNegotiation(DefaultContentNegotiation):
    """Most clients send no `format` and an Accept header that is absent, `*/*` or exactly
    the first renderer's media type (JSON): DRF's parsing picks the first renderer and its
    media type for those, so they get it directly (parsing every request's Accept header was
    a twentieth of a list request's CPU). Anything else is negotiated by DRF as before."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if not format_suffix and self.settings.URL_FORMAT_OVERRIDE not in request.query_params:
            first = renderers[0]
            accept = request.META.get("HTTP_ACCEPT")
            if accept is None or accept == "*/*" or accept == first.media_type:
                return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
