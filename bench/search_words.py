"""What a search costs PostgreSQL, word by word: the list statement's search condition
(`listing/conditions.text_sql`, as the list builds it) for the bench's eight words, as a first
page, a country's first page, a deep page (after the middle of the table) and a count, each
EXPLAIN (ANALYZE, BUFFERS)'d: median execution ms of REPEAT runs after a warm-up, the plan's
top scan and the buffers it touched; then a whole list request through the Django test client.
Run against a generated database (README "Benchmarks"):

    THROTTLE_ANON=off DATABASE_URL=postgres://…/bench .venv/bin/python bench/search_words.py
"""

import json
import os
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings.local")
os.environ.setdefault("THROTTLE_ANON", "off")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from recommendations.listing.conditions import text_sql  # noqa: E402
from recommendations.search import parse_query  # noqa: E402

REPEAT = int(os.environ.get("REPEAT", "7"))
WORDS = ("sığınacaq", "müfəttiş", "monitorinq", "prokurorlar", "Şəki", "pambıq", "shelters", "cotton")
EXTRA = tuple(filter(None, os.environ.get("SEARCH_EXTRA", "").split("|")))  # more queries, "|"-separated
COUNTRY = os.environ.get("SEARCH_COUNTRY", "MD")
COLUMNS = "r.id, s.slug AS source, r.country, r.area, r.action, r.year_start, r.status"
LIST = f"SELECT {COLUMNS} FROM recommendations_recommendation r JOIN recommendations_source s ON s.id = r.source_id"


def like_sql(query: str) -> tuple[str, list]:
    """The search condition before the word-start table (migration 0026): LIKE on the search
    text alone, as main had it, for a before/after under the same load."""
    groups, params = [], []
    for group in parse_query(query):
        terms = [f"{'NOT ' if term.excluded else ''}r.action_search LIKE %s" for term in group]
        groups.append(f"({' OR '.join(terms)})")
        params += [f"%{term.pattern}%" for term in group]
    return " AND ".join(groups), params


def statements(query: str, deep_after: int, before: bool) -> dict[str, tuple[str, list]]:
    condition, params = like_sql(query) if before else text_sql(query, connection)
    # After a cursor on id the list starts the word-start lookup at it (query.py).
    deep, deep_params = like_sql(query) if before else text_sql(query, connection, after_id=(">", deep_after))
    return {
        "first": (f"{LIST} WHERE {condition} ORDER BY r.id LIMIT 51", params),
        "country": (f"{LIST} WHERE r.country = %s AND {condition} ORDER BY r.id LIMIT 51", [COUNTRY, *params]),
        "deep": (f"{LIST} WHERE r.id > %s AND {deep} ORDER BY r.id LIMIT 51", [deep_after, *deep_params]),
        "count": (f"SELECT COUNT(*) FROM recommendations_recommendation r WHERE {condition}", params),
    }


def explained(sql: str, params: list) -> tuple[float, str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    node = plan["Plan"]
    while node.get("Plans") and node["Node Type"] in ("Limit", "Aggregate", "Nested Loop", "Gather", "Sort"):
        node = node["Plans"][0]
    scan = f"{node['Node Type']} {node.get('Index Name', node.get('Relation Name', ''))}".strip()
    buffers = plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get("Shared Read Blocks", 0)
    return plan["Execution Time"], scan, buffers


def median_ms(call) -> float:
    call()
    runs = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        call()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def main() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) / 2 FROM recommendations_recommendation")
        deep_after = cursor.fetchone()[0]
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"# statement ms: median of {REPEAT} EXPLAIN ANALYZE execution times; buffers; top scan")
    print(f"# country = {COUNTRY}; deep = after id {deep_after}; api = /api/v1/recommendations/?q=… (test client)")
    for word in WORDS + EXTRA:
        with connection.cursor() as cursor:
            sql, params = statements(word, deep_after, before=False)["count"]
            cursor.execute(sql, params)
            rows = cursor.fetchone()[0]
        url = f"/api/v1/recommendations/?q={urllib.parse.quote(word)}"
        assert client.get(url).status_code == 200
        api = median_ms(lambda url=url: client.get(url))
        print(f"{word!r:16} rows {rows:>7,}  api {api:6.1f} ms (after)")
        shapes = {before: statements(word, deep_after, before) for before in (True, False)}
        for name in shapes[True]:
            cells = []
            for before in (True, False):
                sql, params = shapes[before][name]
                explained(sql, params)
                runs = [explained(sql, params) for _ in range(REPEAT)]
                ms = statistics.median(run[0] for run in runs)
                cells.append(f"{ms:8.2f} ms {runs[0][2]:>6} buf {runs[0][1]:<42}")
            print(f"    {name:8} before {cells[0]} after {cells[1]}")


if __name__ == "__main__":
    main()
