"""CPU per list request with the page's items written by the database (listing/json_items.py)
against the Python-written body (the serialized rows through orjson), interleaved in one
process so that the other work on a shared machine weighs on both alike. Prints numbers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench .venv/bin/python bench/list_body_ab.py

The Python body is what an indented or browsable request still gets; here it is chosen by
answering "no" to the view's question whether the response is compact JSON.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cpu_per_request  # sets the production settings up first
from django.core.wsgi import get_wsgi_application

SHAPES = {
    "area": "/api/v1/recommendations/?country=AZ&area=enforcement",
    "year": "/api/v1/recommendations/?country=AZ&year=2015",
    "search": "/api/v1/recommendations/?q=s%C4%B1%C4%9F%C4%B1nacaq",
    "count": "/api/v1/recommendations/?country=AZ&area=enforcement&count=true",
    "page_size_500": "/api/v1/recommendations/?country=AZ&page_size=500",
}
ROUNDS = 10


def main() -> None:
    application = get_wsgi_application()
    from recommendations.api import views

    compact = views.writes_compact_json
    for shape, url in SHAPES.items():
        for _ in range(10):
            cpu_per_request.get(application, url)
        per_round = 20 if "500" in shape else 60
        timings: dict[str, list[float]] = {"python": [], "database": []}
        for _ in range(ROUNDS):
            for body, timing in timings.items():
                views.writes_compact_json = compact if body == "database" else (lambda *args: False)
                started = time.process_time()
                for _ in range(per_round):
                    cpu_per_request.get(application, url)
                timing.append(1000 * (time.process_time() - started) / per_round)
        views.writes_compact_json = compact
        print(
            f"CPU shape={shape} "
            + " ".join(
                f"{body}_best_ms={min(t):.2f} {body}_median_ms={statistics.median(t):.2f}"
                for body, t in timings.items()
            )
        )


if __name__ == "__main__":
    main()
