"""`make bench`: the tracker, the floor app, PostgREST and Datasette on the same 1M rows and
the same query shapes, driven by wrk over loopback; one table, one BENCH line per server and
shape, then the issue's targets met or not. Every process it starts is stopped by its pid,
whatever happens. The pieces: servers.py (processes, data), shapes.py (spreads, each
server's syntax), load.py (wrk, CPU), stale.py (the stale-answer check), report.py.

Fair by construction:
- every server on its best configuration: the tracker under its production server
  (scripts/serve: granian), the floor app under the same server with the same workers and
  threads (the fastest found, BENCHMARKS.md "Server"), PostgREST with a pool per connection,
  Datasette on an immutable SQLite copy with the same indexes;
- each list shape (area, year, search, deep page) twice: cold, every request a distinct URL
  (filter combinations, page sizes, cursor depths) so no cache can answer it, and warm, a
  spread of 64 URLs repeated; the same URLs in the same order for every server (a wrk Lua
  script walks them), the first values checked to give every server the same rows;
- beside req/s, p50 and p99: the CPU each server's processes spend per request, and the
  CPU PostgreSQL's backends spend per request (the database work a server asks for);
- the tracker alone: stats as of a past day and the status timeline (no peer has them), and
  the stale-answer check (stale.py): readers on the warm list shapes while writers move
  statuses through the API, every answer held against the database's truth.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tracker_bench;
created and filled with generate_data when empty), BENCH_ROWS (1000000), BENCH_COUNTRIES
(20), BENCH_DURATION (seconds of wrk per server and shape, 10), BENCH_CONNECTIONS (8),
BENCH_COLD_URLS (distinct URLs per cold shape, 60000), BENCH_WORKERS / BENCH_THREADS (the
tracker's and the floor's server, 2 x 2), BENCH_SERVERS (comma-separated, default
tracker,floor,postgrest,datasette; add tracker_gunicorn for the tracker under gunicorn gthread
2 x 4, the server it had before), BENCH_STALE (1: run the stale-answer check, which writes
progress entries into the bench database; BENCH_STALE_SECONDS long, 20), BENCH_EXPORT (1: also time the CSV export),
TRACKER_PYTHON (the product's virtualenv python). Ports are free ones picked at run time.
"""

import os
import signal
import sys
import time
import urllib.parse
from pathlib import Path

from load import Result, measure
from report import number, table, targets
from servers import (
    BENCH_DIR,
    COLD_URLS,
    CONNECTIONS,
    DURATION,
    KNOWN_SERVERS,
    RESULTS_DIR,
    SERVERS,
    THREADS,
    WORKERS,
    base_url,
    ensure_database,
    ensure_sqlite_copy,
    interrupted,
    log,
    start_server,
    started_processes,
    stop_all,
    wait_until_up,
)
from shapes import (
    PEER_SHAPES,
    TRACKER_SHAPES,
    base_shape,
    check_same_answers,
    explain_plans,
    path_for,
    sign_cursors,
    spreads,
)
from stale import StaleCheck, run_stale_check

# The tracker's stats with every breakdown (area, year and source), which no peer computes:
# measured on its own line, not in the table.
FULL_STATS_PATH = "/api/v1/stats/?country=AZ"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure_shape(server: str, shape: str, values) -> Result:
    paths = [path_for(server, shape, v) for v in values[shape]]
    if shape.endswith("_cold"):  # warmed up on the warm spread: the cold URLs stay unseen
        warm_up = [path_for(server, shape, v) for v in values[f"{base_shape(shape)}_warm"]]
        return measure(server, shape, paths, warm_up)
    return measure(server, shape, paths)


