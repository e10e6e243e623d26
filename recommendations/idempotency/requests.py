"""What identifies a request for its `Idempotency-Key`: the key itself, checked, and a
fingerprint of everything else that makes it the same request."""

import datetime
import hashlib
import re
import tempfile

from django.conf import settings
from django.utils.translation import gettext as _

HEADER = "Idempotency-Key"
# How long a key (or a page's one-time form token) is kept.
KEEP = datetime.timedelta(hours=24)
# The methods that are not idempotent by themselves (PUT and DELETE are).
KEYED_METHODS = frozenset({"POST", "PATCH"})
MAX_KEY_LENGTH = 255
# Printable ASCII with at least one visible character (the draft's sf-string alphabet);
# spaces around it are not part of a header's value and are stripped.
KEY_PATTERN = r"^[ -~]*[!-~][ -~]*$"
CHUNK = 64 * 1024
SPOOL = "idempotency_body_spool"


def takes_key(view) -> bool:
    """A write open to anonymous callers (the sign-in) keeps no key: there is no user to keep
    it for, and its answer (a new token) must not be stored to be replayed."""
    return getattr(view, "write_role", True) is not None


class BadKey(ValueError):
    pass


def request_key(request) -> str | None:
    """The key sent, None without one; BadKey for one no client would mean."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key:
        raise BadKey(_("The Idempotency-Key header is empty; send a unique value such as a UUID, or no header."))
    if len(key) > MAX_KEY_LENGTH:
        raise BadKey(_("The Idempotency-Key header may be at most %(limit)d characters.") % {"limit": MAX_KEY_LENGTH})
    if not re.fullmatch(KEY_PATTERN, key):
        raise BadKey(_("The Idempotency-Key header may hold only printable ASCII characters."))
    return key


def request_fingerprint(request) -> str:
    """Method, path with query, media type and body, as one digest.

    A multipart body's boundary is random per attempt (most clients draw a new one on a
    retry), so it is left out: the same parts with another boundary are the same request.
    The body is read here in chunks and handed back to the request as a spooled file, so an
    upload is never held in memory whole and the view still parses it as sent.
    """
    boundary = b""
    if request.content_type == "multipart/form-data":
        boundary = request.content_params.get("boundary", "").encode()
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path(), request.content_type):
        digest.update(part.encode() + b"\n")
    if hasattr(request, "_body"):
        _digest_without(digest, [request._body], boundary)
        return digest.hexdigest()
    spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115 - handed to the request
    chunks = iter(lambda: request._stream.read(CHUNK), b"")

    def copied():
        for chunk in chunks:
            spool.write(chunk)
            yield chunk

    _digest_without(digest, copied(), boundary)
    spool.seek(0)
    request._stream = spool
    request.__dict__[SPOOL] = spool  # closed by the middleware once the response is made
    return digest.hexdigest()


def _digest_without(digest, chunks, boundary: bytes) -> None:
    """Feed the chunks to the digest with every occurrence of `boundary` removed, also one
    that straddles two chunks."""
    if not boundary:
        for chunk in chunks:
            digest.update(chunk)
        return
    keep = len(boundary) - 1
    pending = b""
    for chunk in chunks:
        pending = (pending + chunk).replace(boundary, b"")
        if len(pending) > keep:
            cut = len(pending) - keep
            digest.update(pending[:cut])
            pending = pending[cut:]
    digest.update(pending)
