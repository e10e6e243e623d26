"""`as_of=YYYY-MM-DD`: every recommendation's status at the end of that day, from the progress
log (the date progress happened, ties by when it was recorded), counting only recommendations
whose report existed by then; on stats, the list and the exports."""

import csv
import datetime
import io
import random
from collections.abc import Mapping
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recommendations.choices import SourceKind, Status
from recommendations.models import ProgressUpdate, Recommendation
from recommendations.progress.services import progress_record
from tests.factories import RecommendationFactory, SourceFactory, UserFactory

D = datetime.date


# (as_of, {key: status that day}; a key absent was not yet published)
EXPECTED = [
    (D(2015, 12, 31), {"A": "not_assessed", "B": "not_assessed", "E": "not_assessed"}),
    (D(2016, 4, 30), {"A": "not_assessed", "B": "not_assessed", "E": "not_assessed"}),
    (D(2016, 5, 1), {"A": "in_progress", "B": "not_assessed", "E": "not_assessed"}),
    (D(2017, 12, 31), {"A": "partially_implemented", "B": "not_assessed", "E": "not_assessed"}),
    (D(2020, 2, 29), {"A": "implemented", "B": "not_assessed", "E": "not_assessed"}),
    (D(2020, 3, 1), {"A": "implemented", "B": "in_progress", "E": "not_assessed"}),
    (D(2022, 1, 1), {"A": "implemented", "B": "in_progress", "E": "not_assessed", "C": "not_assessed"}),
    (D(2023, 12, 31), {"A": "implemented", "B": "in_progress", "E": "not_assessed", "C": "implemented"}),
    (
        D(2024, 1, 1),
        {"A": "implemented", "B": "in_progress", "E": "not_assessed", "C": "implemented", "D": "not_assessed"},
    ),
]


def status_from_the_log(recommendation_id: int, day: datetime.date) -> str:
    """The rule, read straight off the log in Python: an oracle for the SQL."""
    entries = list(ProgressUpdate.objects.filter(recommendation_id=recommendation_id))
    applying = [entry for entry in entries if entry.occurred_on <= day]
    if applying:
        return max(applying, key=lambda entry: (entry.occurred_on, entry.created_at, entry.id)).status_after
    if entries:
        return min(entries, key=lambda entry: (entry.occurred_on, entry.created_at, entry.id)).status_before
    return Recommendation.objects.get(pk=recommendation_id).status


def expected_counts(statuses: Mapping[Any, str]) -> dict[str, int]:
    counts = dict.fromkeys(Status.values, 0)
    for status in statuses.values():
        counts[status] += 1
    return counts


@pytest.mark.parametrize(("day", "expected"), EXPECTED)
def test_stats_as_of_a_day_count_the_status_the_log_gives(history, api_client, day, expected):
    stats = api_client.get(f"/api/v1/stats/?as_of={day.isoformat()}").json()

    assert stats["total"] == len(expected)
    assert stats["by_status"] == expected_counts(expected)
    oracle = {key: status_from_the_log(pk, day) for key, pk in history.items() if key in expected}
    assert oracle == expected
    areas = {row["area"]: row["by_status"] for row in stats["by_area"]}
    assert areas["enforcement"] == expected_counts({key: expected[key] for key in ("A", "E")})
    assert sum(row["total"] for row in stats["by_year"] if row["year"] == 2015) == sum(
        1 for key in expected if key in "ABE"
    )


def test_a_report_published_after_the_day_is_not_counted(history, api_client):
    stats = api_client.get("/api/v1/stats/?as_of=2023-12-31").json()
    assert "tip-2024-az" not in {row["source"] for row in stats["by_source"]}
    assert api_client.get("/api/v1/stats/?as_of=2021-12-31").json()["by_source"][0]["source"] == "dol-2015-az"
    rows = api_client.get("/api/v1/recommendations/?as_of=2021-12-31").json()["results"]
    assert {row["id"] for row in rows} == {history["A"], history["B"], history["E"]}


def test_without_as_of_nothing_changes(history, api_client):
    plain = api_client.get("/api/v1/stats/").json()
    assert plain["total"] == 5
    assert all(row["status_as_of"] is None for row in api_client.get("/api/v1/recommendations/").json()["results"])


