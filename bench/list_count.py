"""What `count=true` costs on the recommendation list: each shape's request with and without
it, in one process (no server), median of REPEAT runs after one warm-up, plus the count
query alone. Run against a generated database (README "Benchmarks"):

    THROTTLE_ANON=off DATABASE_URL=postgres://…/bench .venv/bin/python bench/list_count.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings.local")
os.environ.setdefault("THROTTLE_ANON", "off")

import django

django.setup()

from django.test import Client  # noqa: E402

from recommendations.listing import query, selectors  # noqa: E402

REPEAT = int(os.environ.get("REPEAT", "7"))
SHAPES = {
    "unfiltered": "",
    "country": "country=AZ",
    "country+area": "country=AZ&area=enforcement",
    "country+status": "country=AZ&status=in_progress",
    "search": "q=müfəttiş",
    "country+as_of+status": "country=AZ&as_of=2023-12-31&status=implemented",
    "year range": "year_from=2012&year_to=2014",
}


def timed(call) -> float:
    call()  # warm-up
    runs = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        call()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def main() -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"# list with and without count=true, median of {REPEAT} in one process (ms)")
    print(f"{'shape':24} {'rows':>9} {'list':>8} {'list+count':>11} {'count alone':>12}")
    for name, params in SHAPES.items():
        url = f"/api/v1/recommendations/?{params}"
        response = client.get(f"{url}&count=true")
        assert response.status_code == 200, response.content[:300]
        rows = response.json()["count"]
        plain = timed(lambda url=url: client.get(url))
        counted = timed(lambda url=url: client.get(f"{url}&count=true"))
        from django.http import QueryDict

        filters = selectors.recommendation_filter_values(params=QueryDict(params))
        alone = timed(lambda filters=filters: query.recommendation_count(filters=filters))
        print(f"{name:24} {rows:>9,} {plain:>8.1f} {counted:>11.1f} {alone:>12.1f}")


if __name__ == "__main__":
    main()
