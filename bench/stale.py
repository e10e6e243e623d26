"""The stale-answer check: readers walk the warm list shapes on the tracker while writers
move statuses of the recommendations those pages show, and every answer is held against
the database's truth.

A write is a real one: a progress entry through the API (`POST /api/v1/recommendations/<id>/
progress/`, the one door every status change goes through) with an NGO staff member's token.
After the API acknowledged it (so it committed), the writer reads the row back from
PostgreSQL: that (status, status_changed_at) is the row's truth from that moment on.

A reader notes the time just before it sends a request and just after the answer. For each
written recommendation the answer shows, the truth it must show is the latest write
acknowledged before the request started, or a later write sent before the answer arrived
(that one may have committed before the read). An answer showing anything else — an older
status — is stale. Nothing here depends on how the tracker answers (cache or not): with a
never-stale cache, or none, the count is 0.
"""

import datetime
import http.client
import itertools
import json
import random
import threading
import time
from dataclasses import dataclass, field

import psycopg
from servers import CONNECTIONS, DATABASE_URL, STALE_SECONDS, http_get, log, ports, tracker_code
from shapes import LIST_SHAPES, STATUSES, Values, path_for

WRITERS = 2
ROWS_WRITTEN_PER_PAGE = 2  # of each warm page's rows, the first ones: the pool the writers move
WRITER_ACCOUNT_CODE = """
import secrets
from django.contrib.auth import get_user_model
from recommendations.choices import Role
from recommendations.users.services import user_create
from recommendations.users.tokens import token_issue
user = get_user_model().objects.filter(username=ARGUMENT).first() or user_create(
    username=ARGUMENT, role=Role.NGO_STAFF, password=secrets.token_urlsafe(24)
)
print(json.dumps(token_issue(user=user, name="bench stale-answer check")))
"""


@dataclass
class Version:
    """One state of a written row: when its write was sent and acknowledged, and what the
    database held right after."""

    sent: float
    acknowledged: float
    status: str
    changed_at: datetime.datetime


@dataclass
class StaleCheck:
    answers: int = 0
    answers_with_written_rows: int = 0
    answers_after_a_write: int = 0  # showed a row whose write was acknowledged before they began: could be stale
    stale: int = 0
    writes: int = 0
    failed_writes: int = 0
    failed_reads: int = 0
    examples: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"STALE stale answers: {self.stale} of {self.answers} ({self.answers_with_written_rows} showed a "
            f"written row, {self.answers_after_a_write} a row written before they began; "
            f"{self.writes} status writes, {self.failed_writes} failed; "
            f"{self.failed_reads} failed reads)"
        )


def _truth(connection, recommendation_id: int) -> tuple[str, datetime.datetime]:
    return connection.execute(
        "SELECT status, status_changed_at FROM recommendations_recommendation WHERE id = %s", [recommendation_id]
    ).fetchone()


def _connection() -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", ports["tracker"], timeout=30)


def _exchange(
    connection: http.client.HTTPConnection, method: str, path: str, **request
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse | None, bytes]:
    """One request on a kept-alive connection: (the connection to use next, the response or
    None when the exchange failed — the connection is then a new one —, the body)."""
    try:
        connection.request(method, path, **request)
        response = connection.getresponse()
        return connection, response, response.read()
    except (OSError, http.client.HTTPException):
        connection.close()
        return _connection(), None, b""


def _written_pool(paths: list[str]) -> list[int]:
    pool: dict[int, None] = {}
    for path in paths:
        status, body = http_get(f"http://127.0.0.1:{ports['tracker']}{path}")
        if status == 200:
            for row in json.loads(body)["results"][:ROWS_WRITTEN_PER_PAGE]:
                pool[row["id"]] = None
    return list(pool)


