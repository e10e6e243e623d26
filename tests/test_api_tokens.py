"""API tokens are stored only as digests and expire (issue 30 §4): a copy of the database or
the admin's token list gives nobody a working token, and a token stops working after
API_TOKEN_DAYS days."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .factories import PASSWORD, RecommendationFactory, UserFactory

pytestmark = pytest.mark.usefixtures("clear_throttle_cache")


def sign_in(user) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


def answers(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    return client.get(f"/api/v1/recommendations/{RecommendationFactory().pk}/progress/").status_code


def test_the_database_keeps_no_working_token(db):
    user = UserFactory(role="analyst")
    token = sign_in(user)
    assert answers(token) == 200
    stored = Token.objects.get(user=user).key
    assert stored != token
    assert answers(stored) == 401  # what a copy of the database holds does not sign in


def test_the_admins_token_list_shows_no_working_key(db):
    token = sign_in(UserFactory(role="analyst"))
    admin = Client()
    admin.force_login(UserFactory(role="admin"))
    page = admin.get("/admin/authtoken/tokenproxy/")
    assert page.status_code == 200
    assert token not in page.content.decode()


def test_signing_in_again_revokes_the_previous_token(db):
    user = UserFactory(role="analyst")
    first = sign_in(user)
    second = sign_in(user)
    assert first != second
    assert answers(first) == 401 and answers(second) == 200


def test_a_token_expires(db, settings):
    settings.API_TOKEN_DAYS = 30
    user = UserFactory(role="analyst")
    token = sign_in(user)
    Token.objects.filter(user=user).update(created=timezone.now() - datetime.timedelta(days=30, minutes=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/areas/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert answers(sign_in(user)) == 200


def test_tokens_issued_before_digests_keep_working_after_the_migration(db):
    user = UserFactory(role="analyst")
    old_key = "0123456789abcdef0123456789abcdef01234567"
    Token.objects.create(user=user, key=old_key)  # as the server stored them before
    migration = importlib.import_module("recommendations.migrations.0010_api_token_digests")
    migration.store_digests(apps, None)
    assert Token.objects.get(user=user).key != old_key
    assert answers(old_key) == 200
