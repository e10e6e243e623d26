"""`ordering=status` sorts in workflow order — not assessed, not started, in progress,
partially implemented, implemented: the order of the stats' `by_status` — not by the codes'
spelling (issue 27, section 3); the list's pages and cursors, the CSV and the XLSX alike, both
ways; and `ordering=status_as_of`, by the status at the end of the `as_of` day."""

import csv
import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from recommendations.choices import Status


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def _walk(client: APIClient, query: str) -> list[dict]:
    rows, url = [], f"/api/v1/recommendations/?page_size=2&{query}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        rows.extend(response.json()["results"])
        url = response.json()["next"]
    return rows


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _exported_ids(client: APIClient, query: str) -> dict[str, list[int]]:
    """The ids of the CSV and of the XLSX export for `query`, in their order."""
    csv_body = _body(client.get(f"/api/v1/recommendations/export.csv?{query}"))
    workbook = _body(client.get(f"/api/v1/recommendations/export.xlsx?{query}"))
    sheet = load_workbook(io.BytesIO(workbook)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    return {
        "csv": [int(row["id"]) for row in csv.DictReader(io.StringIO(csv_body.decode("utf-8-sig")))],
        "xlsx": [int(str(row[header.index("id")])) for row in sheet.iter_rows(min_row=2, values_only=True)],
    }


def _rank(row: dict) -> int:
    return Status.values.index(row["status"])


@pytest.mark.parametrize("descending", [False, True])
def test_ordering_by_status_follows_the_workflow_on_every_page_and_export(reports, client, descending):
    everything = _walk(client, "ordering=id")
    assert len({row["status"] for row in everything}) >= 3  # the order is tested, not assumed
    expected = [row["id"] for row in sorted(everything, key=lambda row: (_rank(row), row["id"]), reverse=descending)]
    ordering = "-status" if descending else "status"

    forward = _walk(client, f"ordering={ordering}")
    assert [row["id"] for row in forward] == expected
    assert list(client.get("/api/v1/stats/").json()["by_status"]) == Status.values

    assert _exported_ids(client, f"ordering={ordering}") == {"csv": expected, "xlsx": expected}


@pytest.mark.parametrize("query", ["ordering=status", "ordering=-status", "as_of=2024-01-01&ordering=-status_as_of"])
def test_a_cursor_walks_back_in_the_same_order(reports, client, query):
    first = client.get(f"/api/v1/recommendations/?page_size=3&{query}").json()
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert back["results"] == first["results"]


@pytest.fixture
def changed_later(reports):
    """Two recommendations change status after the day asked about, so the status that day
    and today's differ (written in the test's savepoint, undone after it)."""
    import datetime

    from recommendations.progress.services import progress_record

    from ..factories import UserFactory

    staff = UserFactory(role="ngo_staff")
    rows = _walk(APIClient(), "ordering=id")
    not_done = [row for row in rows if row["status"] not in ("implemented", "not_assessed")][:2]
    for row in not_done:
        progress_record(
            recommendation_id=row["id"], status="implemented", occurred_on=datetime.date(2024, 5, 1), user=staff
        )
    return [row["id"] for row in not_done]


@pytest.mark.parametrize("ordering", ["status_as_of", "-status_as_of", "status_as_of,-year_start"])
def test_ordering_by_the_status_as_of_a_day(reports, changed_later, client, ordering):
    as_of = "2024-01-01"
    everything = _walk(client, f"as_of={as_of}&ordering=id")
    statuses = [row["status_as_of"] for row in everything]
    assert len(set(statuses)) >= 3 and statuses != [row["status"] for row in everything]
    rank = {row["id"]: Status.values.index(row["status_as_of"]) for row in everything}
    year = {row["id"]: row["year_start"] for row in everything}
    if ordering == "status_as_of,-year_start":
        expected = sorted(rank, key=lambda pk: (rank[pk], -year[pk], -pk))  # the id follows the last key
    else:
        expected = sorted(rank, key=lambda pk: (rank[pk], pk), reverse=ordering.startswith("-"))
    assert expected != [row["id"] for row in _walk(client, f"as_of={as_of}&ordering={ordering.replace('_as_of', '')}")]

    assert [row["id"] for row in _walk(client, f"as_of={as_of}&ordering={ordering}")] == expected
    assert _exported_ids(client, f"as_of={as_of}&ordering={ordering}") == {"csv": expected, "xlsx": expected}


@pytest.mark.parametrize(
    "path", ["/api/v1/recommendations/", "/api/v1/recommendations/export.csv", "/api/v1/recommendations/export.xlsx"]
)
def test_ordering_by_the_status_as_of_needs_as_of(reports, client, path):
    response = client.get(f"{path}?ordering=status_as_of")
    assert response.status_code == 400
    assert response.json()["ordering"] == ["Ordering by status_as_of needs as_of (the day of that status)."]
