"""Where the tracker's server spends its CPU under load: py-spy samples the server's
processes (scripts/serve, production settings) while wrk drives one shape with its spread
of filter values, then prints the share of busy samples per stage of a request and the
functions with the most samples. Run from `make bench`'s environment:

    TRACKER_PYTHON=.venv/bin/python bench/.venv/bin/python bench/profile.py [SHAPE] [SECONDS]

SHAPE is one of bench/shapes.py's (default area_warm; a cold shape walks its distinct URLs), SECONDS of sampling (default 15).
py-spy needs to attach to the server's processes (ptrace: root, or the same user with
ptrace allowed). Writes the raw stacks to bench/results/profile-SHAPE.txt.
"""

import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load
import servers
import shapes

PY_SPY = str(servers.BENCH_DIR / ".venv" / "bin" / "py-spy")
# A sample belongs to the innermost stage its stack passes through (pattern on the frame).
STAGES = (
    ("the server: granian's WSGI glue, handing the response over", r"^_callback_wrapper\.<locals>\._runner "),
    ("the public read lane (answers before Django)", r"^PublicReadLane\.__call__ "),
    ("Django's handler, middleware, URL resolving, request signals", r"^WSGIHandler\.__call__ "),
    ("DRF dispatch: request, authentication, permissions, throttles, negotiation", r"^APIView\.dispatch "),
    ("rendering the JSON", r"Renderer\.render "),
    ("the view's own work", r"^(RecommendationViewSet\.list|StatsView\.get) "),
    ("validating the filters (the filter set's form)", r"^(recommendation_filter_values|recommendation_list) "),
    ("pagination: cursor, links", r"^KeysetPagination\.(_read_request|get_paginated_response) "),
    ("the list's SQL: building, running, reading rows", r"^recommendation_page_rows "),
    ("stats queries (ORM)", r"^recommendation_stats "),
    ("shaping rows into the JSON items", r"^(recommendation_page_items|stats_data) "),
    ("waiting for PostgreSQL (psycopg)", r"^Connection\.wait "),
)


def stage_of(frames: list[str]) -> str:
    stage = "outside a request"
    for frame in frames:
        for name, pattern in STAGES:
            if re.search(pattern, frame):
                stage = name
    return stage


def main() -> None:
    shape = sys.argv[1] if len(sys.argv) > 1 else "area_warm"
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    known = (*shapes.PEER_SHAPES, *shapes.TRACKER_SHAPES)
    if shape not in known:
        raise SystemExit(f"unknown shape {shape!r}; one of {', '.join(known)}")
    servers.ensure_database()
    values = shapes.spreads()
    shapes.sign_cursors(values)
    raw = servers.RESULTS_DIR / f"profile-{shape}.txt"
    try:
        servers.start_server("tracker", Path())
        paths = [shapes.path_for("tracker", shape, v) for v in values[shape]]
        servers.wait_until_up("tracker", servers.base_url("tracker") + paths[0])
        script = load.write_wrk_script("tracker", shape, paths)
        load.run_wrk(servers.base_url("tracker"), script, 2)
        spy = subprocess.Popen(
            [
                PY_SPY,
                "record",
                "--pid",
                str(servers.started_processes["tracker"].pid),
                "--subprocesses",
                "--gil",
                "--rate",
                "500",
                "--duration",
                str(seconds),
                "--format",
                "raw",
                "--output",
                str(raw),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(1)
        requests, rps, _p50, _p99, _bad = load.run_wrk(servers.base_url("tracker"), script, seconds)
        _out, errors = spy.communicate(timeout=seconds + 60)
        if spy.returncode != 0:
            raise SystemExit(f"py-spy failed: {errors.decode(errors='replace')}")
    finally:
        servers.stop_all()

    stages, functions, total = Counter(), Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _sep, count = line.rpartition(" ")
        if not count.isdigit():  # a stack py-spy cut short (a process name holding spaces, no frames)
            continue
        frames = [frame for frame in stack.split(";") if not frame.startswith(("process ", "thread "))]
        total += int(count)
        stages[stage_of(frames)] += int(count)
        for frame in {re.sub(r":\d+\)$", ")", frame) for frame in frames}:
            functions[frame] += int(count)
    print(
        f"# py-spy, {seconds} s of {shape} under wrk ({servers.CONNECTIONS} connections, {rps:.0f} req/s, {requests} requests)"
    )
    print(
        f"# {total} samples at 500 Hz of threads holding the GIL (Python running) in the server's processes; raw stacks: {raw}"
    )
    print("\nshare  stage (innermost)")
    for name, count in stages.most_common():
        print(f"{100 * count / total:5.1f}%  {name}")
    print("\nshare  function (inclusive: the function and what it calls)")
    for frame, count in functions.most_common(45):
        print(f"{100 * count / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
