"""Management commands an operator runs: creating users, the first admin, migrations check."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from recommendations.roles import user_role

PASSWORD_LINE = re.compile(r"Password \(shown once[^)]*\): (\S+)")


def run(*args, stdin: str | None = None, monkeypatch=None) -> str:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def can_log_in(api_client, username: str, password: str) -> bool:
    response = api_client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    return response.status_code == 200 and bool(response.json().get("token"))


@pytest.mark.parametrize("role", ["analyst", "ngo_staff", "admin"])
def test_add_user_prints_a_generated_password_once(db, api_client, role):
    output = run("add_user", "leyla", "--role", role)
    passwords = PASSWORD_LINE.findall(output)
    assert len(passwords) == 1
    (password,) = passwords
    assert output.count(password) == 1
    assert len(password) >= 20
    user = get_user_model().objects.get(username="leyla")
    assert user_role(user) == role
    assert user.is_staff is (role == "admin")
    assert can_log_in(api_client, "leyla", password)


def test_generated_passwords_differ(db):
    first = PASSWORD_LINE.findall(run("add_user", "aysel", "--role", "analyst"))
    second = PASSWORD_LINE.findall(run("add_user", "nigar", "--role", "analyst"))
    assert first != second


def test_add_user_reads_the_password_from_stdin_and_never_prints_it(db, api_client, monkeypatch):
    password = "Gizli-şifrə-İğdə-2024"
    output = run(
        "add_user", "rəşad", "--role", "ngo_staff", "--password-stdin", stdin=password + "\n", monkeypatch=monkeypatch
    )
    assert password not in output
    assert not PASSWORD_LINE.search(output)
    user = get_user_model().objects.get(username="rəşad")
    assert user.check_password(password)
    assert user_role(user) == "ngo_staff"
    assert can_log_in(api_client, "rəşad", password)


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["add_user", "zaur", "--role", "superuser"], None),
        (["add_user", "zaur"], None),
        (["add_user", "zaur", "--role", "analyst", "--password-stdin"], "123\n"),
        (["add_user", "zaur", "--role", "analyst", "--password-stdin"], "password\n"),
        (["add_user", "zaur", "--role", "analyst", "--password-stdin"], "\n"),
        (["add_user", "bad name!", "--role", "analyst"], None),
    ],
)
def test_add_user_refuses_bad_input_and_creates_nobody(db, monkeypatch, args, stdin):
    with pytest.raises(CommandError):
        run(*args, stdin=stdin, monkeypatch=monkeypatch)
    assert not get_user_model().objects.exists()


def test_add_user_refuses_an_existing_name(db):
    run("add_user", "samir", "--role", "analyst")
    with pytest.raises(CommandError):
        run("add_user", "samir", "--role", "admin")
    user = get_user_model().objects.get(username="samir")
    assert user_role(user) == "analyst"


def test_ensure_admin_creates_one_admin_and_is_idempotent(db, api_client):
    first = run("ensure_admin")
    (password,) = PASSWORD_LINE.findall(first)
    admin = get_user_model().objects.get(username="admin")
    # The admin group carries the admin site's permissions (not a superuser's blanket ones).
    assert admin.is_staff and admin.has_perm("recommendations.change_recommendation") and user_role(admin) == "admin"
    assert can_log_in(api_client, "admin", password)

    second = run("ensure_admin")
    assert not PASSWORD_LINE.search(second)
    assert get_user_model().objects.count() == 1
    assert can_log_in(api_client, "admin", password)


def test_ensure_admin_leaves_an_existing_administrator_alone(db):
    run("add_user", "fidan", "--role", "admin")
    output = run("ensure_admin")
    assert not PASSWORD_LINE.search(output)
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["fidan"]


def test_ensure_admin_is_not_satisfied_by_other_roles(db):
    run("add_user", "elnur", "--role", "ngo_staff")
    assert PASSWORD_LINE.search(run("ensure_admin"))
    assert get_user_model().objects.filter(username="admin", groups__name="admin").exists()


def test_migrations_match_the_models(db):
    # Exits non-zero (SystemExit) when a model change has no migration.
    run("makemigrations", "--check", "--dry-run")


def test_migrate_on_a_fresh_clone_creates_the_var_folder_it_needs(tmp_path):
    # A fresh clone has no var/: `manage.py migrate` before `make run` used to end in a raw
    # OperationalError traceback ("unable to open database file").
    var = tmp_path / "clone" / "var"
    environment = {**os.environ, "TRACKER_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "tracker.settings.local"}
    environment.pop("DATABASE_URL", None)

    completed = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert (completed.returncode, completed.stderr) == (0, "")
    assert (var / "tracker.sqlite3").is_file()


@pytest.mark.django_db
def test_load_fixture_makes_the_load_users_and_report_once():
    """scripts/serverctl.py prepares a load server with it (was code in a string run by `shell -c`)."""
    import json

    from recommendations.models import Recommendation

    def fixture() -> dict:
        out = io.StringIO()
        call_command("load_fixture", "--recommendations=3", "--password=load-" + "x9" * 12, stdout=out)
        return json.loads(out.getvalue().strip().removeprefix("FIXTURE="))

    first = fixture()
    second = fixture()  # what exists is kept: the same users and rows, new tokens
    assert set(first["tokens"]) == {"analyst", "ngo_staff", "admin"}
    assert first["recommendations"] == second["recommendations"]
    assert Recommendation.objects.count() == 3
    assert get_user_model().objects.get(username="load_analyst").check_password("load-" + "x9" * 12)
