"""Deployment settings, throttling, token revocation and how evidence files are served."""

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.test import APIClient

from tracker.settings import base as base_settings

from .factories import RecommendationFactory, UserFactory

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"  # UserFactory's
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def run_manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env.update(environment)
    return subprocess.run(  # noqa: S603 - fixed arguments, this interpreter
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_checks_are_clean_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="tracker.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "short-but-set", "django-insecure-" + "x1y2z3" * 10, "a" * 64],
    ids=["unset", "empty", "too short", "django's placeholder", "one character repeated"],
)
def test_production_settings_refuse_to_start_without_a_real_secret_key(secret_key):
    environment = {"DJANGO_SETTINGS_MODULE": "tracker.settings.production"}
    if secret_key is not None:
        environment["SECRET_KEY"] = secret_key
    result = run_manage("check", **environment)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_secure_cookies_and_https():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_PROXY_SSL_HEADER, s.DEBUG, s.MEDIA_URL)",
        DJANGO_SETTINGS_MODULE="tracker.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip().splitlines()[-1] == "True True True True ('HTTP_X_FORWARDED_PROTO', 'https') False None"
    )


def rates(**overrides):
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": "1000/minute", "user": "1000/minute"} | overrides,
        }
    )


@pytest.mark.usefixtures("clear_throttle_cache")
def test_anonymous_clients_are_throttled(db):
    client = APIClient()
    with rates(anon="3/minute"):
        statuses = [client.get("/api/v1/recommendations/").status_code for _ in range(5)]
        refused = client.get("/api/v1/sources/")
    assert statuses == [200, 200, 200, 429, 429]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"]


@pytest.mark.usefixtures("clear_throttle_cache")
def test_authenticated_clients_are_throttled_per_user(db):
    first, second = APIClient(), APIClient()
    first.force_authenticate(UserFactory(role="analyst"))
    second.force_authenticate(UserFactory(role="analyst"))
    with rates(user="2/minute", anon="1/minute"):
        statuses = [first.get("/api/v1/recommendations/").status_code for _ in range(3)]
        other_user = second.get("/api/v1/recommendations/").status_code
    assert statuses == [200, 200, 429]
    assert other_user == 200


@pytest.mark.usefixtures("clear_throttle_cache")
def test_token_can_be_revoked_and_then_stops_working(db):
    user = UserFactory(role="analyst")
    recommendation = RecommendationFactory()
    token = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(f"/api/v1/recommendations/{recommendation.pk}/progress/").status_code == 200

    assert client.delete("/api/v1/auth/token/").status_code == 204

    after = client.get(f"/api/v1/recommendations/{recommendation.pk}/progress/")
    assert after.status_code == 401
    assert client.get("/api/v1/recommendations/").status_code == 401  # a revoked token is not anonymous
    fresh = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}).json()["token"]
    assert fresh != token


@pytest.fixture
def stored_evidence(db):
    recommendation = RecommendationFactory()
    staff = APIClient()
    staff.force_authenticate(UserFactory(role="ngo_staff"))
    upload = io.BytesIO(PDF)
    upload.name = "şahid ifadəsi.pdf"
    response = staff.post(
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        {"kind": "file", "title": "İfadə", "file": upload},
        format="multipart",
    )
    assert response.status_code == 201
    return response.json()


def test_evidence_file_is_downloaded_as_an_attachment_never_rendered(stored_evidence):
    analyst = APIClient()
    analyst.force_authenticate(UserFactory(role="analyst"))
    response = analyst.get(stored_evidence["download_url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%C5%9Fahid%20ifad%C9%99si.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_evidence_file_is_not_downloadable_anonymously(stored_evidence):
    assert APIClient().get(stored_evidence["download_url"]).status_code == 401


def test_evidence_file_has_no_public_media_url(stored_evidence):
    assert base_settings.MEDIA_URL is None
    assert settings.MEDIA_URL is None  # tests run with what production runs
    stored = next(path for path in Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    relative = stored.relative_to(settings.MEDIA_ROOT).as_posix()
    anonymous = Client()
    for url in (
        f"/media/{relative}",
        f"/{relative}",
        f"/static/{relative}",
        f"/api/v1/{relative}",
    ):
        assert anonymous.get(url).status_code == 404, url
    assert "upload" not in relative and "ifad" not in relative  # named by digest, not by the client
