"""Keyset pagination: following next (then previous) links visits every row exactly once, in
order, for every ordering the API offers; and a bigger page costs no more queries."""

import base64
import datetime
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recommendations.api.pagination import CURSOR_SALT
from recommendations.api.views import RecommendationViewSet
from recommendations.listing import selectors
from recommendations.models import Recommendation

from .factories import RecommendationFactory, ResponsibleBodyFactory, SourceFactory
from .shared_data import shared_data

LIST_URL = "/api/v1/recommendations/"
# `status_as_of` needs `as_of` (tests/analyst/test_status_ordering.py walks it).
SORTABLE = [name for name in RecommendationViewSet.ordering_fields if name != "status_as_of"]
ORDERINGS = [*SORTABLE, *(f"-{name}" for name in SORTABLE)]


@shared_data
def many_recommendations():
    """23 rows with many ties in every sort column, so the id tie-breaker matters."""
    sources = [SourceFactory(report_year=2016), SourceFactory(report_year=2016)]
    statuses = ["not_assessed", "not_started", "in_progress", "implemented"]
    moment = timezone.now().replace(microsecond=0) - datetime.timedelta(days=30)
    rows = []
    for index in range(23):
        row = RecommendationFactory(
            source=sources[index % 2],
            position=index // 2 + 1,
            year_start=2010 + index % 4,
            year_end=2014 + index % 3,
        )
        rows.append(row)
        # Direct updates: ties in status and in the change time (including whole seconds)
        # cannot be produced quickly through the API.
        Recommendation.objects.filter(pk=row.pk).update(
            status=statuses[index % 4],
            status_changed_at=moment + datetime.timedelta(hours=index % 5, microseconds=(index % 3) * 250),
        )
    return rows


def expected_ids(ordering: str) -> list[int]:
    """The order of the ORM's definition (`selectors.recommendation_order`, also the exports'):
    the list's SQL must agree with it, derived orderings (area, last_progress_on…) included."""
    return list(selectors.recommendation_order(Recommendation.objects.all(), ordering).values_list("id", flat=True))


def walk(client, url: str, direction: str) -> list[list[int]]:
    pages = []
    seen_urls = set()
    while url:
        assert url not in seen_urls, "pagination loops"
        seen_urls.add(url)
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([item["id"] for item in body["results"]])
        url = body[direction]
        assert len(pages) < 50
    return pages


@pytest.mark.parametrize("ordering", ORDERINGS)
@pytest.mark.parametrize("page_size", [1, 4, 23])
def test_next_then_previous_links_walk_every_row_once(client_for, many_recommendations, ordering, page_size):
    client = client_for("analyst")
    forward = walk(client, f"{LIST_URL}?ordering={ordering}&page_size={page_size}", "next")
    flat = [pk for page in forward for pk in page]
    assert flat == expected_ids(ordering)
    assert all(len(page) == page_size for page in forward[:-1])

    # From the last page back to the first, through `previous` links.
    last_page_url = f"{LIST_URL}?ordering={ordering}&page_size={page_size}"
    for _ in range(len(forward) - 1):
        last_page_url = client.get(last_page_url).json()["next"]
    backward = walk(client, last_page_url, "previous")
    assert [pk for page in reversed(backward) for pk in page] == flat
    assert client.get(last_page_url).json()["next"] is None


def test_first_page_has_no_previous_link(client_for, many_recommendations):
    body = client_for("anonymous").get(LIST_URL, {"page_size": 5}).json()
    assert body["previous"] is None
    assert body["next"] is not None


def test_pages_keep_the_filters(client_for, many_recommendations):
    pages = walk(client_for("anonymous"), f"{LIST_URL}?status=in_progress,implemented&page_size=3", "next")
    flat = [pk for page in pages for pk in page]
    assert flat == list(
        Recommendation.objects.filter(status__in=["in_progress", "implemented"])
        .order_by("id")
        .values_list("id", flat=True)
    )


def test_a_row_added_while_paging_is_not_a_duplicate(client_for, many_recommendations):
    client = client_for("anonymous")
    first = client.get(LIST_URL, {"page_size": 10, "ordering": "-id"}).json()
    RecommendationFactory()  # a newer row: it sorts before the cursor and must not shift pages
    rest = walk(client, first["next"], "next")
    seen = [item["id"] for item in first["results"]] + [pk for page in rest for pk in page]
    assert len(seen) == len(set(seen)) == 23


