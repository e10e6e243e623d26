"""Security events (issue 22 §5): one JSON line per event on the `tracker.security` logger, with
the client address as trusted and never a password or a token; role and password changes also
as history rows."""

import json
import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from rest_framework.test import APIClient

from recommendations.models import ChangeRecord

from .factories import PASSWORD, RecommendationFactory, UserFactory

NEW_PASSWORD = "Yeni-parol-2026-Şəki-ğ"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def events(self, name: str | None = None) -> list[dict]:
        parsed = [json.loads(line) for line in self.lines]  # every line is one JSON object
        return [event for event in parsed if name is None or event["event"] == name]


@pytest.fixture
def log(settings, clear_throttle_cache):
    settings.LOGIN_LIMITS = {**settings.LOGIN_LIMITS, "per_address_and_username": 3}
    handler = Lines()
    logger = logging.getLogger("tracker.security")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    for line in handler.lines:
        assert PASSWORD not in line and NEW_PASSWORD not in line


def test_sign_ins_failures_and_lock_outs_through_every_door(db, log):
    user = UserFactory(username="aysel", role="analyst")
    api = APIClient(REMOTE_ADDR="203.0.113.7")
    assert api.post("/api/v1/auth/token/", {"username": "aysel", "password": "wrong-guess-1"}).status_code == 401
    page = Client(REMOTE_ADDR="203.0.113.7")
    assert page.post("/login/", {"username": "aysel", "password": "wrong-guess-2"}).status_code == 200
    assert page.post("/admin/login/", {"username": "aysel", "password": "wrong-guess-3"}).status_code == 200
    assert api.post("/api/v1/auth/token/", {"username": "aysel", "password": PASSWORD}).status_code == 429

    failed = log.events("login.failed")
    assert [(e["path"], e["user"], e["address"]) for e in failed] == [
        ("/api/v1/auth/token/", "aysel", "203.0.113.7"),
        ("/login/", "aysel", "203.0.113.7"),
        ("/admin/login/", "aysel", "203.0.113.7"),
    ]
    (locked,) = log.events("login.locked_out")
    assert locked["address"] == "203.0.113.7" and locked["retry_after"] == 900
    assert "wrong-guess" not in "".join(log.lines)

    other = Client(REMOTE_ADDR="198.51.100.4")
    assert other.post("/login/", {"username": "aysel", "password": PASSWORD}).status_code == 302
    (succeeded,) = log.events("login.succeeded")
    assert succeeded["user_id"] == user.pk and succeeded["address"] == "198.51.100.4"
    assert set(succeeded) >= {"time", "event", "user", "user_id", "address", "method", "path"}


def test_the_address_is_the_trusted_one(db, log, settings):
    UserFactory(username="nigar", role="analyst")
    forged = APIClient(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.9.9.9")
    forged.post("/api/v1/auth/token/", {"username": "nigar", "password": "wrong"})
    settings.TRUSTED_PROXIES = ["192.0.2.0/24"]
    proxied = APIClient(REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.23")
    proxied.post("/api/v1/auth/token/", {"username": "nigar", "password": "wrong"})
    assert [e["address"] for e in log.events("login.failed")] == ["203.0.113.7", "198.51.100.23"]


def test_token_creation_and_revocation_name_the_token_never_its_key(db, log):
    user = UserFactory(role="ngo_staff")
    issued = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD, "name": "Gəncə CI"}
    )
    key = issued.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete(f"/api/v1/auth/tokens/{issued.json()['id']}/").status_code == 204
    (created,) = log.events("token.created")
    (revoked,) = log.events("token.revoked")
    assert created["token_name"] == "Gəncə CI" and created["token_id"] == revoked["token_id"]
    assert revoked["user_id"] == user.pk
    assert all(key not in line and key[:20] not in line for line in log.lines)


def test_password_changes_are_events_and_history_rows_whatever_path(db, log):
    user = UserFactory(role="analyst")
    page = Client()
    page.force_login(user)
    response = page.post(
        "/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    (changed,) = log.events("password.changed")
    assert changed["user_id"] == user.pk and changed["changed_by"] == user.username and changed["path"] == "/password/"
    rows = ChangeRecord.objects.filter(object_type=ContentType.objects.get_for_model(user), object_id=user.pk)
    assert [(row.after, row.username) for row in rows] == [({"password": "changed"}, user.username)]

    # A shell's set_password(); save(): the event still, marked as outside the service.
    shell_user = get_user_model().objects.get(pk=user.pk)
    shell_user.set_password("Üçüncü-parol-2026")
    shell_user.save()
    outside = log.events("password.changed")[1]
    assert outside["path_outside_service"] is True and outside["user_id"] == user.pk
    assert "Üçüncü-parol-2026" not in "".join(log.lines)


def test_role_changes_are_events_and_history_rows(db, log, django_capture_on_commit_callbacks):
    admin = UserFactory(role="admin")
    target = UserFactory(role="analyst")
    page = Client(REMOTE_ADDR="203.0.113.50")
    page.force_login(admin)
    from django.contrib.auth.models import Group

    staff = Group.objects.get_or_create(name="ngo_staff")[0]
    form = page.get(f"/admin/auth/user/{target.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        {
            "groups": [staff.pk],
            "user_permissions": [],
            "is_active": "on",
            "date_joined_0": form.initial["date_joined"].strftime("%Y-%m-%d"),
            "date_joined_1": form.initial["date_joined"].strftime("%H:%M:%S"),
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    with django_capture_on_commit_callbacks(execute=True):  # logged once the change is committed
        response = page.post(f"/admin/auth/user/{target.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    (changed,) = log.events("role.changed")
    assert (changed["user_id"], changed["role_before"], changed["role_after"], changed["changed_by"]) == (
        target.pk,
        "analyst",
        "ngo_staff",
        admin.username,
    )
    assert changed["address"] == "203.0.113.50"
    rows = ChangeRecord.objects.filter(object_type=ContentType.objects.get_for_model(target), object_id=target.pk)
    assert {"role": "ngo_staff"} in [row.after for row in rows]


def test_permission_refusals_are_events(db, log):
    analyst = UserFactory(role="analyst")
    api = APIClient(REMOTE_ADDR="203.0.113.9")
    api.force_authenticate(analyst)
    recommendation = RecommendationFactory()
    refused = api.post(f"/api/v1/recommendations/{recommendation.pk}/progress/", {"status": "in_progress"})
    assert refused.status_code == 403
    page = Client(REMOTE_ADDR="203.0.113.9")
    page.force_login(analyst)
    assert page.post(f"/recommendations/{recommendation.pk}/progress/", {"status": "in_progress"}).status_code == 403
    events = log.events("permission.denied")
    assert [(e["method"], e["path"], e["user_id"], e["address"]) for e in events] == [
        ("POST", f"/api/v1/recommendations/{recommendation.pk}/progress/", analyst.pk, "203.0.113.9"),
        ("POST", f"/recommendations/{recommendation.pk}/progress/", analyst.pk, "203.0.113.9"),
    ]