@pytest.mark.parametrize(("day", "expected"), EXPECTED)
def test_the_list_shows_and_filters_the_status_of_that_day(history, api_client, day, expected):
    rows = api_client.get(f"/api/v1/recommendations/?as_of={day.isoformat()}").json()["results"]
    by_key = history
    assert {row["id"]: row["status_as_of"] for row in rows} == {by_key[key]: status for key, status in expected.items()}
    # The status filter reads the status of that day, on the list and on the stats alike.
    for status in ("implemented", "not_assessed", "in_progress"):
        query = f"as_of={day.isoformat()}&status={status}"
        listed = {row["id"] for row in api_client.get(f"/api/v1/recommendations/?{query}").json()["results"]}
        assert listed == {by_key[key] for key, value in expected.items() if value == status}
        stats = api_client.get(f"/api/v1/stats/?{query}").json()
        assert stats["total"] == len(listed)
        assert stats["by_status"][status] == len(listed)


def test_the_exports_carry_the_status_of_that_day(history, api_client):
    response = api_client.get("/api/v1/recommendations/export.csv?as_of=2017-12-31&ordering=id")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    by_id = {int(row["id"]): row for row in rows}
    assert set(by_id) == {history["A"], history["B"], history["E"]}
    assert by_id[history["A"]]["status_as_of"] == "partially_implemented"
    assert by_id[history["A"]]["status_as_of_label"] == "Qismən həyata keçirilib"
    assert by_id[history["B"]]["status_as_of"] == "not_assessed"


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        # Each with the data version first (recommendations/caching/):
        ("", 6),  # by area, year and source; the sources' titles; one pass over the log
        ("&overdue=true", 6),  # the same, of those due before the day
        ("&overdue=false", 10),  # those due before the day, then the others: twice, titles once
    ],
)
def test_stats_as_of_query_count_does_not_grow_with_the_data(history, api_client, query, queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get(f"/api/v1/stats/?as_of=2023-12-31&country=AZ{query}").status_code == 200
        return len(captured)

    staff = UserFactory(role="ngo_staff")
    source = Recommendation.objects.get(pk=history["A"]).source

    def add(first: int) -> None:
        for number in range(first, first + 30):
            item = RecommendationFactory(source=source, position=100 + number, due_on=D(2020 + number % 6, 1, 1))
            progress_record(
                recommendation_id=item.pk, status="in_progress", note="", occurred_on=D(2021, 1, 1), user=staff
            )

    add(0)
    before = count()
    add(30)
    assert count() == before == queries


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("as_of=2023-13-01", "as_of"),
        ("as_of=31.12.2023", "as_of"),
        ("as_of=2023-1-5", "as_of"),
        ("distinct=all", "distinct"),
    ],
)
def test_a_bad_date_or_distinct_is_a_400_naming_it(history, api_client, query, message):
    for path in ("/api/v1/stats/", "/api/v1/recommendations/", "/api/v1/recommendations/export.csv"):
        response = api_client.get(f"{path}?{query}")
        assert response.status_code == 400, path
        assert message in response.json()


def test_distinct_latest_counts_a_repeated_recommendation_once(db, api_client):
    tip_2021 = SourceFactory(slug="tip-2021-az", kind=SourceKind.TIP, report_year=2021)
    tip_2022 = SourceFactory(slug="tip-2022-az", kind=SourceKind.TIP, report_year=2022)
    first = RecommendationFactory(source=tip_2021, area="protection", year_start=2021, year_end=2021)
    again = RecommendationFactory(source=tip_2022, area="protection", year_start=2022, year_end=2022, repeats=first)
    other = RecommendationFactory(source=tip_2022, area="prevention", year_start=2022, year_end=2022)

    assert api_client.get("/api/v1/stats/").json()["total"] == 3
    assert api_client.get("/api/v1/stats/?distinct=latest").json()["total"] == 2
    listed = api_client.get("/api/v1/recommendations/?distinct=latest").json()["results"]
    assert {row["id"] for row in listed} == {again.pk, other.pk}
    # Before the 2022 report existed, the 2021 recommendation was its own latest.
    assert api_client.get("/api/v1/stats/?distinct=latest&as_of=2021-12-31").json()["total"] == 1
    listed = api_client.get("/api/v1/recommendations/?distinct=latest&as_of=2021-12-31").json()["results"]
    assert [row["id"] for row in listed] == [first.pk]


