"""Cold against warm public reads (recommendations/caching/): the process's CPU time and the
wall-clock time per request, through the real WSGI handler with the production settings, no
server in between. Cold: the cached answers are thrown away before each request (the data
version is still read, then the answer computed and stored); warm: the same request again,
answered from the cache. Prints numbers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench \\
        .venv/bin/python bench/public_read_cache.py [REQUESTS_PER_SHAPE]

One client, one thread: requests/s here is 1000 / wall ms, what one server thread can answer.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu_per_request import BATCHES, SHAPES, get
from django.core.cache import caches
from django.core.wsgi import get_wsgi_application


def measure(application, url: str, requests: int, *, cold: bool) -> tuple[float, float]:
    """Best batch's CPU ms and wall ms per request."""
    batch = max(requests // BATCHES, 1)
    cpu, wall = [], []
    cache = caches["public_reads"]
    for _ in range(BATCHES):
        cpu_started, wall_started, spent_clearing = time.process_time(), time.perf_counter(), 0.0
        for _ in range(batch):
            if cold:
                clear_started = time.process_time()
                cache.clear()
                spent_clearing += time.process_time() - clear_started
            get(application, url)
        cpu.append(1000 * (time.process_time() - cpu_started - spent_clearing) / batch)
        wall.append(1000 * (time.perf_counter() - wall_started) / batch)
    return min(cpu), statistics.median(wall)


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    application = get_wsgi_application()
    for shape, url in SHAPES.items():
        status, _size = get(application, url)
        if not status.startswith("200"):
            print(f"CACHE shape={shape} status={status.split()[0]} (not measured)")
            continue
        for _ in range(10):
            get(application, url)
        cold_cpu, cold_wall = measure(application, url, requests, cold=True)
        warm_cpu, warm_wall = measure(application, url, requests, cold=False)
        print(
            f"CACHE shape={shape} cold_cpu_ms={cold_cpu:.2f} warm_cpu_ms={warm_cpu:.2f} "
            f"cold_wall_ms={cold_wall:.2f} warm_wall_ms={warm_wall:.2f} "
            f"cold_rps={1000 / cold_wall:.0f} warm_rps={1000 / warm_wall:.0f}"
        )


if __name__ == "__main__":
    main()
