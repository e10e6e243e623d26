#!/usr/bin/env python
"""Slow clients against a tracker on the loopback interface: does anyone else still get served?

Keeps --connections connections (default 64) busy sending request bodies as slowly as an
attacker would, half of each kind:

- token: `POST /api/v1/auth/token/` announcing `Content-Length: 1000`, one byte of body, then
  silence;
- login: a multipart `POST /login/` with the CSRF cookie and token, 10 bytes every 5 s.

A connection the server closes is opened again, so the pressure stays on for --seconds. Meanwhile
a reader sends one ordinary request (`GET /api/v1/areas/`) a second and fails the run if any
takes over --limit seconds (default 1) or gets no answer. Exit status 0 only if every read
answered in time.

    python scripts/slow_clients.py --serve                     # start a server, test it, stop it
    python scripts/slow_clients.py --base-url http://127.0.0.1:8000

Bounded: at most 256 connections, 300 s and 20 reopenings per connection; loopback only.
"""

import argparse
import re
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
MAX_CONNECTIONS = 256
MAX_SECONDS = 300
MAX_REOPENINGS = 20
READ_PATH = "/api/v1/areas/"
BOUNDARY = "slowclientboundary"


@dataclass
class Results:
    read_seconds: list[float] = field(default_factory=list)
    read_failures: list[str] = field(default_factory=list)
    opened: Counter = field(default_factory=Counter)
    closed_by_server: Counter = field(default_factory=Counter)  # by kind and the status the server sent
    closed_after: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, limit: float) -> bool:
        return bool(self.read_seconds) and not self.read_failures and max(self.read_seconds) <= limit


def check_loopback(base_url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        raise SystemExit(f"refusing {base_url!r}: plain http on the loopback interface only")
    return parts.hostname, parts.port or 80


def csrf_pair(base_url: str) -> tuple[str, str]:
    """The CSRF cookie and a form token of the sign-in page, as a browser would hold them."""
    with urllib.request.urlopen(f"{base_url}/login/", timeout=10) as response:  # noqa: S310 - loopback only
        page = response.read().decode()
        cookie = next(
            value.split(";")[0].split("=", 1)[1]
            for value in response.headers.get_all("Set-Cookie") or []
            if value.startswith("csrftoken=")
        )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("the sign-in page has no CSRF token")
    return cookie, token.group(1)


def token_request(host: str) -> tuple[bytes, list[bytes]]:
    head = (
        f"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000\r\n\r\n"
    )
    return head.encode(), [b"{"]  # one byte, then nothing


def login_request(host: str, cookie: str, token: str) -> tuple[bytes, list[bytes]]:
    body = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="username"\r\n\r\n' + "a" * 100_000
    ).encode()
    head = (
        f"POST /login/ HTTP/1.1\r\nHost: {host}\r\nCookie: csrftoken={cookie}\r\n"
        f"Referer: http://{host}/login/\r\nOrigin: http://{host}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {len(body) + 100}\r\n\r\n"
    )
    return head.encode(), [body[start : start + 10] for start in range(0, len(body), 10)]


def slow_connection(kind: str, address: tuple[str, int], request, deadline: float, results: Results) -> None:
    """One attacker: send the head, then a piece every 5 s (token: one piece, then silence),
    reopening whenever the server closes, until the deadline."""
    for _reopening in range(MAX_REOPENINGS + 1):
        if time.monotonic() >= deadline:
            return
        head, pieces = request
        opened = time.monotonic()
        try:
            with socket.create_connection(address, timeout=5) as conn:
                with results.lock:
                    results.opened[kind] += 1
                conn.sendall(head)
                status = drip(conn, pieces, deadline)
        except OSError:
            status = "reset"
        if time.monotonic() >= deadline:
            return
        with results.lock:
            results.closed_by_server[f"{kind} {status}"] += 1
            results.closed_after.append(time.monotonic() - opened)
        time.sleep(0.2)


def drip(conn: socket.socket, pieces: list[bytes], deadline: float) -> str:
    """Send a piece every 5 s; return what the server answered when it closed the connection
    ("" while the deadline came first)."""
    index = 0
    while time.monotonic() < deadline:
        if index < len(pieces):
            conn.sendall(pieces[index])
            index += 1
        wake = min(deadline, time.monotonic() + 5)
        while time.monotonic() < wake:
            conn.settimeout(max(0.01, wake - time.monotonic()))
            try:
                answer = conn.recv(4096)
            except TimeoutError:
                continue
            if not answer:
                return "closed"
            return answer.split(b"\r\n", 1)[0].decode(errors="replace").removeprefix("HTTP/1.1 ")
    return ""


