"""JSON rendered with orjson: the JSON DRF's JSONRenderer writes with this project's settings
(compact, UTF-8 unescaped, U+2028/U+2029 escaped, "Z" for UTC), in a fraction of its time
(the standard library's encoder was a twentieth of a list request's CPU).

A value orjson does not know (Decimal, lazy translation, set…) goes through DRF's own
encoder; an indented response (`Accept: application/json; indent=4`) or anything orjson
refuses is rendered by DRF's renderer itself.
"""

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS
_default = JSONEncoder().default  # DRF's own conversions for what orjson does not know


def dumps(data) -> bytes:
    """`data` as the API's JSON bytes; raises TypeError (orjson.JSONEncodeError) when orjson
    cannot encode it."""
    return escape_line_separators(orjson.dumps(data, default=_default, option=_OPTIONS))


def escape_line_separators(body: bytes) -> bytes:
    """As DRF does: U+2028 and U+2029 are valid JSON but end a line in JavaScript."""
    if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
        body = body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
    return body


def writes_compact_json(request, renderer_context: dict) -> bool:
    """Whether the request's response is this renderer's compact JSON (not the browsable
    API's page, nor indented): the body a view may hand over already written."""
    renderer = getattr(request, "accepted_renderer", None)
    return isinstance(renderer, ORJSONRenderer) and not renderer.get_indent(
        getattr(request, "accepted_media_type", ""), renderer_context
    )


class WrittenJSONResponse(Response):
    """A response whose JSON body is already written: DRF's negotiation, status and headers,
    with the bytes as they are."""

    def __init__(self, body: bytes):
        self.written_body = body
        super().__init__(data=None)

    @property
    def data(self):
        """The body read back, for code that reads any DRF response's data (tests, caches)."""
        return orjson.loads(self.written_body)

    @data.setter
    def data(self, value) -> None:
        if value is not None:  # replaced: rendered as any response's data
            self.written_body = dumps(value)

    @property
    def rendered_content(self):
        renderer = self.accepted_renderer
        self["Content-Type"] = self.content_type or renderer.media_type  # as Response: JSON has no charset
        return self.written_body


class ORJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            return dumps(data)
        except (TypeError, ValueError):
            return super().render(data, accepted_media_type, renderer_context)
