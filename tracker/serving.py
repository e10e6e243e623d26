"""The application granian serves (scripts/serve): the WSGI app behind a body-receiving guard.

Served as plain WSGI, granian hands a request to one of the worker's few threads as soon as
its headers arrive, and the thread then waits for the body as slowly as the client sends it:
eight clients sending one byte and then nothing held every thread, and no other request was
answered (docs/security.md, "Slow clients"). granian has no body-read timeout. Here the server
speaks ASGI and the body is received in the event loop, where a waiting connection costs a
few kilobytes and no thread; only a complete body reaches the WSGI application, which runs in
a fixed pool of WEB_THREADS threads (a2wsgi, handing each answer back in one piece:
tracker/wsgi_threads.py), as before: same threads, same persistent
database connections.

Receiving is bounded twice:
- in time: the body must arrive at `REQUEST_BODY_MIN_RATE` bytes a second after
  `REQUEST_BODY_GRACE_SECONDS` (by default 1 KiB/s after 10 s; an upload at any usable speed
  never comes near it); a slower client gets a 408 and its connection closed;
- in size: the limit tracker/request_body.py declares for the request, decided before the
  first byte is read (asking who the user is only for a large upload) and counted as bytes
  arrive, so a body without Content-Length cannot grow past it either. A body declared over it
  is not stored: the application answers 413 from the headers. A client that sends the whole
  body before it reads the answer (http.client, requests, most scripts) would then find the
  connection closed under it (a broken pipe, not the JSON 413): so a declared body of up to
  `REQUEST_BODY_DISCARD_BYTES` (32 MB) is received and thrown away, at the same minimum rate,
  before the 413 is sent. Larger ones, bodies without a length, and clients that wait for
  `100 Continue` are answered at once.
"""

import asyncio
import io
import os
import tempfile
from typing import Any

from a2wsgi.wsgi import build_environ
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest

from tracker.wsgi import application as wsgi_application

from .request_body import REFUSED_BODY, TOO_LARGE, TOO_SLOW, body_limit, ceiling, upload_route
from .wsgi_threads import OneHopWSGIMiddleware

CHUNK = 64 * 1024


class RequestBodyGuard:
    def __init__(self, app, *, limit_executor, grace_seconds: float, min_rate: float) -> None:
        self.app = app
        self.limit_executor = limit_executor
        self.grace_seconds = grace_seconds
        self.min_rate = min_rate

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = declared_length(scope)
        if length is None and not has_header(scope, b"transfer-encoding"):
            # Neither header: no body follows (RFC 9112, 6.3), so there is nothing to receive.
            return await self.app(scope, receive, send)
        limit = ceiling()
        if (length is None or length > limit) and scope["method"] == "POST" and upload_route(scope["path"]):
            limit = await asyncio.get_running_loop().run_in_executor(self.limit_executor, limit_for, scope)
        if length is not None and length > limit:
            if length <= settings.REQUEST_BODY_DISCARD_BYTES and not expects_continue(scope):
                outcome = await self.receive_body(receive, None, length)
                if outcome == TOO_SLOW:
                    return await self.app(refused(scope, TOO_SLOW), nothing_more, send)
            return await self.app(refused(scope, TOO_LARGE), nothing_more, send)
        body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
        try:
            outcome = await self.receive_body(receive, body, limit)
            if outcome:
                return await self.app(refused(scope, outcome), nothing_more, send)
            body.seek(0)
            return await self.app(scope, replay(body, receive), send)
        finally:
            body.close()

    async def receive_body(self, receive, body, limit: int) -> str | None:
        """Receive the whole body into `body` (None: throw it away); None when complete, else
        why it was refused."""
        loop = asyncio.get_running_loop()
        started, received = loop.time(), 0
        while True:
            deadline = started + self.grace_seconds + received / self.min_rate
            try:
                message = await asyncio.wait_for(receive(), timeout=max(0.0, deadline - loop.time()))
            except TimeoutError:
                return TOO_SLOW
            if message["type"] == "http.disconnect":
                return TOO_SLOW  # nobody is left to answer; the application sees it refused
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                return TOO_LARGE
            if body is not None:
                body.write(chunk)
            if not message.get("more_body", False):
                return None


def declared_length(scope) -> int | None:
    for name, value in scope["headers"]:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def has_header(scope, name: bytes) -> bool:
    return any(header.lower() == name for header, _value in scope["headers"])


def expects_continue(scope) -> bool:
    return any(name.lower() == b"expect" and value.lower() == b"100-continue" for name, value in scope["headers"])


def limit_for(scope) -> int:
    """body_limit() for the request these headers start (in a worker thread: it may ask the
    database who the session or token belongs to)."""
    environ: dict[str, Any] = dict(build_environ(scope, io.BytesIO()))  # type: ignore[arg-type] # read by nothing
    return body_limit(WSGIRequest(environ))


def refused(scope, why: str) -> dict:
    return {**scope, REFUSED_BODY: why}


async def nothing_more() -> dict:
    return {"type": "http.request", "body": b"", "more_body": False}


def replay(body, receive):
    """The received body, as the ASGI messages the application reads; then the connection's
    own receive (which reports a disconnect)."""
    done = False

    async def receive_again() -> dict:
        nonlocal done
        if done:
            return await receive()
        chunk = body.read(CHUNK)
        done = len(chunk) < CHUNK
        return {"type": "http.request", "body": chunk, "more_body": not done}

    return receive_again


def threads() -> int:
    return int(os.environ.get("WEB_THREADS") or 2)


_wsgi = OneHopWSGIMiddleware(wsgi_application, workers=threads())
application = RequestBodyGuard(
    _wsgi,
    limit_executor=_wsgi.executor,
    grace_seconds=settings.REQUEST_BODY_GRACE_SECONDS,
    min_rate=settings.REQUEST_BODY_MIN_RATE,
)
