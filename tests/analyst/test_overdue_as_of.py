"""Overdue on a day: due before that day and not implemented as of that day — on the list,
stats, exports, dashboard and each period of the timeline (issue 27, section 1)."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from recommendations.choices import SourceKind, Status
from recommendations.progress.services import progress_record
from tests.factories import RecommendationFactory, SourceFactory, UserFactory

D = datetime.date


@pytest.fixture
def due(db):
    """late: due 2025-12-31, never progressed (not started on 2024-01-10).
    caught_up: due 2025-01-01, in progress from 2024-06-01, implemented on 2025-06-01.
    done_early: due 2024-03-01, implemented on 2024-02-01. undated: no due date."""
    staff = UserFactory(role="ngo_staff")
    source = SourceFactory(slug="dol-2023-az", kind=SourceKind.DOL, report_year=2023)
    items = {
        key: RecommendationFactory(source=source, area="enforcement", year_start=2023, year_end=2023, due_on=due_on)
        for key, due_on in (
            ("late", D(2025, 12, 31)),
            ("caught_up", D(2025, 1, 1)),
            ("done_early", D(2024, 3, 1)),
            ("undated", None),
        )
    }
    for key, status, day in (
        ("late", Status.NOT_STARTED, D(2024, 1, 10)),
        ("caught_up", Status.IN_PROGRESS, D(2024, 6, 1)),
        ("caught_up", Status.IMPLEMENTED, D(2025, 6, 1)),
        ("done_early", Status.IMPLEMENTED, D(2024, 2, 1)),
        ("undated", Status.IN_PROGRESS, D(2024, 2, 1)),
    ):
        progress_record(recommendation_id=items[key].pk, status=status, occurred_on=day, user=staff)
    return {key: item.pk for key, item in items.items()}


def listed(client, query: str) -> set[int]:
    response = client.get(f"/api/v1/recommendations/?page_size=500&{query}")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def exported(client, query: str) -> tuple[set[int], set[int]]:
    csv_body = b"".join(client.get(f"/api/v1/recommendations/export.csv?{query}").streaming_content)
    csv_ids = {int(row["id"]) for row in csv.DictReader(io.StringIO(csv_body.decode("utf-8-sig")))}
    xlsx_body = b"".join(client.get(f"/api/v1/recommendations/export.xlsx?{query}").streaming_content)
    rows = list(load_workbook(io.BytesIO(xlsx_body), read_only=True)["recommendations"].iter_rows(values_only=True))
    return csv_ids, {int(str(row[0])) for row in rows[1:]}


CASES = [
    # (as_of, overdue on that day)
    ("2024-06-30", set()),  # nothing due yet but done_early, implemented before
    ("2025-03-01", {"caught_up"}),  # due 1 January, in progress that day; implemented today
    ("2025-12-31", set()),  # late is due that day, not before
    ("2026-01-15", {"late"}),  # due 2025-12-31, still not started
]


@pytest.mark.parametrize(("as_of", "expected"), CASES)
def test_overdue_as_of_a_day_is_judged_on_that_day(due, as_of, expected):
    client = APIClient()
    keys = {pk: key for key, pk in due.items()}
    query = f"overdue=true&as_of={as_of}"
    assert {keys[pk] for pk in listed(client, query)} == expected
    assert exported(client, query) == ({due[key] for key in expected},) * 2
    assert client.get(f"/api/v1/stats/?{query}").json()["total"] == len(expected)
    # Not overdue: every other recommendation of reports that existed then.
    others = listed(client, f"as_of={as_of}") - {due[key] for key in expected}
    assert listed(client, f"overdue=false&as_of={as_of}") == others
    assert client.get(f"/api/v1/stats/?overdue=false&as_of={as_of}").json()["total"] == len(others)
    dashboard = client.get(f"/?{query}")
    assert dashboard.status_code == 200
    assert dashboard.context["stats"]["total"] == len(expected)


def test_overdue_with_status_as_of_keeps_both(due):
    client = APIClient()
    assert listed(client, "overdue=true&as_of=2025-03-01&status=in_progress") == {due["caught_up"]}
    assert listed(client, "overdue=true&as_of=2025-03-01&status=not_started") == set()
    stats = client.get("/api/v1/stats/?overdue=false&as_of=2025-03-01&status=implemented,in_progress").json()
    # done_early implemented, undated in progress; caught_up (in progress, overdue) is left out.
    assert stats["by_status"]["implemented"] == 1 and stats["by_status"]["in_progress"] == 1


def test_each_timeline_period_counts_what_was_overdue_at_its_end(due):
    client = APIClient()
    for overdue in ("true", "false"):
        timeline = client.get(f"/api/v1/stats/timeline/?interval=quarter&overdue={overdue}").json()
        assert timeline["periods"]
        for period in timeline["periods"]:
            stats = client.get(f"/api/v1/stats/?overdue={overdue}&as_of={period['end']}").json()
            assert (period["end"], period["by_status"]) == (period["end"], stats["by_status"])
    quarters = {
        period["end"]: period["total"]
        for period in client.get("/api/v1/stats/timeline/?interval=quarter&overdue=true").json()["periods"]
    }
    assert quarters["2025-03-31"] == 1 and quarters["2025-06-30"] == 0 and quarters["2026-03-31"] == 1


def test_overdue_today_is_the_stored_status(due):
    client = APIClient()
    assert listed(client, "overdue=true") == {due["late"]}
    assert listed(client, f"overdue=true&as_of={datetime.date.today().year + 5}-01-01") == {due["late"]}


def test_changes_keep_those_overdue_at_to(due):
    changes = APIClient().get("/api/v1/stats/changes/?from=2024-12-31&to=2025-03-01&overdue=true").json()
    assert changes["total"] == 0  # caught_up was in progress at both dates
    changes = APIClient().get("/api/v1/stats/changes/?from=2024-01-01&to=2025-03-01&overdue=true").json()
    assert [row["id"] for row in changes["recommendations"]] == [due["caught_up"]]
