"""The API for clients other than the site (issue 22 §4): RateLimit headers to pace by before a
429, and CORS for browser clients on other origins — off by default, an allow-list from the
environment, never credentials for "*"."""

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

from .factories import UserFactory
from .test_security import run_manage

pytestmark = pytest.mark.usefixtures("clear_throttle_cache")


def rates(**overrides):
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": "1000/minute", "user": "1000/minute"} | overrides,
        }
    )


def test_anonymous_responses_count_down_their_rate_limit_to_the_429(db):
    client = APIClient()
    with rates(anon="3/minute"):
        answers = [client.get("/api/v1/areas/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    # Counted by both policies, each listed: anonymous clients by address, and every client.
    assert {a["RateLimit-Policy"] for a in answers} == {'"anon";q=3;w=60, "user";q=1000;w=60'}
    anon = [a["RateLimit"].split(", ")[0] for a in answers]
    assert [item.split(";")[:2] for item in anon] == [['"anon"', f"r={n}"] for n in (2, 1, 0, 0)]
    refused = answers[-1]
    reset = int(anon[-1].split(";t=")[1])
    assert 0 < reset <= 60 and abs(reset - int(refused["Retry-After"])) <= 1


def test_a_signed_in_client_is_counted_by_the_user_policy(db):
    client = APIClient()
    client.force_authenticate(UserFactory(role="analyst"))
    with rates(user="5/hour"):
        response = client.get("/api/v1/recommendations/")
    assert response.status_code == 200
    assert response["RateLimit-Policy"] == '"user";q=5;w=3600'
    assert response["RateLimit"] == '"user";r=4;t=3600'


def test_pages_and_unthrottled_answers_carry_no_rate_limit_headers(db):
    assert "RateLimit" not in APIClient().get("/").headers
    with rates(anon=None, user=None):
        assert "RateLimit" not in APIClient().get("/api/v1/areas/").headers


ORIGIN = "https://partner.example.org"


def preflight(client, path="/api/v1/recommendations/", origin=ORIGIN):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, idempotency-key, if-match, content-type",
    )


def test_cors_is_off_by_default(db):
    assert settings.CORS_ALLOWED_ORIGINS == [] and not settings.CORS_ALLOW_ALL_ORIGINS
    client = APIClient()
    assert "Access-Control-Allow-Origin" not in preflight(client).headers
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/areas/", HTTP_ORIGIN=ORIGIN).headers


@override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN])
def test_an_allowed_origin_may_call_the_api_with_a_token_but_not_with_cookies(db):
    client = APIClient()
    answer = preflight(client)
    assert answer.status_code == 200
    assert answer["Access-Control-Allow-Origin"] == ORIGIN
    allowed = {h.strip() for h in answer["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "idempotency-key", "if-match", "content-type"} <= allowed
    assert "Access-Control-Allow-Credentials" not in answer.headers
    read = client.get("/api/v1/areas/", HTTP_ORIGIN=ORIGIN)
    exposed = {h.strip().lower() for h in read["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "retry-after", "ratelimit", "ratelimit-policy"} <= exposed
    # Another origin, and pages outside /api/, get nothing.
    assert "Access-Control-Allow-Origin" not in preflight(client, origin="https://evil.example").headers
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN=ORIGIN).headers


def test_cors_origins_come_from_the_environment_and_star_never_allows_credentials():
    shown = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.CORS_ALLOWED_ORIGINS, s.CORS_ALLOW_ALL_ORIGINS, "
        "s.CORS_ALLOW_CREDENTIALS)",
        CORS_ALLOWED_ORIGINS="https://a.example, https://b.example",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == "['https://a.example', 'https://b.example'] False False"
    refused = run_manage("check", CORS_ALLOWED_ORIGINS="*", CORS_ALLOW_CREDENTIALS="true")
    assert refused.returncode != 0
    assert "CORS_ALLOW_CREDENTIALS cannot be true" in refused.stderr