def main() -> None:
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    unknown = set(SERVERS) - set(KNOWN_SERVERS)
    if unknown:
        raise SystemExit(f"unknown BENCH_SERVERS {sorted(unknown)}; known: {', '.join(KNOWN_SERVERS)}")
    began = time.monotonic()
    count = ensure_database()
    sqlite_path = ensure_sqlite_copy(count) if "datasette" in SERVERS else Path()
    values = spreads()
    if any(server.startswith("tracker") for server in SERVERS):
        sign_cursors(values)
    plans = explain_plans(values)
    results: list[Result] = []
    stale: StaleCheck | None = None
    load_before = load_average()
    try:
        for server in SERVERS:
            start_server(server, sqlite_path)
        for server in SERVERS:
            wait_until_up(server, base_url(server) + path_for(server, "stats", values["stats"][0]))
        disagreements = check_same_answers(list(SERVERS), values)
        for problem in disagreements:
            log(problem)
        for shape in PEER_SHAPES:
            for server in SERVERS:
                results.append(measure_shape(server, shape, values))
                log(f"{server} {shape}: {results[-1]}")
        full_stats_line = "FULL_STATS: skipped (no tracker)"
        stale_line = "STALE: skipped (no tracker)"
        export_line = "export: skipped (BENCH_EXPORT=0)"
        if "tracker" in SERVERS:
            for shape in TRACKER_SHAPES:
                results.append(measure_shape("tracker", shape, values))
                log(f"tracker {shape}: {results[-1]}")
            full = measure("tracker", "stats_full", [FULL_STATS_PATH])
            full_stats_line = (
                f"FULL_STATS server=tracker rps={number(full.rps, 0)} p50_ms={number(full.p50_ms, 2)} "
                f"p99_ms={number(full.p99_ms, 2)} cpu_ms_per_request={number(full.cpu_ms, 2)} "
                f"db_cpu_ms_per_request={number(full.db_cpu_ms, 2)} (by area, year and source; {full.problem or 'ok'})"
            )
            if os.environ.get("BENCH_STALE", "1") == "1":  # last: its writes change the rows
                stale = run_stale_check(values)
                stale_line = stale.line()
                for example in stale.examples:
                    stale_line += f"\n#   {example}"
            else:
                stale_line = "STALE: skipped (BENCH_STALE=0)"
            if os.environ.get("BENCH_EXPORT", "1") == "1":
                export_line = run_export_bench()
    finally:
        stop_all()
    load_after = load_average()
    spread_line = ", ".join(f"{shape} {len(values[shape])}" for shape in (*PEER_SHAPES, *TRACKER_SHAPES))
    text = "\n".join(
        [
            f"# {count:,} recommendations, {CONNECTIONS} connections, {DURATION} s per server and shape, "
            f"{os.cpu_count()} cores; tracker and floor under granian {WORKERS} workers x {THREADS} threads",
            f"# URLs per shape: {spread_line} (cold: distinct, up to BENCH_COLD_URLS={COLD_URLS}; warm: repeated)",
            "# cpu ms = the server's processes, db ms = PostgreSQL's backends, per request",
            f"# load average before: {load_before}; after: {load_after}; total {time.monotonic() - began:.0f} s",
            f"# same answers from every server for each shape's checked values (shapes.py `_checked_values`): "
            f"{'yes' if not disagreements else 'NO: ' + '; '.join(disagreements)}",
            "",
            table(results),
            "",
            full_stats_line,
            stale_line,
            export_line,
            "",
            *targets(results, stale),
            "",
            "# Plans (EXPLAIN ANALYZE of the floor's SQL, which the tracker's matches), first and last values:",
            plans,
        ]
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "latest.txt").write_text(text + "\n")
    print(text)


def run_export_bench() -> str:
    """The CSV export of about 100k rows, against the tracker still running: time to the
    last byte and the growth of its workers' memory."""
    sys.path.insert(0, str(BENCH_DIR))
    from export import measure_export

    url = f"{base_url('tracker')}/api/v1/recommendations/export.csv?" + urllib.parse.urlencode({"country": "AZ,GE"})
    return measure_export(url, started_processes["tracker"].pid)


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()
