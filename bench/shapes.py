"""What the bench asks: each shape's spread of filter values, drawn from the data, and the
same request translated into each server's own syntax.

List shapes (area, year, search, deep page) come in two variants:
- cold: every request a distinct URL (filter combinations, page sizes, cursor depths), so
  no cache, the tracker's or PostgreSQL's result of a previous identical request, can answer it;
- warm: a spread of 64 URLs repeated, what a cache is for.
Every server gets the same values in the same order; the first values of each shape are
checked to give every server the same rows.
"""

import json
import random
import sys
import urllib.parse
from dataclasses import dataclass, replace

import psycopg
from servers import (
    BENCH_DIR,
    COLD_URLS,
    DATABASE_URL,
    LIST_COLUMNS_SQL,
    LIST_FROM_SQL,
    POSTGREST_SELECT,
    base_url,
    folded,
    http_get,
    log,
    tracker_code,
)

LIST_SHAPES = ("area", "year", "search", "deep_page")
VARIANTS = ("cold", "warm")
# Measured on every server: each list shape's two variants, then the area × status stats.
PEER_SHAPES = (*tuple(f"{shape}_{variant}" for shape in LIST_SHAPES for variant in VARIANTS), "stats")
# The tracker's alone (no peer computes them): stats as of a past day, the status timeline.
TRACKER_SHAPES = ("stats_as_of", "timeline")
WARM_URLS = 64

SPREAD_COUNTRIES = ("AZ", "GE", "KZ", "UA", "TR", "UZ", "AM", "MD")
WARM_YEARS = (2003, 2006, 2009, 2012, 2015, 2018, 2021, 2024)
SEARCH_WORDS = ("sığınacaq", "müfəttiş", "monitorinq", "prokurorlar", "Şəki", "pambıq", "shelters", "cotton")
WARM_DEPTHS = (5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000)  # rows into a country's list
STATUSES = ("not_assessed", "not_started", "in_progress", "partially_implemented", "implemented")
AS_OF_DAYS = ("2015-12-31", "2019-06-30", "2021-12-31", "2023-12-31")
DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Values:
    """The filter values of one request of a shape; empty or zero means "not sent"."""

    country: str = ""
    area: str = ""
    year: int = 0
    status: str = ""
    word: str = ""
    pattern: str = ""  # the tracker's folded word after a space: words starting with it
    after: int = 0  # the id a keyset cursor points after (0: the first page)
    size: int = DEFAULT_PAGE_SIZE
    day: str = ""  # stats as of this day


def base_shape(shape: str) -> str:
    return shape.rsplit("_", 1)[0] if shape.endswith(("_cold", "_warm")) else shape


