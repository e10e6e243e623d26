"""Public reads answered before Django (recommendations/caching/lane.py), through the WSGI
application the production server runs (tracker/wsgi.py): an anonymous GET whose identical
request was answered at the same data version gets those bytes and headers back without
Django's handler — and anything else, or anything after a write, goes through Django."""

import io
import json
import sys

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from recommendations.caching.triggers import VERSION_TABLE
from recommendations.models import Recommendation
from recommendations.users.tokens import token_create
from tracker.wsgi import application

from .test_public_read_cache import CACHED_READS, LIST
from .test_public_read_cache import world as world  # the fixture, shared

pytestmark = pytest.mark.django_db


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status_code = int(status.split()[0])
        self.headers = dict(headers)
        self.header_list = headers
        self.body = body


def wsgi_get(url: str, **headers: str) -> Answer:
    """A GET as the production server hands it to the application."""
    path, _sep, query = url.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **{"HTTP_" + name.upper(): value for name, value in headers.items()},
    }
    started: list = []
    # As Django's test client does: the test's transaction is not a connection to close.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, lambda status, headers, exc_info=None: started.append((status, headers)))
        try:
            body = b"".join(response)
        finally:
            getattr(response, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return Answer(started[0][0], started[0][1], body)


@pytest.fixture
def django_runs():
    """How many requests reached Django's handler."""
    count = []

    def counted(**kwargs):
        count.append(1)

    request_started.connect(counted)
    yield count
    request_started.disconnect(counted)


def without_rate_limits(answer: Answer) -> list[tuple[str, str]]:
    return [(name, value) for name, value in answer.header_list if not name.lower().startswith("ratelimit")]


@pytest.mark.parametrize("path", CACHED_READS)
def test_the_second_identical_read_is_answered_before_django_with_the_same_bytes(world, path, django_runs):
    first = wsgi_get(path)
    assert first.status_code == 200 and len(django_runs) == 1
    second = wsgi_get(path)
    assert len(django_runs) == 1
    assert second.body == first.body
    assert without_rate_limits(second) == without_rate_limits(first)
    assert "RateLimit" in second.headers


def test_a_write_sends_the_next_read_to_django_and_it_sees_the_write(world, django_runs):
    wsgi_get(LIST)
    wsgi_get(LIST)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Recommendation._meta.db_table} SET status = %s WHERE id = %s",  # noqa: S608
            ["implemented", world["first"].pk],
        )
    after = wsgi_get(LIST)
    assert len(django_runs) == 2
    statuses = {item["id"]: item["status"] for item in json.loads(after.body)["results"]}
    assert statuses[world["first"].pk] == "implemented"


def test_another_language_host_or_format_is_another_answer(world, settings, django_runs):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "tracker.example.org"]
    azerbaijani = wsgi_get("/api/v1/stats/", accept_language="az")
    english = wsgi_get("/api/v1/stats/", accept_language="en")
    assert len(django_runs) == 2
    assert azerbaijani.body != english.body
    assert english.headers["Content-Language"] == "en"
    other_host = wsgi_get(LIST + "&page_size=1", host="tracker.example.org")
    here = wsgi_get(LIST + "&page_size=1")
    assert b"tracker.example.org" not in here.body and b"tracker.example.org" in other_host.body
    csv = wsgi_get("/api/v1/stats/", accept="text/csv", accept_language="en")
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert wsgi_get("/api/v1/stats/", accept_language="en").body == english.body


def test_a_reader_with_credentials_or_a_cookie_is_always_answered_by_django(world, users, django_runs):
    wsgi_get(LIST)
    wsgi_get(LIST)
    assert len(django_runs) == 1
    _token, key = token_create(user=users["analyst"])
    wsgi_get(LIST, authorization=f"Token {key}")
    wsgi_get(LIST, authorization="Token not-a-token")
    wsgi_get(LIST, cookie="sessionid=whatever")
    assert len(django_runs) == 4
    refused = wsgi_get(LIST, authorization="Token not-a-token")
    assert refused.status_code == 401


def test_lane_answers_count_against_the_rate_limit(world, settings, django_runs):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "1000/minute"},
    }
    answers = [wsgi_get(LIST) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert '"anon";r=1' in answers[1].headers["RateLimit"]
    assert '"anon";r=0' in answers[2].headers["RateLimit"]
    assert "Retry-After" in answers[3].headers
    assert len(django_runs) == 2  # the first read and the 429


def test_a_conditional_read_is_answered_by_django_with_a_304(world, django_runs):
    first = wsgi_get(LIST)
    wsgi_get(LIST)
    again = wsgi_get(LIST, if_none_match=first.headers["ETag"])
    assert again.status_code == 304 and len(django_runs) == 2


def test_a_refused_query_is_never_kept(world, django_runs):
    for _ in range(2):
        assert wsgi_get("/api/v1/recommendations/?page_size=0").status_code == 400
    assert len(django_runs) == 2


def test_reads_that_are_not_cached_cost_no_version_query(world):
    for path in (f"/api/v1/recommendations/{world['first'].pk}/", "/api/v1/nowhere/", "/api/schema/"):
        with CaptureQueriesContext(connection) as captured:
            wsgi_get(path)
        assert not any(VERSION_TABLE in query["sql"] for query in captured.captured_queries), path
    with CaptureQueriesContext(connection) as captured:
        wsgi_get(LIST)
    assert any(VERSION_TABLE in query["sql"] for query in captured.captured_queries)
