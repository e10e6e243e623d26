"""The floor: the least a Python web app can do to answer the benchmark's queries.

A bare WSGI callable, one psycopg connection per thread, the SQL the tracker runs, orjson.
No validation, no permissions, no framework: whatever the tracker costs above this is the
price of those. Run under gunicorn with the same workers and threads as the tracker.
"""

import os
import threading
from urllib.parse import parse_qs

import orjson
import psycopg

LIST_COLUMNS = (
    "r.id, s.slug AS source, r.country, r.area, r.action, r.year_start, r.year_end, r.priority, "
    "r.position, r.status, r.status_changed_at, r.repeats_id AS repeats"
)
LIST_FROM = "recommendations_recommendation r JOIN recommendations_source s ON s.id = r.source_id"
# shape -> (SQL, query parameters it reads); the same statements the benchmark EXPLAINs.
QUERIES = {
    "area": (
        f"SELECT {LIST_COLUMNS} FROM {LIST_FROM} WHERE r.country = %(country)s AND r.area = %(area)s "
        "ORDER BY r.id LIMIT 51",
        ("country", "area"),
    ),
    "year": (
        f"SELECT {LIST_COLUMNS} FROM {LIST_FROM} WHERE r.country = %(country)s "
        "AND r.year_start <= %(year)s AND r.year_end >= %(year)s ORDER BY r.id LIMIT 51",
        ("country", "year"),
    ),
    "search": (
        f"SELECT {LIST_COLUMNS} FROM {LIST_FROM} WHERE r.action_search LIKE %(pattern)s ORDER BY r.id LIMIT 51",
        ("pattern",),
    ),
    "deep_page": (
        f"SELECT {LIST_COLUMNS} FROM {LIST_FROM} WHERE r.country = %(country)s AND r.id > %(after)s "
        "ORDER BY r.id LIMIT 51",
        ("country", "after"),
    ),
    "stats": (
        "SELECT area, status, count(*) AS count FROM recommendations_recommendation "
        "WHERE country = %(country)s GROUP BY area, status",
        ("country",),
    ),
}
_local = threading.local()


def _connection() -> psycopg.Connection:
    connection = getattr(_local, "connection", None)
    if connection is None or connection.closed:
        connection = _local.connection = psycopg.connect(os.environ["FLOOR_DATABASE_URL"], autocommit=True)
    return connection


def application(environ, start_response):
    shape = environ.get("PATH_INFO", "/").strip("/")
    if shape not in QUERIES:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"unknown shape"]
    sql, names = QUERIES[shape]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    params = {name: query[name][0] for name in names}
    if "pattern" in params:
        params["pattern"] = f"%{params['pattern']}%"
    with _connection().cursor(row_factory=psycopg.rows.dict_row) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if shape == "stats":
        body = orjson.dumps({"by_area_status": rows})
    else:
        body = orjson.dumps({"next": None, "previous": None, "results": rows[:50]})
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