def reader(base_url: str, deadline: float, limit: float, results: Results) -> None:
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"{base_url}{READ_PATH}", timeout=limit + 4) as response:  # noqa: S310
                response.read()
                problem = "" if response.status == 200 else f"status {response.status}"
        except (urllib.error.URLError, OSError) as error:
            problem = str(error)
        elapsed = time.monotonic() - started
        with results.lock:
            results.read_seconds.append(elapsed)
            if problem:
                results.read_failures.append(problem)
        time.sleep(max(0.0, 1.0 - elapsed))


def run_slow_clients(base_url: str, *, connections: int = 64, seconds: float = 30, limit: float = 1.0) -> Results:
    """Open the slow connections, read once a second while they hang on, stop them all."""
    host, port = check_loopback(base_url)
    connections, seconds = min(connections, MAX_CONNECTIONS), min(seconds, MAX_SECONDS)
    cookie, token = csrf_pair(base_url)
    results = Results()
    attack_deadline = time.monotonic() + seconds + 2
    kinds = [
        ("token", token_request(f"{host}:{port}")),
        ("login", login_request(f"{host}:{port}", cookie, token)),
    ]
    attackers = []
    for number in range(connections):
        kind, request = kinds[number % 2]
        thread = threading.Thread(
            target=slow_connection, args=(kind, (host, port), request, attack_deadline, results), daemon=True
        )
        thread.start()
        attackers.append(thread)
    time.sleep(1.5)  # every slow connection open and holding whatever it holds
    reader(base_url, time.monotonic() + seconds, limit, results)
    for thread in attackers:
        thread.join(timeout=10)
    return results


def report(results: Results, connections: int, seconds: float, limit: float) -> None:
    reads = results.read_seconds
    late = sum(1 for value in reads if value > limit)
    print(
        f"slow connections: {connections} for {seconds:.0f} s "
        f"(token: 1 of 1000 bytes then silence; login: multipart, 10 bytes every 5 s)"
    )
    print(
        f"opened: {sum(results.opened.values())} ({', '.join(f'{k} {v}' for k, v in sorted(results.opened.items()))})"
    )
    if results.closed_by_server:
        closed = ", ".join(f"{kind}: {count}" for kind, count in sorted(results.closed_by_server.items()))
        print(
            f"closed by the server: {sum(results.closed_by_server.values())} ({closed}); "
            f"after {min(results.closed_after):.1f}-{max(results.closed_after):.1f} s"
        )
    else:
        print("closed by the server: none")
    ordered = sorted(reads)
    print(
        f"reader ({READ_PATH}, one a second): {len(reads)} requests, "
        f"median {ordered[len(ordered) // 2] if ordered else 0:.3f} s, max {max(reads, default=0):.3f} s, "
        f"over {limit:g} s: {late}, failed: {len(results.read_failures)}"
    )
    for failure in Counter(results.read_failures).most_common(3):
        print(f"  {failure[1]} x {failure[0]}")
    print("result: " + ("OK" if results.ok(limit) else "FAIL (an ordinary request waited or failed)"))


def serve_and_run(args) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import serverctl

    var_dir = tempfile.mkdtemp(prefix="tracker-slow-")
    env = serverctl.server_environment(f"sqlite:///{var_dir}/slow.sqlite3", var_dir)
    serverctl.prepare(env, recommendations=1)
    with serverctl.Server(env, workers=args.workers, threads=args.threads) as server:
        print(
            f"server: scripts/serve pid {server.process.pid} on {server.url}, "
            f"{args.workers} workers x {args.threads} threads"
        )
        results = run_slow_clients(server.url, connections=args.connections, seconds=args.seconds, limit=args.limit)
    report(results, args.connections, args.seconds, args.limit)
    return 0 if results.ok(args.limit) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", help="a running server on the loopback interface")
    parser.add_argument("--serve", action="store_true", help="start scripts/serve with its own data, then test it")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the reader checks")
    parser.add_argument("--limit", type=float, default=1.0, help="seconds an ordinary request may take")
    parser.add_argument("--workers", type=int, default=2, help="with --serve")
    parser.add_argument("--threads", type=int, default=2, help="with --serve")
    args = parser.parse_args()
    if not (1 <= args.connections <= MAX_CONNECTIONS and 0 < args.seconds <= MAX_SECONDS):
        parser.error(f"bounds: 1 <= --connections <= {MAX_CONNECTIONS}, 0 < --seconds <= {MAX_SECONDS}")
    if args.serve:
        return serve_and_run(args)
    if not args.base_url:
        parser.error("give --serve or --base-url")
    results = run_slow_clients(
        args.base_url.rstrip("/"), connections=args.connections, seconds=args.seconds, limit=args.limit
    )
    report(results, args.connections, args.seconds, args.limit)
    return 0 if results.ok(args.limit) else 1


if __name__ == "__main__":
    sys.exit(main())
