"""Multipart bodies read with the JSON parser's rules: one value per field, valid UTF-8, and
a field's text taken as sent.

Django's multipart parser keeps every repeated field (DRF then takes the last one) and
decodes invalid UTF-8 as U+FFFD. An upload must mean one thing, as a JSON body does, so a
repeated field or undecodable text is a 400 naming it. The fields come out as a plain dict,
not a QueryDict: DRF then validates them as it validates JSON (an empty `excerpt` is an empty
excerpt, refused, rather than "not sent").
"""

import codecs

from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, MultiPartParser

STRICT_UTF8 = "tracker-strict-utf-8"


def _strict_utf8(name: str):
    """Django decodes every part with `errors="replace"`; this codec ignores the error
    handler it is given, so invalid bytes raise instead of becoming U+FFFD."""
    if name != STRICT_UTF8.replace("-", "_"):
        return None
    utf8 = codecs.lookup("utf-8")

    def decode(data, errors="strict"):
        return utf8.decode(data, "strict")

    return codecs.CodecInfo(name=STRICT_UTF8, encode=utf8.encode, decode=decode)


codecs.register(_strict_utf8)


class StrictMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        try:
            parser = DjangoMultiPartParser(meta, stream, request.upload_handlers, STRICT_UTF8)
            data, files = parser.parse()
        except UnicodeDecodeError:
            raise ParseError(_("Multipart form parse error - a field is not valid UTF-8.")) from None
        except MultiPartParserError as exc:
            raise ParseError(_("Multipart form parse error - %(error)s") % {"error": exc}) from None
        repeated = sorted(name for name, values in [*data.lists(), *files.lists()] if len(values) > 1)
        if repeated:
            raise ParseError({name: [_("This field appears more than once in the form.")] for name in repeated})
        both = sorted(set(data) & set(files))
        if both:
            raise ParseError({name: [_("This field appears more than once in the form.")] for name in both})
        return DataAndFiles(data.dict(), files.dict())