def _parse_time(text: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None


def run_stale_check(values: dict[str, list[Values]]) -> StaleCheck:
    paths = [path_for("tracker", f"{shape}_warm", v) for shape in LIST_SHAPES for v in values[f"{shape}_warm"]]
    pool = _written_pool(paths)
    versions: dict[int, list[Version]] = {}
    with psycopg.connect(DATABASE_URL) as connection:
        for recommendation_id in pool:
            status, changed_at = _truth(connection, recommendation_id)
            versions[recommendation_id] = [Version(float("-inf"), float("-inf"), status, changed_at)]
    token = tracker_code(WRITER_ACCOUNT_CODE, "bench_writer")
    result = StaleCheck()
    answers: list[tuple[float, float, list[tuple[int, str, str | None]]]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + STALE_SECONDS

    def write(own: list[int]) -> None:
        connection = _connection()
        with psycopg.connect(DATABASE_URL, autocommit=True) as database:
            for recommendation_id in itertools.cycle(own):
                if time.monotonic() >= deadline:
                    return
                current = versions[recommendation_id][-1].status
                status = STATUSES[(STATUSES.index(current) + 1) % len(STATUSES)]
                sent = time.monotonic()
                connection, response, body = _exchange(
                    connection,
                    "POST",
                    f"/api/v1/recommendations/{recommendation_id}/progress/",
                    body=json.dumps({"status": status, "note": "bench: stale-answer check"}),
                    headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
                )
                if response is None:
                    with lock:
                        result.failed_writes += 1
                    continue
                acknowledged = time.monotonic()
                if response.status >= 300:
                    with lock:
                        result.failed_writes += 1
                        if len(result.examples) < 3:
                            result.examples.append(f"write HTTP {response.status}: {body[:200]!r}")
                    continue
                status_now, changed_at = _truth(database, recommendation_id)
                versions[recommendation_id].append(Version(sent, acknowledged, status_now, changed_at))
                with lock:
                    result.writes += 1

    def read(order: list[str]) -> None:
        connection = _connection()
        for path in itertools.cycle(order):
            if time.monotonic() >= deadline:
                return
            started = time.monotonic()
            connection, response, body = _exchange(connection, "GET", path)
            if response is None:
                with lock:
                    result.failed_reads += 1
                continue
            finished = time.monotonic()
            if response.status != 200:
                with lock:
                    result.failed_reads += 1
                continue
            shown = [
                (row["id"], row.get("status"), row.get("status_changed_at"))
                for row in json.loads(body)["results"]
                if row["id"] in versions
            ]
            with lock:
                answers.append((started, finished, shown))

    # Each writer and each reader in its own order, so writes land on pages being read all
    # over the spread rather than where the readers happen to walk.
    draw = random.Random(2)  # noqa: S311 - an order, not a secret
    threads = [
        threading.Thread(target=write, args=(draw.sample(pool[i::WRITERS], len(pool[i::WRITERS])),))
        for i in range(WRITERS)
    ]
    threads += [threading.Thread(target=read, args=(draw.sample(paths, len(paths)),)) for _ in range(CONNECTIONS)]
    log(
        f"stale-answer check: {CONNECTIONS} readers, {WRITERS} writers over {len(pool)} recommendations, {STALE_SECONDS} s"
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.answers = len(answers)
    for started, finished, shown in answers:
        if shown:
            result.answers_with_written_rows += 1
        if any(len(versions[i]) > 1 and versions[i][1].acknowledged < started for i, _s, _c in shown):
            result.answers_after_a_write += 1
        problems = [_stale_row(versions[i], started, finished, status, changed) for i, status, changed in shown]
        problems = [f"#{i}: {p}" for (i, _s, _c), p in zip(shown, problems, strict=True) if p]
        if problems:
            result.stale += 1
            if len(result.examples) < 5:
                result.examples.append("; ".join(problems))
    return result


def _stale_row(history: list[Version], started: float, finished: float, status, changed_text) -> str:
    """Why a row shown by an answer is stale, or "" when it shows an allowed truth."""
    latest = max(i for i, version in enumerate(history) if version.acknowledged < started)
    allowed = [version for version in history[latest:] if version.sent < finished]
    changed_at = _parse_time(changed_text)
    for version in allowed:
        # Without status_changed_at in the list (a leaner body), the status alone is compared.
        if version.status == status and (
            changed_at is None or abs(version.changed_at - changed_at).total_seconds() < 1
        ):
            return ""
    return f"shows {status} ({changed_text}), the truth since before the request is {history[latest].status}"
