#!/usr/bin/env python
"""Bounded load against a running tracker on the loopback interface.

Mixes what the four roles do: anonymous readers (lists with filters, items, sources, areas),
analysts (progress logs, history, evidence), NGO staff (progress updates, status PATCHes) and
admins (field edits, evidence excerpts). Stops at --max-requests or --max-seconds, whichever
comes first, and prints throughput, latency percentiles and errors by status.

    python scripts/loadtest.py --serve                    # start a server, load it, stop it
    python scripts/loadtest.py --base-url http://127.0.0.1:8000 --fixture fixture.json

--fixture is JSON: {"tokens": {"analyst": …, "ngo_staff": …, "admin": …}, "recommendations": [ids]}.
"""

import argparse
import json
import random
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
STATUSES = ["not_started", "in_progress", "partially_implemented", "implemented"]


@dataclass
class Outcome:
    role: str
    kind: str
    status: int  # 0: no HTTP answer (connection refused, reset, timeout)
    seconds: float
    started: float
    error: str = ""
    is_write: bool = False
    marker: str = ""  # for writes: the note that lets a later check find the row
    json_error: bool = True  # 4xx/5xx answered with JSON


@dataclass
class Fixture:
    tokens: dict[str, str]
    recommendations: list[int]


@dataclass
class Request:
    role: str
    kind: str
    method: str
    path: str
    body: dict | None = None
    marker: str = ""
    headers: dict = field(default_factory=dict)


def next_request(rng: random.Random, fixture: Fixture, write_share: float) -> Request:
    """One request as one of the four roles would send it."""
    rec = rng.choice(fixture.recommendations)
    if rng.random() < write_share:
        role = rng.choice(["ngo_staff", "ngo_staff", "ngo_staff", "admin"])
        marker = f"load-{uuid.uuid4().hex}"
        choice = rng.random()
        if role == "ngo_staff" and choice < 0.75:
            body = {"status": rng.choice(STATUSES), "note": marker}
            return Request(role, "progress:post", "POST", f"/api/v1/recommendations/{rec}/progress/", body, marker)
        if role == "ngo_staff":
            body = {"status": rng.choice(STATUSES), "note": marker}
            return Request(role, "status:patch", "PATCH", f"/api/v1/recommendations/{rec}/", body, marker)
        if choice < 0.5:
            body = {"kind": "excerpt", "title": "Hesabatdan sitat", "excerpt": marker}
            return Request(role, "evidence:post", "POST", f"/api/v1/recommendations/{rec}/evidence/", body, marker)
        body = {"priority": rng.random() < 0.5, "status": rng.choice(STATUSES), "note": marker}
        return Request(role, "fields:patch", "PATCH", f"/api/v1/recommendations/{rec}/", body, marker)
    role = rng.choice(["anonymous", "anonymous", "analyst", "ngo_staff", "admin"])
    if role == "anonymous":
        path = rng.choice(
            [
                "/api/v1/recommendations/?page_size=50",
                "/api/v1/recommendations/?area=enforcement&year=2013",
                "/api/v1/recommendations/?status=in_progress,implemented&ordering=-status_changed_at",
                "/api/v1/recommendations/?q=" + urllib.parse.quote("müfəttiş"),
                f"/api/v1/recommendations/{rec}/",
                "/api/v1/sources/",
                "/api/v1/areas/",
            ]
        )
        return Request(role, "read:public", "GET", path)
    path = rng.choice(
        [
            f"/api/v1/recommendations/{rec}/progress/",
            f"/api/v1/recommendations/{rec}/history/",
            f"/api/v1/recommendations/{rec}/evidence/",
            "/api/v1/recommendations/?year_from=2012&year_to=2014&page_size=100",
        ]
    )
    return Request(role, "read:restricted", "GET", path)


def send(base_url: str, fixture: Fixture, request: Request, timeout: float) -> Outcome:
    headers = {"Accept": "application/json", "Accept-Language": "en", **request.headers}
    if request.role != "anonymous":
        headers["Authorization"] = f"Token {fixture.tokens[request.role]}"
    data = None
    if request.body is not None:
        data = json.dumps(request.body).encode()
        headers["Content-Type"] = "application/json"
    http_request = urllib.request.Request(base_url + request.path, data=data, headers=headers, method=request.method)  # noqa: S310
    started = time.monotonic()
    outcome = Outcome(request.role, request.kind, 0, 0.0, started, is_write=request.body is not None)
    outcome.marker = request.marker
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as response:  # noqa: S310 - loopback only
            response.read()
            outcome.status = response.status
    except urllib.error.HTTPError as error:
        outcome.status = error.code
        body = error.read()
        outcome.json_error = error.headers.get("Content-Type", "").startswith("application/json")
        if outcome.json_error:
            try:
                outcome.error = json.loads(body).get("detail", "") if body else ""
            except ValueError:
                outcome.json_error = False
    except TimeoutError:
        outcome.error = "timeout"
    except (urllib.error.URLError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        outcome.error = "timeout" if isinstance(reason, TimeoutError) else f"connection: {type(reason).__name__}"
    outcome.seconds = time.monotonic() - started
    return outcome


def run_load(
    base_url: str,
    fixture: Fixture,
    *,
    max_requests: int,
    max_seconds: float,
    concurrency: int,
    write_share: float,
    timeout: float,
    seed: int,
    pause: float = 0.0,
) -> tuple[list[Outcome], float]:
    """Send requests from `concurrency` threads until either bound is reached."""
    check_loopback(base_url)
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + max_seconds

    def worker(number: int) -> None:
        nonlocal issued
        rng = random.Random(seed * 1000 + number)  # noqa: S311 - load mix, not security
        while time.monotonic() < deadline:
            with lock:
                if issued >= max_requests:
                    return
                issued += 1
            outcome = send(base_url, fixture, next_request(rng, fixture, write_share), timeout)
            with lock:
                outcomes.append(outcome)
            if pause:
                time.sleep(pause)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(number,), daemon=True) for number in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max_seconds + timeout + 5)
    return outcomes, time.monotonic() - started


