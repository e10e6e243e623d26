"""`make run` neither signs with a public key nor serves the network with development settings
(issue 30 §4): without SECRET_KEY each installation makes its own key under var/ on first use,
and a server listening beyond loopback runs the production settings (Secure cookies, HSTS)."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OLD_PUBLIC_KEY = "local-development-only-not-a-secret"


def local_secret_key(var_dir: Path) -> str:
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "tracker.settings.local", "TRACKER_VAR_DIR": str(var_dir)})
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_each_installation_makes_its_own_key_once_and_keeps_it_private(tmp_path):
    first = local_secret_key(tmp_path / "one")
    assert first != OLD_PUBLIC_KEY and len(first) >= 50
    assert local_secret_key(tmp_path / "one") == first  # kept: sessions survive a restart
    assert local_secret_key(tmp_path / "two") != first
    kept = tmp_path / "one" / "secret_key"
    assert kept.read_text().strip() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def planned_run(host: str) -> str:
    result = subprocess.run(  # noqa: S603 - make's dry run: prints the commands, runs none
        ["make", "-n", "run", f"HOST={host}", "PORT=18499"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize(
    ("host", "settings_module"),
    [
        ("127.0.0.1", "tracker.settings.local"),
        ("localhost", "tracker.settings.local"),
        ("0.0.0.0", "tracker.settings.production"),  # noqa: S104 - only printed, never bound
        ("192.168.1.10", "tracker.settings.production"),
    ],
)
def test_make_run_uses_the_production_settings_beyond_loopback(host, settings_module):
    serve_line = next(line for line in planned_run(host).split("\n\t") if "DJANGO_SETTINGS_MODULE" in line)
    assert f"DJANGO_SETTINGS_MODULE={settings_module}" in serve_line


def test_the_server_refuses_the_local_settings_beyond_loopback():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings.local", "HOST": "0.0.0.0", "PORT": "18499"}  # noqa: S104
    result = subprocess.run(  # noqa: S603 - exits before binding anything
        [str(ROOT / "scripts" / "serve")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 2
    assert "tracker.settings.production" in result.stderr
