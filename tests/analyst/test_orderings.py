"""Orderings an analyst reaches for: by area, source, country, due date and the latest
progress. Pages walked forward and back hold every row once, in that order; the exports
order alike."""

import csv
import datetime
import io

import pytest

from recommendations.catalog.services import recommendation_update
from tests.factories import SourceFactory, UserFactory
from tests.shared_data import shared_data

from .reports import build_reports

FAR = "9999-12-31"


@shared_data
def world():
    reports = build_reports()
    admin = UserFactory(role="admin")
    # Another country's report, and due dates on some (ties among them, none on others).
    georgia = SourceFactory(slug="dol-2015-ge", country="GE", report_year=2015)
    from tests.factories import RecommendationFactory

    RecommendationFactory(source=georgia, area="protection")
    RecommendationFactory(source=georgia, area=None)
    ids = sorted(recommendation.pk for recommendation in reports.recommendations.values())
    for pk, due in zip(ids, ["2026-03-01", "2025-01-01", "2026-03-01", "2024-06-30"], strict=False):
        recommendation_update(
            recommendation_id=pk, data={"due_on": datetime.date.fromisoformat(due)}, note="", user=admin
        )
    return reports


def walk(client, ordering: str) -> list[dict]:
    rows, url = [], f"/api/v1/recommendations/?page_size=3&ordering={ordering}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


def walk_back(client, ordering: str) -> list[dict]:
    first = client.get(f"/api/v1/recommendations/?page_size=3&ordering={ordering}").json()
    pages = [first]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    rows, url = [], pages[-1]["previous"]
    rows = pages[-1]["results"]
    while url:
        page = client.get(url).json()
        rows = page["results"] + rows
        url = page["previous"]
    return rows


def last_progress(client) -> dict[int, str]:
    body = b"".join(client.get("/api/v1/recommendations/export.csv").streaming_content).decode("utf-8-sig")
    return {int(row["id"]): row["last_progress_on"] for row in csv.DictReader(io.StringIO(body))}


def sort_key(name: str, client):
    if name == "area":
        return lambda row: row["area"] or ""
    if name == "due_on":
        return lambda row: row["due_on"] or FAR
    if name == "last_progress_on":
        days = last_progress(client)
        return lambda row: days[row["id"]] or "0001-01-01"
    return lambda row: row[name]


@pytest.mark.parametrize("name", ["area", "source", "country", "due_on", "last_progress_on"])
@pytest.mark.parametrize("descending", [False, True])
def test_pages_walk_in_that_order_every_row_once(world, api_client, name, descending):
    ordering = f"-{name}" if descending else name
    rows = walk(api_client, ordering)

    key = sort_key(name, api_client)
    every = api_client.get("/api/v1/recommendations/?page_size=500").json()["results"]
    expected = sorted(every, key=lambda row: (key(row), row["id"]), reverse=descending)
    assert [row["id"] for row in rows] == [row["id"] for row in expected]
    assert [row["id"] for row in walk_back(api_client, ordering)] == [row["id"] for row in rows]


@pytest.mark.parametrize("ordering", ["area,-due_on", "-country,source", "last_progress_on,-area", "due_on"])
def test_the_export_orders_as_the_list(world, api_client, ordering):
    body = b"".join(api_client.get(f"/api/v1/recommendations/export.csv?ordering={ordering}").streaming_content).decode(
        "utf-8-sig"
    )

    exported = [int(row["id"]) for row in csv.DictReader(io.StringIO(body))]
    assert exported == [row["id"] for row in walk(api_client, ordering)]


def test_a_cursor_of_one_ordering_is_refused_with_another(world, api_client):
    page = api_client.get("/api/v1/recommendations/?page_size=2&ordering=due_on").json()
    cursor = page["next"].split("cursor=")[1].split("&")[0]

    response = api_client.get(f"/api/v1/recommendations/?page_size=2&ordering=area&cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()