def cursor(payload) -> str:
    """A cursor as the server wrote them before they were signed: plain base64 JSON."""
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def signed_elsewhere(payload) -> str:
    """The server's cursor format, signed with a key that is not the server's."""
    return signing.dumps(payload, key="not-the-server-key", salt=CURSOR_SALT)


FORGED_KEYS = [
    # The reported payloads: out-of-range datetimes, NUL, a lone surrogate, the wrong type.
    ({"o": "status_changed_at,id", "k": ["99999-01-01T00:00:00", 1], "d": "n"}, "status_changed_at"),
    ({"o": "status_changed_at,id", "k": ["0001-01-01T00:00:00-23:59", 1], "d": "n"}, "status_changed_at"),
    ({"o": "status_changed_at,id", "k": ["9999-12-31T23:59:59+00:00", 1], "d": "p"}, "-status_changed_at"),
    ({"o": "status,id", "k": ["a\u0000b", 1], "d": "n"}, "status"),
    ({"o": "status,id", "k": ["\ud800", 1], "d": "n"}, "status"),
    ({"o": "status,id", "k": ["no_such_status", 1], "d": "n"}, "status"),  # sorted by its rank: none
    ({"o": "year_start,id", "k": ["twenty", 1], "d": "n"}, "year_start"),
    ({"o": "year_start,id", "k": [{"a": 1}, 1], "d": "n"}, "year_start"),
    ({"o": "id", "k": [2**62], "d": "n"}, None),
    ({"o": "id", "k": [-5], "d": "n"}, None),
    ({"o": "id", "k": [10**30], "d": "n"}, None),
]


@pytest.mark.parametrize(
    "query",
    [
        {"cursor": "%%%"},
        {"cursor": "a" * 5000},
        {"cursor": cursor([1, 2])},
        {"cursor": cursor({"k": [1], "d": "sideways"})},
        {"cursor": cursor({"k": "1", "d": "n"})},
        {"cursor": cursor({"k": [1, 2, 3], "d": "n"})},
        {"cursor": cursor({"k": [None], "d": "n"})},
        {"cursor": cursor({"k": [{"a": 1}], "d": "n"})},
        {"cursor": cursor({"k": ["abc"], "d": "n"})},
        {"cursor": cursor({"k": ["yesterday", 1], "d": "n"}), "ordering": "status_changed_at"},
        {"cursor": cursor({"k": [None, 1], "d": "p"}), "ordering": "-year_start"},
        {"cursor": cursor({"k": [1], "d": "n"}), "ordering": "year_start"},
        {"cursor": cursor({"k": [10**30], "d": "n"})},
        {"cursor": cursor({"k": [-(10**30)], "d": "n"})},
        # Well formed but made up: the server did not write it, so it does not read it.
        {"cursor": cursor({"k": [5], "d": "n"})},
        {"cursor": cursor({"k": ["99999-01-01 00:00:00", 1], "d": "n"}), "ordering": "status_changed_at"},
        {"cursor": cursor({"k": ["a\u0000b", 1], "d": "n"}), "ordering": "status"},
        *({"cursor": signed_elsewhere(payload), **({"ordering": o} if o else {})} for payload, o in FORGED_KEYS),
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "analyst"])
def test_a_cursor_the_server_did_not_write_is_a_400_invalid_cursor(client_for, many_recommendations, query, role):
    response = client_for(role).get(LIST_URL, query)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert "cursor" in response.json()


def test_an_altered_cursor_is_refused(client_for, many_recommendations):
    client = client_for("anonymous")
    issued = parse_qs(urlsplit(client.get(LIST_URL, {"page_size": 2}).json()["next"]).query)["cursor"][0]
    assert client.get(LIST_URL, {"page_size": 2, "cursor": issued}).status_code == 200
    payload, signature = issued.rsplit(":", 1)
    tampered = [
        payload.replace(payload[0], "B" if payload[0] != "B" else "C", 1) + ":" + signature,
        payload + ":" + signature[::-1],
        payload,
        issued + "x",
    ]
    for value in tampered:
        response = client.get(LIST_URL, {"page_size": 2, "cursor": value})
        assert response.status_code == 400, (value, response.content)
        assert response.json()["cursor"]


