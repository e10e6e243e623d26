"""The processor time a whole export costs: the application's and PostgreSQL's, through the real
WSGI handler (all middleware, production settings), without a server or a network. Prints numbers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<database with generate_data's rows> \\
        .venv/bin/python bench/export_cpu.py [FORMAT ...]      # xlsx csv by default

Why processor time: on the shared 2-core machine the wall-clock time of a 100,000-row export
swings between 20 and 60 s with the other processes' load, while the processor time each side
spends barely moves. The application streams while PostgreSQL fetches the next rows, on two
cores, so on a quiet machine the export takes no longer than the two summed (and no less than
the larger): `app + database` is the wall-clock time an idle machine would show, at most. The
database's time is read from its backend process (`pg_backend_pid()`, /proc: the database runs
on this machine). Each format runs `RUNS` times; the least disturbed run (smallest sum) is shown
beside the median.
"""

import os
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings.production")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("THROTTLE_ANON", "off")
os.environ.setdefault("THROTTLE_USER", "off")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from cpu_per_request import get
from django.core.wsgi import get_wsgi_application

RUNS = int(os.environ.get("RUNS", "3"))
TICKS = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def main() -> None:
    formats = sys.argv[1:] or ["xlsx", "csv"]
    application = get_wsgi_application()
    from django.db import connection

    def export(fmt: str) -> tuple[float, float, float, int]:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        database_before, app_before, started = process_seconds(backend), time.process_time(), time.monotonic()
        status, size = get(application, f"/api/v1/recommendations/export.{fmt}")
        assert status.startswith("200"), status
        return (
            time.process_time() - app_before,
            process_seconds(backend) - database_before,
            time.monotonic() - started,
            size,
        )

    load = os.getloadavg()[0]
    print(f"load average at start {load:.1f}; {RUNS} runs per format")
    for fmt in formats:
        runs = [export(fmt) for _ in range(RUNS)]
        best = min(runs, key=lambda run: run[0] + run[1])
        print(
            f"EXPORT_CPU format={fmt} bytes={best[3]} app_s={best[0]:.2f} database_s={best[1]:.2f} "
            f"sum_s={best[0] + best[1]:.2f} wall_s={best[2]:.2f} "
            f"median_sum_s={statistics.median(run[0] + run[1] for run in runs):.2f} "
            f"median_wall_s={statistics.median(run[2] for run in runs):.2f}"
        )
    print(f"load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
