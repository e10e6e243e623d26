"""`count=true` on the list: how many match in all, in the same answer, on every page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

QUERIES = [
    "",
    "country=AZ&area=enforcement,protection",
    "source=tip-2022-az",
    "year=2013",
    "as_of=2021-06-30",
    "as_of=2023-12-31&status=not_assessed",
    "q=usaq",
    "area=none",
    "overdue=false&distinct=latest",
    "priority=true&due_after=2020-01-01",
]


def walk(client, query: str) -> list[dict]:
    pages, url = [], f"/api/v1/recommendations/?page_size=3&count=true&{query}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        pages.append(response.json())
        url = pages[-1]["next"]
    return pages


@pytest.mark.parametrize("query", QUERIES)
def test_the_count_is_every_row_the_pages_hold_and_the_stats_total(reports, api_client, query):
    pages = walk(api_client, query)

    rows = [row for page in pages for row in page["results"]]
    assert {page["count"] for page in pages} == {len(rows)}
    assert api_client.get(f"/api/v1/stats/?{query}").json()["total"] == len(rows)


def test_without_count_the_answer_has_none_and_costs_no_query(reports, api_client):
    with CaptureQueriesContext(connection) as plain_queries:
        plain = api_client.get("/api/v1/recommendations/?area=protection&count=false")
    with CaptureQueriesContext(connection) as counted_queries:
        counted = api_client.get("/api/v1/recommendations/?area=protection&count=true")

    assert "count" not in plain.json()
    assert counted.json()["count"] == len(counted.json()["results"]) == 2
    assert len(counted_queries) == len(plain_queries) + 1
    assert "COUNT(*)" in counted_queries[-1]["sql"]


@pytest.mark.parametrize("value", ["1", "yes", "", "TRUE"])
def test_count_takes_true_or_false(reports, api_client, value):
    response = api_client.get("/api/v1/recommendations/", {"count": value})

    assert response.status_code == 400
    assert "count" in response.json()


def test_count_is_only_the_lists(reports, api_client):
    assert api_client.get("/api/v1/stats/?count=true").status_code == 400
    assert api_client.get("/api/v1/sources/?count=true").status_code == 400