@pytest.mark.parametrize(("payload", "ordering"), FORGED_KEYS)
def test_forged_keys_are_refused_even_under_the_servers_signature(client_for, many_recommendations, payload, ordering):
    """Were the key ever to leak, the keys themselves are still checked: a 400, never a 500."""
    query = {"cursor": signing.dumps(payload, salt=CURSOR_SALT), **({"ordering": ordering} if ordering else {})}
    response = client_for("anonymous").get(LIST_URL, query)
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert "cursor" in response.json()


@pytest.mark.parametrize(("issued_for", "used_with"), [("year_start", "-year_start"), ("status", "year_start")])
def test_a_cursor_for_another_ordering_is_refused(client_for, many_recommendations, issued_for, used_with):
    client = client_for("analyst")
    next_link = client.get(LIST_URL, {"page_size": 2, "ordering": issued_for}).json()["next"]
    issued = parse_qs(urlsplit(next_link).query)["cursor"][0]
    response = client.get(LIST_URL, {"page_size": 2, "ordering": used_with, "cursor": issued})
    assert response.status_code == 400
    assert "cursor" in response.json()


@pytest.fixture
def bodies_attached(many_recommendations):
    bodies = [ResponsibleBodyFactory() for _ in range(3)]
    for row in many_recommendations:
        row.responsible_bodies.set(bodies[: 1 + row.pk % 3])
    return many_recommendations


@pytest.mark.parametrize("role", ["anonymous", "analyst"])
@pytest.mark.parametrize("ordering", ["id", "-status_changed_at"])
def test_list_query_count_does_not_grow_with_page_size(
    client_for, bodies_attached, django_assert_max_num_queries, role, ordering
):
    client = client_for(role)
    client.get(LIST_URL)  # warm per-process caches (content types, role groups) out of the count
    with CaptureQueriesContext(connection) as small_page:
        response = client.get(LIST_URL, {"page_size": 5, "ordering": ordering})
    assert len(response.json()["results"]) == 5
    assert len(small_page) <= 4, [query["sql"] for query in small_page]
    with django_assert_max_num_queries(len(small_page)):
        response = client.get(LIST_URL, {"page_size": 200, "ordering": ordering})
    results = response.json()["results"]
    assert len(results) == 23
    assert all(item["responsible_bodies"] for item in results)


def test_filtered_list_query_count_does_not_grow_with_page_size(
    client_for, bodies_attached, django_assert_max_num_queries
):
    client = client_for("analyst")
    query = {"source": bodies_attached[0].source.slug, "q": "əmək", "year": 2012, "status": "not_started,in_progress"}
    with CaptureQueriesContext(connection) as small_page:
        client.get(LIST_URL, {**query, "page_size": 1})
    with django_assert_max_num_queries(len(small_page)):
        response = client.get(LIST_URL, {**query, "page_size": 200})
    assert response.status_code == 200
    assert response.json()["results"]


@pytest.mark.parametrize("path", ["progress", "evidence", "history"])
def test_nested_lists_query_count_does_not_grow_with_page_size(
    client_for, recommendation, django_assert_max_num_queries, path
):
    writer = client_for("ngo_staff")
    for index in range(12):
        writer.post(
            f"/api/v1/recommendations/{recommendation.pk}/progress/",
            {"status": ["in_progress", "not_started"][index % 2], "note": f"qeyd {index}"},
            format="json",
        )
        writer.post(
            f"/api/v1/recommendations/{recommendation.pk}/evidence/",
            {"kind": "excerpt", "title": f"Çıxarış {index}", "excerpt": "mətn"},
            format="json",
        )
    client = client_for("analyst")
    url = f"/api/v1/recommendations/{recommendation.pk}/{path}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small_page:
        client.get(url, {"page_size": 2})
    with django_assert_max_num_queries(len(small_page)):
        response = client.get(url, {"page_size": 200})
    assert len(response.json()["results"]) >= 12
