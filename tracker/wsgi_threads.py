"""The WSGI application in a fixed pool of threads under ASGI (a2wsgi), with one hand-over per
answer instead of one per message.

a2wsgi passes every message of a response from the application's thread to the event loop
on its own — the start, each chunk of the body, the end — and each pass wakes the loop and
blocks the thread until the loop has queued it: three round trips between threads for an
answer in one piece. Under `make bench` that machinery was most of the server's CPU for an
answer the application already had whole (a cached public read: ~60 % of its samples).
Here an answer whose body is already in memory (a list, or a Django response that does not
stream) travels back with the thread's result, and the loop sends it; a streaming one (an
export, a file) is passed on chunk by chunk as before.
"""

import asyncio
import contextvars
import functools

from a2wsgi import WSGIMiddleware
from a2wsgi.asgi_typing import HTTPResponseStartEvent
from a2wsgi.wsgi import Body, WSGIResponder, build_environ


def _in_memory(iterable) -> bool:
    return isinstance(iterable, list | tuple) or getattr(iterable, "streaming", True) is False


class _OneHopResponder(WSGIResponder):
    start_message: HTTPResponseStartEvent | None = None
    start_sent = False

    sender_task: asyncio.Task | None = None

    async def __call__(self, scope, receive, send) -> None:
        environ = build_environ(scope, Body(self.loop, receive))
        self.asgi_send = send
        try:
            run = functools.partial(contextvars.copy_context().run, self._run, environ, self.start_response)
            whole = await self.loop.run_in_executor(self.executor, run)
            if whole is not None and self.start_message is not None:
                await send(self.start_message)
                await send({"type": "http.response.body", "body": whole})
            if self.sender_task is not None:
                await self.send_queue.put(None)
                await self.sender_task  # it may raise
            if self.exc_info is not None:
                raise self.exc_info[0].with_traceback(self.exc_info[1], self.exc_info[2])
        finally:
            if self.sender_task is not None and not self.sender_task.done():
                self.sender_task.cancel()

    def _start_sender(self) -> None:
        """In the loop: the task that passes a streaming answer's messages on (a whole answer
        needs none). Scheduled before the thread's first message, so it is there to take it."""
        if self.sender_task is None:
            self.sender_task = self.loop.create_task(self.sender(self.asgi_send))

    def send(self, message) -> None:
        if self.sender_task is None:
            self.loop.call_soon_threadsafe(self._start_sender)
        super().send(message)

    def start_response(self, status, response_headers, exc_info=None):
        """Kept until the body is known to be whole (then sent with it) or streams."""
        self.exc_info = exc_info
        if not self.response_started:
            self.response_started = True
            self.start_message = {
                "type": "http.response.start",
                "status": int(status.split(" ", 1)[0]),
                "headers": [
                    (name.strip().encode("latin1").lower(), value.strip().encode("latin1"))
                    for name, value in response_headers
                ],
            }
        return self._write

    def _send_start(self) -> None:
        if not self.start_sent and self.start_message is not None:
            self.start_sent = True
            self.send(self.start_message)

    def _write(self, chunk: bytes) -> None:
        """WSGI's write() callable: the body streams."""
        self._send_start()
        self.send({"type": "http.response.body", "body": chunk, "more_body": True})

    def _run(self, environ, start_response) -> bytes | None:
        """The whole body when it is in memory and nothing was written yet; None once it has
        been sent message by message."""
        iterable = self.app(environ, start_response)
        try:
            if _in_memory(iterable) and not self.start_sent:
                return b"".join(iterable)
            for chunk in iterable:
                self._write(chunk)
            self._send_start()
            self.send({"type": "http.response.body", "body": b""})
            return None
        finally:
            getattr(iterable, "close", lambda: None)()


class OneHopWSGIMiddleware(WSGIMiddleware):
    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            return await _OneHopResponder(self.app, self.executor, self.send_queue_size)(scope, receive, send)
        return await super().__call__(scope, receive, send)
