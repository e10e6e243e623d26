"""Run by replica_demo.sh with DATABASE_URL (primary) and DATABASE_REPLICA_URLS (one replica).

Through the API (Django's test client, in process): the list is read from the replica; a
progress update is written to the primary, its response shows the new version at once
(read from the primary), and the new row reaches the replica by streaming replication.
Exits non-zero if any of that is not so.
"""

import os
import secrets
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings.local")

import django

django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from recommendations.choices import Role, Status  # noqa: E402
from recommendations.models import ProgressUpdate, Recommendation  # noqa: E402
from recommendations.users import services as users_services  # noqa: E402


class StatementLog:
    """Which database alias ran which kind of statement."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()

    def wrapper_for(self, alias: str):
        def record(execute, sql, params, many, context):
            self.counts[(alias, sql.split(None, 1)[0].upper())] += 1
            return execute(sql, params, many, context)

        return record


def check(condition: bool, message: str) -> None:
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        sys.exit(1)


def main() -> None:
    check("replica1" in connections.settings, "DATABASE_REPLICA_URLS configured the alias replica1")
    with connections["replica1"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        check(cursor.fetchone()[0] is True, "replica1 is a standby (pg_is_in_recovery)")
    if not Recommendation.objects.using("default").exists():
        sys.exit("The demo database has no recommendations: run generate_data on it first.")

    username = f"replica-demo-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    users_services.user_create(username=username, role=Role.NGO_STAFF, password=password)
    client = Client(HTTP_HOST="127.0.0.1")
    token = client.post("/api/v1/auth/token/", {"username": username, "password": password}).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    # The token was written to the primary; the next GET authenticates on the replica.
    from recommendations.users.models import ApiToken
    from recommendations.users.tokens import token_digest

    deadline = time.monotonic() + 30
    replica_tokens = ApiToken.objects.using("replica1")
    while not replica_tokens.filter(digest=token_digest(token)).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    log = StatementLog()
    with (
        connections["default"].execute_wrapper(log.wrapper_for("primary")),
        connections["replica1"].execute_wrapper(log.wrapper_for("replica")),
    ):
        response = client.get("/api/v1/recommendations/", {"page_size": 20}, **auth)
        check(response.status_code == 200, f"list answered {response.status_code}")
        reads = dict(log.counts)
        check(reads.get(("replica", "SELECT"), 0) >= 1, f"the list was read from the replica {reads}")
        check(("primary", "SELECT") not in reads, "the list did not touch the primary")

        log.counts.clear()
        target = response.json()["results"][0]
        detail = client.get(f"/api/v1/recommendations/{target['id']}/", **auth)
        new_status = Status.IN_PROGRESS if target["status"] != Status.IN_PROGRESS else Status.PARTIALLY_IMPLEMENTED
        written = client.post(
            f"/api/v1/recommendations/{target['id']}/progress/",
            {"status": new_status, "note": "Replica demo: Əmək Nazirliyi hesabatı"},
            content_type="application/json",
            HTTP_IF_MATCH=detail["ETag"],
            **auth,
        )
        check(written.status_code == 201, f"progress update answered {written.status_code}")
        writes = dict(log.counts)
        check(writes.get(("primary", "INSERT"), 0) >= 1, f"the progress row was inserted on the primary {writes}")
        check(
            not any(alias == "replica" and verb != "SELECT" for alias, verb in writes),
            "nothing was written to the replica",
        )
        check(written["ETag"] != detail["ETag"], f"the response carries the new version {written['ETag']}")

    update_id = written.json()["id"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if ProgressUpdate.objects.using("replica1").filter(pk=update_id).exists():
            break
        time.sleep(0.2)
    check(
        ProgressUpdate.objects.using("replica1").filter(pk=update_id).exists(),
        f"progress update #{update_id} reached the replica by streaming replication",
    )
    check(
        Recommendation.objects.using("replica1").get(pk=target["id"]).status == new_status,
        "the replica shows the new status",
    )
    print("Replica demo passed.")


if __name__ == "__main__":
    main()
