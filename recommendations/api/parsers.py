"""JSON bodies read strictly: one meaning per document, or a 400 that says what is wrong."""

import codecs

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json


class DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    document = {}
    for key, value in pairs:
        if key in document:
            raise DuplicateKey(key)
        document[key] = value
    return document


# No body of this API nests deeper than a list inside an object; 32 leaves room and keeps a
# hostile `[[[[…]]]]` from exhausting the stack anywhere after parsing.
MAX_JSON_DEPTH = 32


def _too_deep(data) -> bool:
    """Whether `data` nests deeper than MAX_JSON_DEPTH, walked without recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                return True
            items = value.values() if isinstance(value, dict) else value
            pending.extend((item, depth + 1) for item in items if isinstance(item, dict | list))
    return False


def _is_unencodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _contains_unencodable(value) -> bool:
    if isinstance(value, str):
        return _is_unencodable(value)
    if isinstance(value, dict):
        return any(_is_unencodable(key) or _contains_unencodable(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_contains_unencodable(item) for item in value)
    return False


def _unencodable_field(data) -> str | None:
    """The field holding text that is not valid Unicode (a lone surrogate from a `\\ud800`
    escape): no database can store it, so it is refused here, named."""
    if isinstance(data, dict):
        for key, value in data.items():
            if _is_unencodable(key):
                return "body"
            if _contains_unencodable(value):
                return key
        return None
    return "body" if _contains_unencodable(data) else None


class StrictJSONParser(JSONParser):
    """DRF's parser, plus refusals Python's json module would let through.

    Duplicate keys: `{"status": "implemented", "status": "not_started"}` is refused rather
    than silently taking the last value, because other readers of the same bytes (a proxy,
    an audit log, another client library) may take the first one, and a status change must
    mean one thing.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            decoded_stream = codecs.getreader(encoding)(stream)
            data = json.load(decoded_stream, object_pairs_hook=_refuse_duplicate_keys)
        except DuplicateKey as exc:
            raise ParseError({exc.key: [_("This key appears more than once in the JSON document.")]}) from None
        except UnicodeDecodeError as exc:
            raise ParseError(
                _("JSON parse error - the body is not valid UTF-8 (%(error)s).") % {"error": exc}
            ) from None
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply.")) from None
        if _too_deep(data):
            raise ParseError(_("JSON parse error - nested too deeply.")) from None
        unencodable = _unencodable_field(data)
        if unencodable:
            raise ParseError({unencodable: [_("The text contains an unpaired surrogate; it is not valid Unicode.")]})
        return data
