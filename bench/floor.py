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
# Each list filter the bench sends, as the tracker's SQL writes it; a request's filters are ANDed.
LIST_CONDITIONS = {
    "country": "r.country = %(country)s",
    "area": "r.area = %(area)s",
    "year": "r.year_start <= %(year)s AND r.year_end >= %(year)s",
    "status": "r.status = %(status)s",
    "pattern": "r.action_search LIKE %(pattern)s",
    "after": "r.id > %(after)s",
}
STATS_SQL = (
    "SELECT area, status, count(*) AS count FROM recommendations_recommendation "
    "WHERE country = %(country)s GROUP BY area, status"
)


def list_sql(names) -> str:
    """A page of the list (`limit` rows, one more than the page size) with these filters, by id."""
    where = " AND ".join(LIST_CONDITIONS[name] for name in LIST_CONDITIONS if name in names) or "TRUE"
    return f"SELECT {LIST_COLUMNS} FROM {LIST_FROM} WHERE {where} ORDER BY r.id LIMIT %(limit)s"


_local = threading.local()


def _connection() -> psycopg.Connection:
    connection = getattr(_local, "connection", None)
    if connection is None or connection.closed:
        connection = _local.connection = psycopg.connect(os.environ["FLOOR_DATABASE_URL"], autocommit=True)
    return connection


def application(environ, start_response):
    shape = environ.get("PATH_INFO", "/").strip("/")
    if shape not in ("list", "stats"):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"unknown shape"]
    params = {name: values[0] for name, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if "pattern" in params:
        params["pattern"] = f"%{params['pattern']}%"
    sql = STATS_SQL if shape == "stats" else list_sql(params)
    params["limit"] = int(params.get("limit", 51))
    with _connection().cursor(row_factory=psycopg.rows.dict_row) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if shape == "stats":
        body = orjson.dumps({"by_area_status": rows})
    else:
        body = orjson.dumps({"next": None, "previous": None, "results": rows[: int(params["limit"]) - 1]})
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