@pytest.mark.parametrize("seed", [3, 17, 2024])
def test_stats_and_list_as_of_agree_with_the_log_on_random_histories(db, api_client, seed):
    """Logs written in random order, with repeated statuses, same-day entries and entries
    recorded today: at every day around an entry, the counts, the list (also of what was
    overdue that day, and what was not), the timeline and the changes between two days give
    what the log says (the stats read the log only for recommendations
    whose status began after the day, so a status repeated after the day must not fool them)."""
    rng = random.Random(seed)
    staff = UserFactory(role="ngo_staff")
    today = timezone.localdate()
    sources = [SourceFactory(report_year=year) for year in (2015, 2018, 2021)]
    items = [
        RecommendationFactory(
            source=rng.choice(sources),
            area=rng.choice(["enforcement", "protection"]),
            position=n,
            due_on=rng.choice([None, D(rng.randint(2016, today.year + 1), rng.randint(1, 12), rng.randint(1, 28))]),
        )
        for n in range(14)
    ]

    def overdue_oracle(item, status: str, day: datetime.date) -> bool:
        """Overdue that day: due before it (today at the latest) and not implemented then."""
        return item.due_on is not None and item.due_on < min(day, today) and status != Status.IMPLEMENTED

    days = {today, today - datetime.timedelta(days=1)}
    for item in items:
        for _entry in range(rng.randint(0, 4)):
            day = rng.choice([today, D(rng.randint(2016, 2024), rng.randint(1, 12), rng.randint(1, 28))])
            # A note: an entry repeating the status in force is recorded only with one.
            progress_record(
                recommendation_id=item.pk, status=rng.choice(Status.values), note="Qeyd.", occurred_on=day, user=staff
            )
            days.update({day, day - datetime.timedelta(days=1)})

    for day in sorted(days):
        counted = [item for item in items if item.source.report_year <= day.year]
        oracle = {item.pk: status_from_the_log(item.pk, day) for item in counted}
        stats = api_client.get(f"/api/v1/stats/?as_of={day.isoformat()}").json()
        assert stats["by_status"] == expected_counts(oracle), day
        areas = {row["area"]: row["by_status"] for row in stats["by_area"]}
        for area in ("enforcement", "protection"):
            in_area = {item.pk: oracle[item.pk] for item in counted if item.area == area}
            assert areas.get(area, expected_counts({})) == expected_counts(in_area), (day, area)
        rows = api_client.get(f"/api/v1/recommendations/?as_of={day.isoformat()}&page_size=100").json()["results"]
        assert {row["id"]: row["status_as_of"] for row in rows} == oracle, day
        for overdue in (True, False):
            kept = {
                item.pk: oracle[item.pk] for item in counted if overdue_oracle(item, oracle[item.pk], day) == overdue
            }
            query = f"as_of={day.isoformat()}&overdue={str(overdue).lower()}"
            stats = api_client.get(f"/api/v1/stats/?{query}&breakdown=area").json()
            assert stats["by_status"] == expected_counts(kept), (day, overdue)
            rows = api_client.get(f"/api/v1/recommendations/?{query}&page_size=100").json()["results"]
            assert {row["id"] for row in rows} == set(kept), (day, overdue)

    # The progress over time: at each quarter's end, the counts the log gives that day.
    timeline = api_client.get("/api/v1/stats/timeline/?interval=quarter&from=2015-01-01").json()
    overdue_timeline = api_client.get("/api/v1/stats/timeline/?interval=quarter&from=2015-01-01&overdue=true").json()
    for period, overdue_period in zip(timeline["periods"], overdue_timeline["periods"], strict=True):
        end = datetime.date.fromisoformat(period["end"])
        oracle = {item.pk: status_from_the_log(item.pk, end) for item in items if item.source.report_year <= end.year}
        assert period["by_status"] == expected_counts(oracle), end
        overdue_then = {
            item.pk: oracle[item.pk]
            for item in items
            if item.pk in oracle and overdue_oracle(item, oracle[item.pk], end)
        }
        assert overdue_period["by_status"] == expected_counts(overdue_then), end

    # The changes between two of those days: who moved from which status to which.
    ordered = sorted(days)
    for start, end in zip(ordered, ordered[2:], strict=False):
        moved = {
            item.pk: (status_from_the_log(item.pk, start), status_from_the_log(item.pk, end))
            for item in items
            if item.source.report_year <= start.year
        }
        moved = {pk: pair for pk, pair in moved.items() if pair[0] != pair[1]}
        changes = api_client.get(f"/api/v1/stats/changes/?from={start.isoformat()}&to={end.isoformat()}").json()
        assert {row["id"]: (row["from"], row["to"]) for row in changes["recommendations"]} == moved, (start, end)


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-02", "1899-12-31"])
def test_a_day_at_the_calendars_start_is_an_answer_not_an_error(history, api_client, client, day):
    """Any day is an answer: before the first report, nothing is counted."""
    stats = api_client.get(f"/api/v1/stats/?as_of={day}&breakdown=area")
    assert stats.status_code == 200, stats.content
    assert stats.json()["total"] == 0
    assert client.get(f"/?as_of={day}").status_code == 200
    assert api_client.get(f"/api/v1/recommendations/?as_of={day}").json()["results"] == []
