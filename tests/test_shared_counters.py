"""Throttle counters are shared between processes through Redis (REDIS_URL), as the server's
workers need; without it each process counts on its own. Two real processes, the local
Redis (`.ci/run` starts one; TEST_REDIS_URL points elsewhere)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # two interpreters start; `make test-all` and CI run it

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
WORKER = """
import sys
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(REMOTE_ADDR="192.0.2.77", HTTP_X_FORWARDED_FOR=sys.argv[2])
print(" ".join(str(client.options("/api/v1/areas/").status_code) for _ in range(int(sys.argv[1]))))
"""


def worker(requests: int, forwarded_for: str, tmp_path: Path, **environment: str) -> list[int]:
    """One process, like one server worker, sending `requests` requests; their statuses."""
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tracker.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            "THROTTLE_ANON": "3/minute",
            "LOG_LEVEL": "ERROR",
            **environment,
        }
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments, this interpreter
        [sys.executable, "-c", WORKER, str(requests), forwarded_for],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [int(status) for status in result.stdout.split()]


@pytest.fixture
def redis_environment():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError as error:
        pytest.fail(f"no Redis at {REDIS_URL} ({error}); start redis-server or set TEST_REDIS_URL")
    return {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"tracker-test-{secrets.token_hex(8)}"}


def test_with_redis_workers_share_one_count(redis_environment, tmp_path):
    assert worker(2, "10.0.0.1", tmp_path, **redis_environment) == [200, 200]
    # Another process, the same client (its forged X-Forwarded-For changed): one left, then 429.
    assert worker(3, "10.0.0.2", tmp_path, **redis_environment) == [200, 429, 429]


def test_without_redis_each_process_counts_alone(tmp_path):
    """What the README warns about: per-process counters allow workers × the limit."""
    assert worker(3, "10.0.0.1", tmp_path) == [200, 200, 200]
    assert worker(3, "10.0.0.1", tmp_path) == [200, 200, 200]
