"""Two production servers (scripts/serve) on one database: a write answered by one is in the
very next read of the other, though both cache public reads (recommendations/caching/), while a
third client keeps writing through the first at the same time. Each server caching in its own
memory, and both sharing Redis (REDIS_URL), as a deployment's workers do."""

import json
import secrets
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import serverctl

from .test_shared_counters import REDIS_URL

pytestmark = pytest.mark.slow

STATUSES = ("in_progress", "implemented", "not_started", "partially_implemented")
LIST = "/api/v1/recommendations/?ordering=id"


@pytest.fixture(scope="module", params=["per-process", "redis"])
def servers(request):
    var_dir = tempfile.mkdtemp(prefix="tracker-cache-test-")
    env = serverctl.server_environment(f"sqlite:///{var_dir}/cache.sqlite3", var_dir)
    env.pop("REDIS_URL", None)
    if request.param == "redis":
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()  # else this test fails: no Redis
        env.update({"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"tracker-test-{secrets.token_hex(8)}"})
    prepared = serverctl.prepare(env, recommendations=3)
    with serverctl.Server(env, workers=1, threads=2) as writer, serverctl.Server(env, workers=1, threads=2) as reader:
        yield writer, reader, prepared


def call(url: str, *, token: str | None = None, body: dict | None = None) -> dict:
    request = urllib.request.Request(url, method="PATCH" if body else "GET")  # noqa: S310 - loopback
    if token:
        request.add_header("Authorization", f"Token {token}")
    if body:
        request.add_header("Content-Type", "application/json")
        request.data = json.dumps(body).encode()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def test_a_write_through_one_server_is_in_the_next_read_through_the_other(servers):
    writer, reader, prepared = servers
    token = prepared["tokens"]["ngo_staff"]
    watched, busy = prepared["recommendations"][0], prepared["recommendations"][1]
    stop = threading.Event()
    background_writes = []

    def keep_writing():
        # Versions move all the time, between and during the reads below.
        for number in range(10_000):
            if stop.is_set():
                return
            status = STATUSES[number % len(STATUSES)]
            call(f"{writer.url}/api/v1/recommendations/{busy}/", token=token, body={"status": status})
            background_writes.append(status)

    background = threading.Thread(target=keep_writing)
    background.start()
    stale = []
    try:
        for number in range(40):
            # The reader's cache holds the current answer before each write.
            call(f"{reader.url}{LIST}")
            call(f"{reader.url}/api/v1/stats/")
            status = STATUSES[number % len(STATUSES)]
            call(f"{writer.url}/api/v1/recommendations/{watched}/", token=token, body={"status": status})
            listed = {item["id"]: item["status"] for item in call(f"{reader.url}{LIST}")["results"]}
            counted = call(f"{reader.url}/api/v1/stats/?status={status}")["total"]
            if listed[watched] != status or counted < 1:
                stale.append((number, status, listed[watched], counted))
    finally:
        stop.set()
        background.join(timeout=60)
    assert stale == []
    assert len(background_writes) > 5  # the writes really went on meanwhile