def _spaced(items: list, count: int) -> list:
    """`count` items spread evenly over `items` (repeating them if there are fewer)."""
    return [items[i * len(items) // count] if len(items) >= count else items[i % len(items)] for i in range(count)]


def spreads() -> dict[str, list[Values]]:
    countries = list(SPREAD_COUNTRIES)
    patterns = dict(zip(SEARCH_WORDS, folded(SEARCH_WORDS), strict=True))
    with psycopg.connect(DATABASE_URL) as connection:
        pairs = connection.execute(
            "SELECT country, area FROM recommendations_recommendation WHERE country = ANY(%s) AND area IS NOT NULL "
            "GROUP BY country, area HAVING count(*) > 50 ORDER BY area, country",
            [countries],
        ).fetchall()
        id_ranges = {
            row[0]: (row[1], row[2])
            for row in connection.execute(
                "SELECT country, min(id), max(id) FROM recommendations_recommendation WHERE country = ANY(%s) "
                "GROUP BY country",
                [countries],
            )
        }
        deep = []
        for depth in WARM_DEPTHS:
            for country in countries:
                row = connection.execute(
                    "SELECT id FROM recommendations_recommendation WHERE country = %s ORDER BY id OFFSET %s LIMIT 1",
                    [country, depth],
                ).fetchone()
                if row:
                    deep.append(Values(country=country, after=row[0]))
    if not pairs or not deep or len(id_ranges) < len(countries):
        raise SystemExit(f"the spread countries {countries} have too few recommendations; use more rows.")
    warm = {
        "area": _spaced([Values(country=c, area=a) for c, a in pairs], WARM_URLS),
        "year": [Values(country=c, year=y) for y in WARM_YEARS for c in countries],
        "search": [Values(country=c, word=w, pattern=patterns[w]) for w in SEARCH_WORDS for c in ["", *countries[:7]]],
        "deep_page": _spaced(deep, WARM_URLS),
    }
    values = {f"{shape}_warm": warm[shape] for shape in LIST_SHAPES}
    values.update(_cold_spreads(pairs, id_ranges, patterns))
    values["stats"] = [Values(country=c) for c in countries]
    values["stats_as_of"] = [Values(country=c, day=day) for day in AS_OF_DAYS for c in countries]
    values["timeline"] = [Values(country=c) for c in countries]
    return values


def _cold_spreads(pairs, id_ranges, patterns) -> dict[str, list[Values]]:
    """COLD_URLS distinct requests per list shape: page sizes 10–100, a status filter on a
    third of them, a cursor at a random depth of the country's ids on most (every deep page)."""
    draw = random.Random(1)  # noqa: S311 - the same URLs in every run and for every server, not a secret

    def depth(country: str, first_page_share: float) -> int:
        if draw.random() < first_page_share:
            return 0
        low, high = id_ranges[country]
        return draw.randint(low, low + int((high - low) * 0.9))

    def status() -> str:
        return draw.choice(STATUSES) if draw.random() < 1 / 3 else ""

    def area() -> Values:
        country, area_name = draw.choice(pairs)
        return Values(country=country, area=area_name, status=status(), after=depth(country, 0.25))

    def year() -> Values:
        country = draw.choice(SPREAD_COUNTRIES)
        return Values(country=country, year=draw.randint(2000, 2025), status=status(), after=depth(country, 0.25))

    def search() -> Values:
        word = draw.choice(SEARCH_WORDS)
        country = draw.choice(("", *SPREAD_COUNTRIES))
        after = depth(country, 0.5) if country else 0
        return Values(country=country, word=word, pattern=patterns[word], after=after)

    def deep_page() -> Values:
        country = draw.choice(SPREAD_COUNTRIES)
        return Values(country=country, after=depth(country, 0.0))

    cold = {}
    for shape, make in (("area", area), ("year", year), ("search", search), ("deep_page", deep_page)):
        seen: dict[Values, None] = {}
        while len(seen) < COLD_URLS:
            seen[replace(make(), size=draw.randint(10, 100))] = None
        cold[f"{shape}_cold"] = list(seen)
    return cold


# --- the tracker's cursors ----------------------------------------------------------------------

# A cursor is signed and bound to the filters it was written for (recommendations/api/
# pagination.py `_filters_id`); the tracker's own code writes them, with the run's SECRET_KEY.
CURSOR_CODE = """
import hashlib
from urllib.parse import urlencode
from django.http import QueryDict
from recommendations.api.pagination import _encode
from recommendations.listing.parameters import parameter_values
cursors = []
for params, after in ARGUMENT:
    query = QueryDict(urlencode(params))
    canonical = sorted((name, sorted(parameter_values(query, name))) for name in query)
    bound = hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()[:24]
    cursors.append(_encode({"o": "id", "f": bound, "k": [after], "d": "n"}))
print(json.dumps(cursors))
"""
CURSORS: dict[Values, str] = {}


def _tracker_filters(v: Values) -> dict:
    params = {"country": v.country, "area": v.area, "year": v.year or "", "status": v.status, "q": v.word}
    return {name: value for name, value in params.items() if value}


def sign_cursors(values: dict[str, list[Values]]) -> None:
    keys = sorted({replace(v, size=DEFAULT_PAGE_SIZE) for vs in values.values() for v in vs if v.after}, key=repr)
    log(f"signing {len(keys):,} tracker cursors")
    cursors = tracker_code(CURSOR_CODE, [[_tracker_filters(v), v.after] for v in keys], timeout=600)
    CURSORS.update(zip(keys, cursors, strict=True))


# --- each server's syntax ------------------------------------------------------------------------


def path_for(server: str, shape: str, v: Values) -> str:
    """The path (with query) that asks `server` for `shape` with the filter values `v`."""
    quote = urllib.parse.urlencode
    shape = base_shape(shape)
    if server.startswith("tracker"):
        if shape == "stats":  # the same counts the peers compute (area × status)
            return f"/api/v1/stats/?{quote({'country': v.country, 'breakdown': 'area'})}"
        if shape == "stats_as_of":
            return f"/api/v1/stats/?{quote({'country': v.country, 'breakdown': 'area', 'as_of': v.day})}"
        if shape == "timeline":
            return f"/api/v1/stats/timeline/?{quote({'country': v.country, 'interval': 'year'})}"
        params = _tracker_filters(v)
        if v.size != DEFAULT_PAGE_SIZE:
            params["page_size"] = v.size
        if v.after:
            params["cursor"] = CURSORS[replace(v, size=DEFAULT_PAGE_SIZE)]
        return f"/api/v1/recommendations/?{quote(params)}"
    if shape in ("stats_as_of", "timeline"):
        raise ValueError(f"{shape} is the tracker's alone")
    filters = {
        "country": v.country,
        "area": v.area,
        "year": v.year,
        "status": v.status,
        "pattern": v.pattern,
        "after": v.after,
    }
    filters = {name: value for name, value in filters.items() if value}
    if server == "floor":
        if shape == "stats":
            return f"/stats?{quote({'country': v.country})}"
        return f"/list?{quote({**filters, 'limit': v.size + 1})}"
    if server == "postgrest":
        if shape == "stats":
            return f"/recommendations_recommendation?{quote({'select': 'area,status,count()', 'country': f'eq.{v.country}'})}"
        params = {"select": POSTGREST_SELECT, "order": "id", "limit": v.size + 1}
        translated = {
            "country": {"country": f"eq.{v.country}"},
            "area": {"area": f"eq.{v.area}"},
            "year": {"year_start": f"lte.{v.year}", "year_end": f"gte.{v.year}"},
            "status": {"status": f"eq.{v.status}"},
            "pattern": {"action_search": f"like.*{v.pattern}*"},
            "after": {"id": f"gt.{v.after}"},
        }
        for name in filters:
            params.update(translated[name])
        return f"/recommendations_recommendation?{quote(params)}"
    if server == "datasette":
        if shape == "stats":
            sql = (
                "SELECT area, status, count(*) AS count FROM recommendations_recommendation "
                "WHERE country = :country GROUP BY area, status"
            )
            return f"/bench.json?{quote({'sql': sql, '_shape': 'array', 'country': v.country})}"
        conditions = {
            "country": "r.country = :country",
            "area": "r.area = :area",
            "year": "r.year_start <= :year AND r.year_end >= :year",
            "status": "r.status = :status",
            "pattern": "r.action_search LIKE :pattern",
            "after": "r.id > :after",
        }
        where = " AND ".join(conditions[name] for name in filters) or "1"
        sql = f"SELECT {LIST_COLUMNS_SQL} FROM {LIST_FROM_SQL} WHERE {where} ORDER BY r.id LIMIT {v.size + 1}"
        if "pattern" in filters:
            filters["pattern"] = f"%{v.pattern}%"
        return f"/bench.json?{quote({'sql': sql, '_shape': 'array', **filters})}"
    raise ValueError(server)


def answer_digest(server: str, shape: str, v: Values, body: bytes) -> tuple:
    """What must be equal between servers: the ids of a page, or the counts."""
    data = json.loads(body)
    if shape == "stats":
        if server.startswith("tracker"):
            return (data["total"],)
        rows = data if isinstance(data, list) else data["by_area_status"]
        return (sum(row["count"] for row in rows),)
    rows = data if isinstance(data, list) else data["results"]
    return tuple(row["id"] for row in rows[: v.size])


def _checked_values(spread: list[Values]) -> list[Values]:
    """A shape's first two values, and the first with a cursor, a status filter, a country
    (search) and a page size of its own, when the spread has them."""
    picked = dict.fromkeys(spread[:2])
    for wanted in (lambda v: v.after, lambda v: v.status, lambda v: v.word and v.country, lambda v: v.size != 50):
        picked.update(dict.fromkeys([v for v in spread if wanted(v)][:1]))
    return list(picked)


def check_same_answers(servers: list[str], values: dict[str, list[Values]]) -> list[str]:
    """The checked values of each shape must give every server the same rows (or totals)."""
    problems = []
    for shape in PEER_SHAPES:
        for v in _checked_values(values[shape]):
            digests = {}
            for server in servers:
                status, body = http_get(base_url(server) + path_for(server, shape, v))
                digests[server] = answer_digest(server, shape, v, body) if status == 200 else f"HTTP {status}"
            if len(set(digests.values())) > 1:
                problems.append(f"{shape} {v}: servers disagree: { {k: str(d)[:60] for k, d in digests.items()} }")
    return problems


def explain_plans(values: dict[str, list[Values]]) -> str:
    """The plans the benchmark relies on, for the SQL the floor runs (the tracker's is the
    same), with each peer shape's first and last values."""
    sys.path.insert(0, str(BENCH_DIR))
    from floor import STATS_SQL, list_sql

    lines = []
    with psycopg.connect(DATABASE_URL) as connection:
        for shape in PEER_SHAPES:
            for v in (values[shape][0], values[shape][-1]):
                params = {
                    "country": v.country,
                    "area": v.area,
                    "year": v.year,
                    "status": v.status,
                    "pattern": f"%{v.pattern}%" if v.pattern else "",
                    "after": v.after,
                }
                params = {name: value for name, value in params.items() if value}
                sql = STATS_SQL if shape == "stats" else list_sql(params)
                params["limit"] = v.size + 1
                rows = connection.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) {sql}", params).fetchall()
                lines.append(f"-- {shape}: {sql % {k: repr(value) for k, value in params.items()}}")
                lines.extend(f"   {row[0]}" for row in rows)
    return "\n".join(lines)
