"""A new password ends what the old one opened: the user's API tokens stop working and their
other sessions end, whether the password is changed in the admin (by an admin or by the user),
or with `manage.py changepassword`."""

from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from recommendations.users.models import ApiToken

from .factories import RecommendationFactory, UserFactory

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "Yeni-parol-2026-xəzər"


@pytest.fixture(autouse=True)
def no_counters(clear_throttle_cache):
    """Sign-in counters live in the cache: each test starts with none."""


def token_for(user) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


def session_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def token_works(token: str, recommendation) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(f"/api/v1/recommendations/{recommendation.pk}/progress/").status_code == 200


def session_works(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


@pytest.fixture
def world(db):
    target = UserFactory(role="admin")
    return {
        "target": target,
        "token": token_for(target),
        "session": session_for(target),
        "recommendation": RecommendationFactory(),
    }


def assert_old_credentials_revoked(world):
    assert not token_works(world["token"], world["recommendation"])
    assert not session_works(world["session"])
    assert not ApiToken.objects.filter(user=world["target"]).exists()
    # The new password works, and gives a new token.
    new_token = APIClient().post(
        "/api/v1/auth/token/", {"username": world["target"].username, "password": NEW_PASSWORD}
    )
    assert new_token.status_code == 200
    assert new_token.json()["token"] != world["token"]


def test_an_admin_setting_a_users_password_revokes_their_token_and_sessions(world):
    admin = session_for(UserFactory(role="admin"))
    assert token_works(world["token"], world["recommendation"]) and session_works(world["session"])
    response = admin.post(
        f"/admin/auth/user/{world['target'].pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_old_credentials_revoked(world)
    assert session_works(admin)  # the admin who did it stays signed in


def test_an_admin_turning_a_users_password_off_revokes_their_token(world):
    admin = session_for(UserFactory(role="admin"))
    response = admin.post(
        f"/admin/auth/user/{world['target'].pk}/password/", {"usable_password": "false", "unset-password": "1"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not token_works(world["token"], world["recommendation"])
    assert not session_works(world["session"])


def test_changing_ones_own_password_in_the_admin_revokes_tokens_and_other_sessions(world):
    current = session_for(world["target"])
    response = current.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith("/admin/password_change/done/")
    assert_old_credentials_revoked(world)
    assert session_works(current)  # the session that changed it stays signed in


def test_a_wrong_old_password_changes_nothing(world):
    current = session_for(world["target"])
    response = current.post(
        "/admin/password_change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert token_works(world["token"], world["recommendation"])
    assert session_works(world["session"])


def test_the_changepassword_command_revokes_tokens_and_sessions(world):
    with mock.patch("getpass.getpass", return_value=NEW_PASSWORD):
        call_command("changepassword", world["target"].username)
    assert_old_credentials_revoked(world)


def test_the_changepassword_command_refuses_a_weak_password_and_changes_nothing(world):
    with mock.patch("getpass.getpass", return_value="123"), pytest.raises(CommandError):
        call_command("changepassword", world["target"].username)
    assert token_works(world["token"], world["recommendation"])
    assert get_user_model().objects.get(pk=world["target"].pk).check_password(PASSWORD)


# --- Issue 30 §4: passwords of at least 12 characters; a page for one's own password


@pytest.mark.parametrize(("password", "accepted"), [("Xəzər-2026a", False), ("Xəzər-2026ab", True)])
def test_add_user_takes_passwords_of_twelve_characters_and_more(db, password, accepted):
    assert len(password) == (12 if accepted else 11)
    stdin = mock.patch("sys.stdin", StringIO(password + "\n"))
    with stdin:
        if accepted:
            call_command("add_user", "aysel", "--role", "ngo_staff", "--password-stdin", stdout=StringIO())
        else:
            with pytest.raises(CommandError, match="12 simvol"):
                call_command("add_user", "aysel", "--role", "ngo_staff", "--password-stdin", stdout=StringIO())
    assert get_user_model().objects.filter(username="aysel").exists() == accepted


def test_ensure_admin_and_changepassword_still_work_with_the_longer_minimum(db):
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    generated = out.getvalue().rsplit(": ", 1)[1].strip()
    assert len(generated) >= 12
    assert Client().login(username="admin", password=generated)
    with mock.patch("getpass.getpass", return_value="short-pass1"), pytest.raises(CommandError):
        call_command("changepassword", "admin", stdout=StringIO())
    with mock.patch("getpass.getpass", return_value=NEW_PASSWORD):
        call_command("changepassword", "admin", stdout=StringIO())
    assert Client().login(username="admin", password=NEW_PASSWORD)


@pytest.mark.parametrize("role", ["analyst", "ngo_staff"])
def test_analysts_and_staff_change_their_own_password_on_a_page_that_asks_for_the_current_one(db, role):
    user = UserFactory(role=role)
    token = token_for(user)
    other_session = session_for(user)
    browser = session_for(user)
    recommendation = RecommendationFactory()
    page = browser.get("/password/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'name="old_password"' in page.content.decode()

    wrong = browser.post(
        "/password/", {"old_password": "not it at all", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 400
    assert "old_password" in wrong.context["form"].errors
    short = browser.post("/password/", {"old_password": PASSWORD, "new_password1": "Qısa-1", "new_password2": "Qısa-1"})
    assert short.status_code == 400
    assert "new_password2" in short.context["form"].errors
    assert get_user_model().objects.get(pk=user.pk).check_password(PASSWORD)

    done = browser.post(
        "/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done["Location"] == "/profile/"
    assert get_user_model().objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert browser.get("/profile/").status_code == 200  # this session stays signed in
    assert not token_works(token, recommendation)
    assert other_session.get("/profile/").status_code == 302  # the other one is signed out


def test_the_password_page_needs_a_signed_in_user(db):
    response = Client().get("/password/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_guessing_the_current_password_on_the_page_counts_toward_the_sign_in_limits(db, settings):
    settings.LOGIN_LIMITS = {**settings.LOGIN_LIMITS, "per_address_and_username": 3}
    user = UserFactory(role="analyst")
    browser = session_for(user)
    for guess in ("guess-number-one", "guess-number-two", "guess-number-three"):
        response = browser.post(
            "/password/", {"old_password": guess, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        assert response.status_code == 400
    locked = browser.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert locked.status_code == 400
    assert "Too many failed sign-in attempts" in " ".join(locked.context["form"].errors["old_password"])
    assert get_user_model().objects.get(pk=user.pk).check_password(PASSWORD)
