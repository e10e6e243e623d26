"""CPU time the tracker spends per request, through its real WSGI handler (all middleware,
production settings), without a server or a network in between. Prints numbers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench \\
        .venv/bin/python bench/cpu_per_request.py [REQUESTS_PER_SHAPE]

requests/s under load (make bench) swings by a factor of two from run to run on a shared
2-core virtual machine; the process's own CPU time per request barely moves, so this is the
number to compare before and after a change. Each shape runs in 8 batches; the best batch
is the least disturbed by other processes, the median shows the spread. The database's own
time is not counted (it is another process): see the plans `make bench` prints.
"""

import io
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
os.environ.setdefault("THROTTLE_USER", "off")  # DRF counts anonymous clients here too, by address
os.environ.setdefault("LOG_LEVEL", "WARNING")

from django.core.wsgi import get_wsgi_application

# The benchmark's shapes (bench/run.py), plus the stats with every breakdown.
SHAPES = {
    "area": "/api/v1/recommendations/?country=AZ&area=enforcement",
    "year": "/api/v1/recommendations/?country=AZ&year=2015",
    "search": "/api/v1/recommendations/?q=s%C4%B1%C4%9F%C4%B1nacaq",
    "deep_page": "/api/v1/recommendations/?country=AZ&cursor=eyJrIjpbOTAwMDAxXSwiZCI6Im4ifQ",
    "stats": "/api/v1/stats/?country=AZ&breakdown=area",
    "stats_full": "/api/v1/stats/?country=AZ",
}
BATCHES = 8


def get(application, url: str) -> tuple[str, int]:
    """A GET of `url` through the WSGI application, as a server makes it: its status line and
    how many body bytes it sent (read whole; closed, so request_finished runs)."""
    path, _sep, query = url.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    status = []
    response = application(environ, lambda line, headers, exc_info=None: status.append(line))
    size = sum(len(chunk) for chunk in response)
    getattr(response, "close", lambda: None)()  # as a server does: request_finished, connection checks for the next request
    return status[0], size


def main() -> None:
    per_shape = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    application = get_wsgi_application()

    def call(url: str) -> str:
        return get(application, url)[0]

    for shape, url in SHAPES.items():
        status = call(url)
        if not status.startswith("200"):
            print(f"CPU shape={shape} status={status.split()[0]} (not measured)")
            continue
        for _ in range(20):  # connections, caches, lazily built forms
            call(url)
        batch = max(per_shape // BATCHES, 1)
        timings = []
        for _ in range(BATCHES):
            started = time.process_time()
            for _ in range(batch):
                call(url)
            timings.append(1000 * (time.process_time() - started) / batch)
        print(
            f"CPU shape={shape} best_ms={min(timings):.2f} median_ms={statistics.median(timings):.2f} "
            f"requests={batch * BATCHES}"
        )


if __name__ == "__main__":
    main()
