"""Driving wrk: one shape on one server, its paths walked by a Lua script, and the CPU the
server's processes and PostgreSQL's backends spent per request meanwhile."""

import os
import re
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import psycopg
from servers import CONNECTIONS, DATABASE_URL, DURATION, RESULTS_DIR, base_url, http_get, log, started_processes

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WRK_THREADS = min(2, CONNECTIONS)  # wrk wants at least one connection per thread
# wrk walks the paths file: thread i sends paths i, i + threads, i + 2 × threads…, so no two
# requests of a run share a URL until the list is used up (the cold shapes rely on it).
WRK_SCRIPT = """
local paths = {}
for line in io.lines(%s) do paths[#paths + 1] = line end
local threads = %d
local started = 0
function setup(thread)
  thread:set("index", started)
  started = started + 1
end
function init(args)
  counter = index or 0
end
function request()
  local path = paths[counter %% #paths + 1]
  counter = counter + threads
  return wrk.format(nil, path)
end
"""


@dataclass
class Result:
    server: str
    shape: str
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    cpu_ms: float | None = None  # the server's processes, per request
    db_cpu_ms: float | None = None  # PostgreSQL's backends for the bench database, per request
    requests: int = 0
    distinct_urls: int = 0
    problem: str = ""


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def _process_tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return pids


def cpu_by_process(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of these processes so far (all their threads)."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return seconds


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings by the processes alive at both (a peer's idle
    database connection may close meanwhile)."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def database_backends() -> list[int]:
    """PostgreSQL's client backends connected to the bench database, but this one."""
    name = urllib.parse.urlparse(DATABASE_URL).path.lstrip("/")
    with psycopg.connect(DATABASE_URL) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend' "
            "AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [row[0] for row in rows]


def write_wrk_script(server: str, shape: str, paths: list[str]) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    listing = RESULTS_DIR / f"wrk-{server}-{shape}.paths"
    listing.write_text("".join(path + "\n" for path in paths))
    script = RESULTS_DIR / f"wrk-{server}-{shape}.lua"
    script.write_text(WRK_SCRIPT % ('"' + str(listing) + '"', WRK_THREADS))
    return script


def run_wrk(url: str, script: Path, seconds: int) -> tuple[int, float, float, float, int]:
    output = subprocess.run(
        [
            "wrk",
            "-t",
            str(WRK_THREADS),
            "-c",
            str(CONNECTIONS),
            "-d",
            f"{seconds}s",
            "--timeout",
            "5s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    try:
        requests = int(re.search(r"(\d+) requests in", output).group(1))
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
        p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    except (AttributeError, ValueError) as error:
        raise RuntimeError(f"unreadable wrk output:\n{output}") from error
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failed = (int(bad.group(1)) if bad else 0) + (sum(int(n) for n in errors.groups()) if errors else 0)
    return requests, rps, p50, p99, failed


def measure(server: str, shape: str, paths: list[str], warm_up: list[str] | None = None) -> Result:
    """`shape`'s paths on `server` for DURATION seconds, after 2 s of `warm_up` (by default
    the same paths; a cold shape warms up on other URLs, so it never meets its own again)."""
    url = base_url(server) + (warm_up or paths)[0]
    for _attempt in range(3):  # a peer may need a moment to reconnect after a database restart
        status, _body = http_get(url)
        if status in (200, 404):
            break
        time.sleep(1)
    if status != 200:
        reason = "unavailable" if status == 404 else "failed"
        return Result(server, shape, problem=f"{reason} (HTTP {status})")
    script = write_wrk_script(server, shape, paths)
    warm_up_script = write_wrk_script(server, shape + "-warm-up", warm_up) if warm_up else script
    try:
        run_wrk(base_url(server), warm_up_script, 2)  # warm code paths and connections
        processes = _process_tree(started_processes[server].pid)
        backends = database_backends()
        cpu_before, db_before = cpu_by_process(processes), cpu_by_process(backends)
        requests, rps, p50, p99, bad = run_wrk(base_url(server), script, DURATION)
        cpu_after, db_after = cpu_by_process(processes), cpu_by_process(backends)
    except (RuntimeError, subprocess.SubprocessError) as error:
        log(str(error))
        return Result(server, shape, problem="failed (wrk)")
    finally:
        if warm_up:  # a cold shape's list is tens of megabytes; nothing reads it again
            script.with_suffix(".paths").unlink(missing_ok=True)
    per_request = 1000 / max(requests, 1)
    problems = [f"{bad} failed responses"] if bad else []
    if warm_up and requests > len(paths):
        problems.append(f"{requests - len(paths)} repeated URLs (raise BENCH_COLD_URLS)")
    return Result(
        server,
        shape,
        rps,
        p50,
        p99,
        cpu_ms=cpu_spent(cpu_before, cpu_after) * per_request,
        db_cpu_ms=cpu_spent(db_before, db_after) * per_request if server != "datasette" else None,
        requests=requests,
        distinct_urls=min(requests, len(set(paths))),
        problem="; ".join(problems),
    )
