"""API tokens (issue 30 §4, issue 22 §3): stored only as digests, named, several per user, each
expiring; their user lists and revokes them (API and /profile/tokens/); the admin shows no key;
and a token dies with the password it was issued under, whatever changed it, and with the
account's deactivation."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from recommendations.users.models import ApiToken
from recommendations.users.tokens import API_TOKENS_PER_USER

from .factories import PASSWORD, RecommendationFactory, UserFactory

pytestmark = pytest.mark.usefixtures("clear_throttle_cache")


def sign_in(user, **extra) -> dict:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def answers(token: str) -> int:
    return client_with(token).get(f"/api/v1/recommendations/{RecommendationFactory().pk}/progress/").status_code


def test_the_database_keeps_no_working_token(db):
    user = UserFactory(role="analyst")
    token = sign_in(user)["token"]
    assert answers(token) == 200
    stored = ApiToken.objects.get(user=user)
    assert token not in (stored.digest, stored.password_digest)
    assert answers(stored.digest) == 401  # what a copy of the database holds does not sign in


def test_the_admins_token_list_shows_names_but_no_key_nor_digest(db):
    user = UserFactory(role="analyst")
    token = sign_in(user, name="Gecə skripti")["token"]
    admin = Client()
    admin.force_login(UserFactory(role="admin"))
    page = admin.get("/admin/recommendations/apitoken/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Gecə skripti" in text
    stored = ApiToken.objects.get(user=user)
    assert token not in text and stored.digest not in text
    change = admin.get(f"/admin/recommendations/apitoken/{stored.pk}/change/").content.decode()
    assert "Gecə skripti" in change and token not in change and stored.digest not in change
    # The old DRF token pages are gone.
    assert admin.get("/admin/authtoken/tokenproxy/").status_code == 404


def test_a_user_has_several_named_tokens_lists_them_and_revokes_one(db):
    user = UserFactory(role="analyst")
    first = sign_in(user, name="laptop")
    second = sign_in(user, name="CI")
    assert first["token"] != second["token"] and second["name"] == "CI"
    assert answers(first["token"]) == 200 and answers(second["token"]) == 200

    client = client_with(first["token"])
    listed = client.get("/api/v1/auth/tokens/")
    assert listed.status_code == 200
    rows = listed.json()
    assert [(row["name"], row["current"]) for row in rows] == [("CI", False), ("laptop", True)]
    assert first["token"] not in listed.content.decode() and second["token"] not in listed.content.decode()
    assert set(rows[0]) == {"id", "name", "created_at", "expires_at", "last_used_at", "current"}

    assert client.delete(f"/api/v1/auth/tokens/{second['id']}/").status_code == 204
    assert answers(second["token"]) == 401 and answers(first["token"]) == 200
    assert client.delete(f"/api/v1/auth/tokens/{second['id']}/").status_code == 404
    # DELETE /auth/token/ revokes the token the request is made with, as before.
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert answers(first["token"]) == 401


def test_nobody_sees_or_revokes_another_users_tokens(db):
    owner, other = UserFactory(role="ngo_staff"), UserFactory(role="admin")
    owned = sign_in(owner, name="owner's")
    intruder = client_with(sign_in(other)["token"])
    assert [row["name"] for row in intruder.get("/api/v1/auth/tokens/").json()] == ["API"]
    assert intruder.delete(f"/api/v1/auth/tokens/{owned['id']}/").status_code == 404
    assert answers(owned["token"]) == 200


def test_a_token_expires_after_its_days(db, settings):
    settings.API_TOKEN_DAYS = 30
    user = UserFactory(role="analyst")
    issued = sign_in(user, name="short", days=2)
    expires = datetime.datetime.fromisoformat(issued["expires_at"])
    assert (
        datetime.timedelta(days=2) - datetime.timedelta(minutes=1)
        < expires - timezone.now()
        <= datetime.timedelta(days=2)
    )
    ApiToken.objects.filter(pk=issued["id"]).update(
        created_at=timezone.now() - datetime.timedelta(days=3), expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    response = client_with(issued["token"]).get("/api/v1/areas/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert answers(sign_in(user)["token"]) == 200


@pytest.mark.parametrize("days", [0, 31, -5, "many"])
def test_a_token_cannot_outlive_api_token_days(db, settings, days):
    settings.API_TOKEN_DAYS = 30
    user = UserFactory(role="analyst")
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD, "days": days}, format="json"
    )
    assert response.status_code == 400
    assert "days" in response.json()
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_new_token_beyond_the_limit_revokes_the_least_recently_used(db):
    user = UserFactory(role="analyst")
    keys = [sign_in(user, name=f"t{n}")["token"] for n in range(API_TOKENS_PER_USER)]
    assert answers(keys[0]) == 200  # used: no longer the least recently used
    newest = sign_in(user, name="one too many")["token"]
    assert ApiToken.objects.filter(user=user).count() == API_TOKENS_PER_USER
    assert answers(keys[1]) == 401  # never used, oldest of the rest
    assert answers(keys[0]) == 200 and answers(newest) == 200 and answers(keys[2]) == 200


def test_a_password_set_in_code_refuses_every_older_token(db):
    """issue 22 §3: `set_password(); save()` in a shell or a data migration, not the service."""
    user = UserFactory(role="analyst")
    token = sign_in(user)["token"]
    assert answers(token) == 200
    user.set_password("Başqa-parol-2026-Gəncə")
    user.save()
    response = client_with(token).get("/api/v1/areas/")
    assert response.status_code == 401
    assert "password" in response.json()["detail"]
    # Saving the same password hash again (another field edited) keeps the token.
    fresh = sign_in(user.__class__.objects.get(pk=user.pk), password="Başqa-parol-2026-Gəncə")["token"]
    user.refresh_from_db()
    user.first_name = "Aysel"
    user.save()
    assert answers(fresh) == 200


def test_a_deactivated_account_loses_its_tokens_and_its_sessions(db):
    user = UserFactory(role="ngo_staff")
    token = sign_in(user)["token"]
    session = Client()
    assert session.login(username=user.username, password=PASSWORD)
    assert session.get("/work/").status_code == 200
    user.is_active = False
    user.save()
    assert answers(token) == 401
    signed_out = session.get("/work/")
    assert signed_out.status_code == 302 and "/login/" in signed_out["Location"]
    # Active again: the token was never deleted and works once more (the account, not the
    # token, was refused).
    user.is_active = True
    user.save()
    assert answers(token) == 200


def test_tokens_issued_before_this_keep_working_after_the_migrations(db):
    user = UserFactory(role="analyst")
    old_key = "0123456789abcdef0123456789abcdef01234567"
    Token.objects.create(user=user, key=old_key)  # as the server stored them at first
    importlib.import_module("recommendations.migrations.0010_api_token_digests").store_digests(apps, None)
    importlib.import_module("recommendations.migrations.0018_api_tokens").move_tokens(apps, None)
    assert not Token.objects.exists()
    moved = ApiToken.objects.get(user=user)
    assert moved.name == "API" and moved.digest != old_key
    assert answers(old_key) == 200


def test_the_tokens_page_creates_shows_the_key_once_and_revokes(db):
    user = UserFactory(role="ngo_staff")
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(user)
    assert "API tokens" in page.get("/profile/").content.decode()
    empty = page.get("/profile/tokens/")
    assert empty.status_code == 200 and "You have no API tokens." in empty.content.decode()
    assert "no-store" in empty["Cache-Control"]

    wrong = page.post("/profile/tokens/", {"name": "Noutbuk", "days": 7, "current_password": "wrong one"})
    assert wrong.status_code == 400 and not ApiToken.objects.filter(user=user).exists()

    made = page.post("/profile/tokens/", {"name": "Noutbuk", "days": 7, "current_password": PASSWORD})
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    key = made.context["new_key"]
    assert key in made.content.decode() and answers(key) == 200
    assert token.name == "Noutbuk"
    assert key not in page.get("/profile/tokens/").content.decode()  # shown once

    too_long = page.post("/profile/tokens/", {"name": "x", "days": 400, "current_password": PASSWORD})
    assert too_long.status_code == 400 and ApiToken.objects.filter(user=user).count() == 1

    other = UserFactory(role="ngo_staff")
    other_token = sign_in(other)["id"]
    refused = page.post("/profile/tokens/", {"revoke": other_token})
    assert refused.status_code == 400 and ApiToken.objects.filter(pk=other_token).exists()
    revoked = page.post("/profile/tokens/", {"revoke": token.pk})
    assert revoked.status_code == 302 and answers(key) == 401


def test_the_tokens_page_is_for_signed_in_users(db):
    response = Client().get("/profile/tokens/")
    assert response.status_code == 302 and "/login/" in response["Location"]
