"""The server's bridge from ASGI to the WSGI application (tracker/wsgi_threads.py): an answer
in memory arrives whole in two messages; a streaming one chunk by chunk, as the client needs
for an export of a million rows; a failure is the server's to report."""

import asyncio

import pytest
from django.http import HttpResponse, StreamingHttpResponse

from tracker.wsgi_threads import OneHopWSGIMiddleware

SCOPE = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/",
    "raw_path": b"/",
    "query_string": b"",
    "root_path": "",
    "headers": [(b"host", b"testserver")],
    "client": ("127.0.0.1", 5000),
    "server": ("127.0.0.1", 8000),
}


def served(application) -> list[dict]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(OneHopWSGIMiddleware(application, workers=1)(dict(SCOPE), receive, send))
    return sent


def django_answer(response):
    def application(environ, start_response):
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return response

    return application


def test_an_answer_in_memory_arrives_whole():
    sent = served(django_answer(HttpResponse("Əmək müfəttişliyi", content_type="text/plain; charset=utf-8")))
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 200 and (b"content-type", b"text/plain; charset=utf-8") in sent[0]["headers"]
    assert sent[1]["body"].decode() == "Əmək müfəttişliyi" and not sent[1].get("more_body", False)


def test_a_streaming_answer_is_passed_on_chunk_by_chunk():
    rows = (f"row {number}\n".encode() for number in range(3))
    sent = served(django_answer(StreamingHttpResponse(rows, content_type="text/csv")))
    assert sent[0]["type"] == "http.response.start"
    bodies = sent[1:]
    assert [message["body"] for message in bodies] == [b"row 0\n", b"row 1\n", b"row 2\n", b""]
    assert [message.get("more_body", False) for message in bodies] == [True, True, True, False]


def test_an_application_that_writes_streams_what_it_wrote():
    def application(environ, start_response):
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"first ")
        return [b"then the rest"]

    sent = served(application)
    assert sent[0]["type"] == "http.response.start"
    assert b"".join(message["body"] for message in sent[1:]) == b"first then the rest"
    assert sent[-1].get("more_body", False) is False


def test_a_failing_application_fails_the_request_for_the_server_to_answer():
    def application(environ, start_response):
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError, match="broken"):
        served(application)