def check_loopback(base_url: str) -> None:
    host = urllib.parse.urlsplit(base_url).hostname
    if host not in LOOPBACK_HOSTS:
        raise SystemExit(f"refusing to send load to {host!r}: loopback only ({', '.join(sorted(LOOPBACK_HOSTS))})")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(outcomes: list[Outcome], elapsed: float) -> None:
    latencies = [outcome.seconds * 1000 for outcome in outcomes]
    print(f"requests: {len(outcomes)} in {elapsed:.1f} s = {len(outcomes) / elapsed:.1f} req/s")
    print(
        "latency ms: "
        f"p50 {percentile(latencies, 0.50):.1f}  p95 {percentile(latencies, 0.95):.1f}  "
        f"p99 {percentile(latencies, 0.99):.1f}  max {max(latencies, default=0):.1f}"
    )
    by_kind: dict[tuple[str, str], list[float]] = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.role, outcome.kind].append(outcome.seconds * 1000)
    print(f"{'role':<10} {'kind':<16} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for (role, kind), values in sorted(by_kind.items()):
        print(
            f"{role:<10} {kind:<16} {len(values):>6} {percentile(values, 0.5):>8.1f} "
            f"{percentile(values, 0.95):>8.1f} {percentile(values, 0.99):>8.1f}"
        )
    statuses = Counter(outcome.status for outcome in outcomes)
    print(
        "responses by status: "
        + ", ".join(f"{status or 'no answer'}: {count}" for status, count in sorted(statuses.items()))
    )
    errors = Counter(
        f"{outcome.status} {outcome.error or ''}".strip() for outcome in outcomes if not 200 <= outcome.status < 300
    )
    print(
        f"errors: {sum(errors.values())}" + ("".join(f"\n  {count:>5}  {kind}" for kind, count in errors.most_common()))
    )


def serve_and_load(args) -> int:
    """Start a server on a free loopback port with its own data, load it, stop it by pid."""
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
    import serverctl

    var_dir = tempfile.mkdtemp(prefix="tracker-load-")
    database_url = args.database_url or f"sqlite:///{var_dir}/load.sqlite3"
    env = serverctl.server_environment(database_url, var_dir)
    print(f"database: {database_url.split('@')[-1]}")
    fixture = Fixture(**serverctl.prepare(env, recommendations=args.recommendations))
    server = serverctl.Server(env, workers=args.workers, threads=args.threads)
    try:
        server.wait_ready()
        print(
            f"server: scripts/serve (granian) pid {server.process.pid} on {server.url}, "
            f"{args.workers} workers x {args.threads} threads"
        )
        outcomes, elapsed = run_load(
            server.url,
            fixture,
            max_requests=args.max_requests,
            max_seconds=args.max_seconds,
            concurrency=args.concurrency,
            write_share=args.write_share,
            timeout=args.timeout,
            seed=args.seed,
        )
    finally:
        server.stop()
    report(outcomes, elapsed)
    return 0 if all(outcome.status and outcome.status < 500 for outcome in outcomes) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", help="a running server on the loopback interface")
    parser.add_argument("--fixture", help="JSON file with tokens and recommendation ids (with --base-url)")
    parser.add_argument("--serve", action="store_true", help="start a server with its own data, then load it")
    parser.add_argument("--database-url", help="with --serve: database to use (default: a new SQLite file)")
    parser.add_argument("--max-requests", type=int, default=3000)
    parser.add_argument("--max-seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--write-share", type=float, default=0.2)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="with --serve: server worker processes")
    parser.add_argument("--threads", type=int, default=2, help="with --serve: threads per worker")
    parser.add_argument("--recommendations", type=int, default=50, help="with --serve: how many to create")
    args = parser.parse_args()
    if args.max_requests < 1 or args.max_seconds <= 0 or args.max_seconds > 600 or args.concurrency > 64:
        parser.error("bounds: 1 <= --max-requests, 0 < --max-seconds <= 600, --concurrency <= 64")
    if args.serve:
        return serve_and_load(args)
    if not (args.base_url and args.fixture):
        parser.error("give --serve, or --base-url with --fixture")
    with open(args.fixture, encoding="utf-8") as handle:
        fixture = Fixture(**json.load(handle))
    outcomes, elapsed = run_load(
        args.base_url.rstrip("/"),
        fixture,
        max_requests=args.max_requests,
        max_seconds=args.max_seconds,
        concurrency=args.concurrency,
        write_share=args.write_share,
        timeout=args.timeout,
        seed=args.seed,
    )
    report(outcomes, elapsed)
    return 0 if all(outcome.status and outcome.status < 500 for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
