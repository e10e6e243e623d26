"""/api/v1/stats/timeline/ and /api/v1/stats/changes/ on a log written out of order (the
`history` fixture): each period's counts equal the statuses the log gives at its end."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recommendations.choices import Status
from recommendations.models import Recommendation
from recommendations.progress.services import progress_record
from tests.factories import RecommendationFactory, UserFactory

from .test_as_of import status_from_the_log

D = datetime.date


def oracle_counts(history: dict[str, int], day: datetime.date, statuses=None) -> dict[str, int]:
    counts = dict.fromkeys(Status.values, 0)
    for pk in history.values():
        if Recommendation.objects.get(pk=pk).source.report_year <= day.year:
            status = status_from_the_log(pk, day)
            if statuses is None or status in statuses:
                counts[status] += 1
    return counts


@pytest.mark.parametrize(
    ("interval", "count", "first_end"),
    [("year", 10, "2015-12-31"), ("quarter", 38, "2015-03-31"), ("month", 114, "2015-01-31")],
)
def test_each_period_counts_the_statuses_the_log_gives_at_its_end(history, api_client, interval, count, first_end):
    response = api_client.get(f"/api/v1/stats/timeline/?interval={interval}&to=2024-06-15")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["interval"] == interval
    assert body["from"] == "2015-01-01"  # the first report's year
    periods = body["periods"]
    assert len(periods) == count
    assert periods[0]["end"] == first_end
    assert periods[-1] == {**periods[-1], "end": "2024-06-15", "partial": True}
    for period in periods:
        day = D.fromisoformat(period["end"])
        assert period["by_status"] == oracle_counts(history, day), period["end"]
        assert period["total"] == sum(period["by_status"].values())


def test_known_years(history, api_client):
    periods = {
        row["end"]: row["by_status"]
        for row in api_client.get("/api/v1/stats/timeline/?to=2023-12-31").json()["periods"]
    }
    # The backdated entry: partially implemented through 2017 and 2018, implemented from 2019.
    assert periods["2017-12-31"] == {**dict.fromkeys(Status.values, 0), "not_assessed": 2, "partially_implemented": 1}
    assert periods["2019-12-31"]["implemented"] == 1
    # The 2022 report counts from 2022; the 2024 report not before 2024.
    assert sum(periods["2021-12-31"].values()) == 3
    assert sum(periods["2023-12-31"].values()) == 4
    assert periods["2023-12-31"]["implemented"] == 2


def test_the_timeline_runs_from_the_first_report_to_today_at_the_widest(history, api_client):
    body = api_client.get("/api/v1/stats/timeline/?interval=month&from=1900-01-01&to=2999-12-31").json()
    today = timezone.localdate()
    assert body["from"] == "2015-01-01"
    assert body["to"] == today.isoformat()
    assert body["periods"][-1]["end"] == today.isoformat()
    assert len(body["periods"]) == (today.year - 2015) * 12 + today.month
    nothing = api_client.get("/api/v1/stats/timeline/?source=tip-2024-az&to=2023-12-31").json()
    assert nothing["periods"] == []


def test_timeline_takes_the_list_filters(history, api_client):
    body = api_client.get("/api/v1/stats/timeline/?to=2023-12-31&area=enforcement&status=implemented").json()
    ends = {row["end"]: row for row in body["periods"]}
    assert ends["2018-12-31"]["total"] == 0
    assert ends["2019-12-31"]["by_status"]["implemented"] == 1
    assert ends["2019-12-31"]["total"] == 1  # E (enforcement, not assessed) is not an implemented one
    source = api_client.get("/api/v1/stats/timeline/?source=tip-2022-az&to=2023-12-31").json()
    assert [row["end"] for row in source["periods"]] == ["2022-12-31", "2023-12-31"]


@pytest.mark.parametrize("query", ["", "&overdue=true", "&overdue=false"])
def test_timeline_query_count_does_not_grow_with_the_data(history, api_client, query):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(f"/api/v1/stats/timeline/?interval=month&to=2024-06-15&country=AZ{query}")
            assert response.status_code == 200
        return len(queries)

    before = count()
    staff = UserFactory(role="ngo_staff")
    source = Recommendation.objects.get(pk=history["A"]).source
    for number in range(20):
        item = RecommendationFactory(source=source, position=100 + number, due_on=D(2018 + number % 5, 6, 1))
        for month in (1, 5, 9):
            progress_record(
                recommendation_id=item.pk,
                status=["in_progress", "implemented", "not_started"][month % 3],
                note="",
                occurred_on=D(2018 + number % 4, month, 3),
                user=staff,
            )
    # The data version (recommendations/caching/), the counts by report year and status, and one
    # pass over the log.
    assert count() == before == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("interval=week", "interval"),
        ("interval=", "interval"),
        ("from=2020-02-30", "from"),
        ("to=2020", "to"),
        ("from=2021-01-01&to=2020-01-01", "from"),
        ("as_of=2020-01-01", "as_of"),
        ("stauts=implemented", "stauts"),
        ("repeats=3.0", "repeats"),
    ],
)
def test_bad_timeline_parameters_are_a_400_naming_them(history, api_client, query, field):
    response = api_client.get(f"/api/v1/stats/timeline/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_changes_between_two_dates(history, api_client):
    body = api_client.get("/api/v1/stats/changes/?from=2016-12-31&to=2020-03-01").json()
    assert body["total"] == 2
    assert {(row["from"], row["to"]): row["count"] for row in body["transitions"]} == {
        ("not_assessed", "in_progress"): 1,
        ("in_progress", "implemented"): 1,
    }
    assert [(row["id"], row["from"], row["to"]) for row in body["recommendations"]] == [
        (history["A"], "in_progress", "implemented"),
        (history["B"], "not_assessed", "in_progress"),
    ]
    assert body["recommendations_truncated"] is False
    assert body["added"]["total"] == 0


def test_a_backdated_entry_is_a_change_of_its_period(history, api_client):
    body = api_client.get("/api/v1/stats/changes/?from=2016-06-01&to=2017-12-31").json()
    assert [(row["id"], row["from"], row["to"]) for row in body["recommendations"]] == [
        (history["A"], "in_progress", "partially_implemented")
    ]


def test_changes_count_recommendations_of_new_reports_apart(history, api_client):
    body = api_client.get("/api/v1/stats/changes/?from=2021-12-31&to=2023-12-31").json()
    assert body["total"] == 0
    assert body["added"] == {"total": 1, "by_status": {**dict.fromkeys(Status.values, 0), "implemented": 1}}
    filtered = api_client.get("/api/v1/stats/changes/?from=2016-12-31&to=2020-03-01&status=implemented").json()
    assert [row["id"] for row in filtered["recommendations"]] == [history["A"]]


def test_changes_default_to_this_quarter(history, api_client):
    today = timezone.localdate()
    body = api_client.get("/api/v1/stats/changes/").json()
    assert body["to"] == today.isoformat()
    start = D.fromisoformat(body["from"])
    assert start.month in (3, 6, 9, 12) and (today - start).days <= 92
    assert (start + datetime.timedelta(days=1)).month == ((today.month - 1) // 3) * 3 + 1
    assert api_client.get("/api/v1/stats/changes/?to=2020-05-15").json()["from"] == "2020-03-31"
    # A later `from` alone: until that day, nothing to compare yet.
    assert api_client.get("/api/v1/stats/changes/?from=2999-01-01").json()["to"] == "2999-01-01"


def test_changes_query_count_does_not_grow_with_the_data(history, api_client):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get("/api/v1/stats/changes/?from=2016-01-01&to=2024-01-01").status_code == 200
        return len(queries)

    before = count()
    staff = UserFactory(role="ngo_staff")
    source = Recommendation.objects.get(pk=history["A"]).source
    for number in range(20):
        item = RecommendationFactory(source=source, position=100 + number)
        progress_record(recommendation_id=item.pk, status="in_progress", note="", occurred_on=D(2019, 1, 1), user=staff)
    after = count()
    body = api_client.get("/api/v1/stats/changes/?from=2016-01-01&to=2024-01-01").json()  # cached now
    assert body["total"] == 22
    # The data version (recommendations/caching/), counts per transition, the list, the
    # recommendations of new reports.
    assert after == before == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2020-01-01&to=2019-01-01", "to"),
        ("from=yesterday&to=2020-01-01", "from"),
        ("from=2019-01-01&to=2020-01-01&area=nowhere", "area"),
    ],
)
def test_bad_changes_parameters_are_a_400_naming_them(history, api_client, query, field):
    response = api_client.get(f"/api/v1/stats/changes/?{query}")
    assert response.status_code == 400
    assert field in response.json()
