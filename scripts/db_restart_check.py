#!/usr/bin/env python
"""Restart PostgreSQL under load and check the app rides it out.

Starts the app under its production server (scripts/serve) on 127.0.0.1 against DATABASE_URL (PostgreSQL), sends a
bounded stream of reads and writes from the four roles, restarts the PostgreSQL cluster in
the middle (`pg_ctlcluster --skip-systemctl-redirect 15 main restart`), keeps loading, then
verifies:

- during the outage every answer is a JSON 503 with Retry-After (never an HTML 500), and no
  request waits longer than a few seconds;
- the app recovers by itself: after the database is back, requests succeed again without
  restarting the app;
- every write that got a 2xx is in the database afterwards (updates lost: must be 0).

Prints the numbers and exits non-zero when any of that fails.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_restart python scripts/db_restart_check.py
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadtest
import serverctl

RESTART_COMMAND = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]
HANG_LIMIT_SECONDS = 5.0


class RetryAfterTally(urllib.request.BaseHandler):
    """Counts the 503 answers and those without a Retry-After header (loadtest.send keeps
    only the status and body). Runs for every answer, before urllib turns errors into HTTPError."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answers_503 = 0
        self.without_retry_after = 0

    def http_response(self, request, response):
        if response.status == 503:
            with self.lock:
                self.answers_503 += 1
                self.without_retry_after += not response.headers.get("Retry-After")
        return response


def restart_postgres_after(delay: float, window: dict) -> threading.Thread:
    def restart() -> None:
        time.sleep(delay)
        window["start"] = time.monotonic()
        result = subprocess.run(RESTART_COMMAND, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
        window["end"] = time.monotonic()
        window["result"] = result

    thread = threading.Thread(target=restart, daemon=True)
    thread.start()
    return thread


def markers_in_database(database_url: str, markers: list[str]) -> set[str]:
    """Which of the write markers are stored (as progress notes or evidence excerpts)."""
    import psycopg

    found: set[str] = set()
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), connect_timeout=10) as connection:
        for start in range(0, len(markers), 1000):
            chunk = markers[start : start + 1000]
            rows = connection.execute(
                "SELECT note FROM recommendations_progressupdate WHERE note = ANY(%s) "
                "UNION SELECT excerpt FROM recommendations_evidence WHERE excerpt = ANY(%s)",
                [chunk, chunk],
            ).fetchall()
            found.update(row[0] for row in rows)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the load (at most 300)")
    parser.add_argument("--restart-after", type=float, default=8.0, help="seconds into the load")
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--write-share", type=float, default=0.4)
    args = parser.parse_args()
    if not 0 < args.seconds <= 300 or not 0 < args.restart_after < args.seconds:
        parser.error("need 0 < --restart-after < --seconds <= 300")

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must point at PostgreSQL (postgres://user@127.0.0.1:5432/name)")

    var_dir = tempfile.mkdtemp(prefix="tracker-restart-")
    env = serverctl.server_environment(database_url, var_dir)
    fixture = loadtest.Fixture(**serverctl.prepare(env))
    server = serverctl.Server(env, workers=args.workers)
    window: dict = {}
    try:
        server.wait_ready()
        print(f"server: scripts/serve (granian) pid {server.process.pid} on {server.url}, {args.workers} workers")
        print(
            f"database: {database_url.split('@')[-1]}; restart after {args.restart_after:.0f} s of {args.seconds:.0f} s"
        )
        retry_after = RetryAfterTally()
        urllib.request.install_opener(urllib.request.build_opener(retry_after))
        restarter = restart_postgres_after(args.restart_after, window)
        outcomes, elapsed = loadtest.run_load(
            server.url,
            fixture,
            max_requests=args.max_requests,
            max_seconds=args.seconds,
            concurrency=args.concurrency,
            write_share=args.write_share,
            timeout=HANG_LIMIT_SECONDS * 3,
            seed=7,
            pause=0.01,
        )
        urllib.request.install_opener(None)
        restarter.join(timeout=120)
        server_alive = server.process.poll() is None
    finally:
        server.stop()

    restart = window.get("result")
    if restart is None or restart.returncode != 0:
        print(f"PostgreSQL restart failed: {restart.stderr if restart else 'did not run'}")
        return 1
    outage = (window["start"], window["end"])
    after_outage = [outcome for outcome in outcomes if outcome.started > outage[1] + 1.0]
    during_outage = [outcome for outcome in outcomes if outage[0] - 0.5 <= outcome.started <= outage[1] + 1.0]

    accepted_writes = [outcome for outcome in outcomes if outcome.is_write and 200 <= outcome.status < 300]
    refused_writes = [outcome for outcome in outcomes if outcome.is_write and not 200 <= outcome.status < 300]
    stored = markers_in_database(database_url, [outcome.marker for outcome in outcomes if outcome.is_write])
    lost = [outcome for outcome in accepted_writes if outcome.marker not in stored]
    stored_despite_error = [outcome for outcome in refused_writes if outcome.marker in stored]

    kinds = Counter()
    for outcome in outcomes:
        if 200 <= outcome.status < 300:
            kinds["2xx"] += 1
        elif outcome.status == 503 and outcome.json_error:
            kinds["503 JSON (database unavailable)"] += 1
        elif outcome.status >= 500:
            kinds[f"{outcome.status} {'JSON' if outcome.json_error else 'not JSON'}"] += 1
        elif outcome.status:
            kinds[f"{outcome.status}"] += 1
        else:
            kinds[f"no answer: {outcome.error}"] += 1
    slowest = max((outcome.seconds for outcome in outcomes), default=0.0)
    recovered = bool(after_outage) and all(200 <= outcome.status < 300 for outcome in after_outage)

    print(f"restart took {outage[1] - outage[0]:.1f} s ({' '.join(RESTART_COMMAND)})")
    loadtest.report(outcomes, elapsed)
    print("answers by kind: " + ", ".join(f"{kind}: {count}" for kind, count in sorted(kinds.items())))
    print(
        f"requests in the outage window: {len(during_outage)}, of which 503: "
        f"{sum(1 for outcome in during_outage if outcome.status == 503)}"
    )
    print(f"503 answers: {retry_after.answers_503}, without Retry-After: {retry_after.without_retry_after}")
    print(f"slowest request: {slowest:.2f} s (limit {HANG_LIMIT_SECONDS:.0f} s)")
    print(f"requests after recovery: {len(after_outage)}, all 2xx: {recovered}")
    print(
        f"writes: {len(accepted_writes)} accepted, {len(refused_writes)} refused "
        f"({len(stored_despite_error)} of those stored anyway: committed before the connection dropped)"
    )
    print(f"updates lost: {len(lost)}")
    print(f"server process survived: {server_alive}")

    failures = []
    if lost:
        failures.append(f"{len(lost)} accepted writes are missing")
    if any(outcome.status >= 500 and outcome.status != 503 for outcome in outcomes):
        failures.append("a 5xx other than 503")
    if any(outcome.status == 503 and not outcome.json_error for outcome in outcomes):
        failures.append("a 503 that is not JSON")
    if retry_after.without_retry_after:
        failures.append(f"{retry_after.without_retry_after} 503s without Retry-After")
    if any(outcome.status == 0 for outcome in outcomes):
        failures.append("requests without an answer (hang or dropped connection)")
    if slowest > HANG_LIMIT_SECONDS:
        failures.append(f"a request took {slowest:.1f} s")
    if not recovered:
        failures.append("the app did not recover after the restart")
    if not server_alive:
        failures.append("the server process died")
    print("RESULT: " + ("ok" if not failures else "FAILED: " + "; ".join(failures)))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
