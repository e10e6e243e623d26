"""A timeline that tells the truth when progress is recorded late with an earlier date: the
page, the API's log, the current status, its "since" date and the stats agree."""

import datetime

import pytest
from django.test import Client
from django.utils import formats, timezone, translation

from recommendations.history.services import change_record_create
from recommendations.models import ChangeRecord, Recommendation
from recommendations.progress.services import progress_record
from tests.factories import RecommendationFactory, SourceFactory, UserFactory

OCT_1, OCT_20, NOV_10 = datetime.date(2026, 10, 1), datetime.date(2026, 10, 20), datetime.date(2026, 11, 10)


@pytest.fixture
def backdated(db):
    """Recorded in this order: in progress (10 Nov), then, late, not started (1 Oct) and
    partially implemented (20 Oct)."""
    staff = UserFactory(role="ngo_staff")
    recommendation = RecommendationFactory()
    other = RecommendationFactory()
    updates = {
        "nov": progress_record(
            recommendation_id=recommendation.pk, status="in_progress", occurred_on=NOV_10, user=staff
        ),
        "oct1": progress_record(
            recommendation_id=recommendation.pk, status="not_started", occurred_on=OCT_1, user=staff
        ),
        "oct20": progress_record(
            recommendation_id=recommendation.pk, status="partially_implemented", occurred_on=OCT_20, user=staff
        ),
    }
    progress_record(recommendation_id=other.pk, status="implemented", occurred_on=OCT_1, user=staff)
    return recommendation, updates


def test_current_status_is_the_latest_by_event_date_since_that_day(backdated):
    recommendation, updates = backdated
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert stored.status == "in_progress"  # 10 Nov is the latest event, though recorded first
    assert timezone.localtime(stored.status_changed_at).date() == NOV_10
    # Each late entry was inserted in its place: it starts from the status in force that day.
    assert updates["oct1"].status_before == "not_assessed"
    assert updates["oct20"].status_before == "not_started"


def test_the_api_log_tells_one_story_in_event_order(backdated, client_for):
    recommendation, _updates = backdated
    log = client_for("analyst").get(f"/api/v1/recommendations/{recommendation.pk}/progress/").json()["results"]
    story = [(row["occurred_on"], row["status_before"], row["status_after"]) for row in log]
    assert story == [
        ("2026-10-01", "not_assessed", "not_started"),
        ("2026-10-20", "not_started", "partially_implemented"),
        ("2026-11-10", "partially_implemented", "in_progress"),  # stored before: not_assessed
    ]
    assert log[-1]["status_before_label"] == "Qismən həyata keçirilib"
    detail = client_for("anonymous").get(f"/api/v1/recommendations/{recommendation.pk}/").json()
    assert detail["status"] == "in_progress" == story[-1][2]


def test_the_page_shows_the_same_story_and_both_dates(backdated):
    recommendation, updates = backdated
    client = Client()
    client.force_login(UserFactory(role="analyst"))
    html = client.get(f"/recommendations/{recommendation.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    positions = [html.index(f'id="entry-{updates[key].pk}"') for key in ("oct1", "oct20", "nov")]
    assert positions == sorted(positions)
    last = html[positions[2] :]
    assert last.index("Partially implemented") < last.index("In progress")  # before → after
    with translation.override("en"):
        recorded = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"(happened Nov. 10, 2026, recorded {recorded})" in html
    # The page leads with the status and since when (issue 24 §2).
    lead = html[html.index('id="status-lead"') : html.index("</dl>", html.index('id="status-lead"'))]
    assert "In progress" in lead and "since Nov. 10, 2026" in lead


def test_stats_count_the_current_status_the_timeline_ends_with(backdated, api_client):
    stats = api_client.get("/api/v1/stats/", {"breakdown": "area"}).json()
    assert stats["by_status"]["in_progress"] == 1
    assert stats["by_status"]["implemented"] == 1
    assert stats["by_status"]["partially_implemented"] == 0 and stats["by_status"]["not_started"] == 0
    listed = api_client.get("/api/v1/recommendations/", {"status": "in_progress"}).json()["results"]
    assert [row["id"] for row in listed] == [backdated[0].pk]


def test_a_late_entry_dated_after_everything_changes_the_status(backdated):
    recommendation, _updates = backdated
    staff = UserFactory(role="ngo_staff")
    today = timezone.localdate()
    progress_record(recommendation_id=recommendation.pk, status="implemented", occurred_on=today, user=staff)
    assert Recommendation.objects.get(pk=recommendation.pk).status == "implemented"
    progress_record(
        recommendation_id=recommendation.pk, status="not_started", occurred_on=OCT_1, note="Sənəd tapıldı.", user=staff
    )
    assert Recommendation.objects.get(pk=recommendation.pk).status == "implemented"  # an old fact changes nothing now


def test_a_backdated_entry_that_changes_nothing_current_leaves_no_history_row(db, client_for):
    """Issue 27: the history held `"before": "2025-06-14T20:00:00+00:00"`, `"after":
    "2025-06-15T00:00:00+04:00"` — the same moment in two zones, listed as a change."""
    staff = UserFactory(role="ngo_staff")
    recommendation = RecommendationFactory(source=SourceFactory(report_year=2025), year_start=2024, year_end=2025)
    staff_client = client_for("ngo_staff")
    url = f"/api/v1/recommendations/{recommendation.pk}/progress/"
    progress_record(
        recommendation_id=recommendation.pk, status="in_progress", occurred_on=datetime.date(2025, 6, 15), user=staff
    )
    history_url = f"/api/v1/recommendations/{recommendation.pk}/history/"
    before = client_for("analyst").get(history_url).json()["results"]
    # Late, about an earlier day: the current status and its "since" stay as they were.
    response = staff_client.post(url, {"status": "not_started", "occurred_on": "2025-06-01"}, format="json")
    assert response.status_code == 201
    after = client_for("analyst").get(history_url).json()["results"]
    assert after == before
    moments = [
        value
        for record in after
        for side in (record["before"] or {}, record["after"] or {})
        for key, value in side.items()
        if key.endswith("_at") and value is not None  # `withdrawn_at` is empty until a withdrawal
    ]
    assert moments and all(value.endswith("+04:00") for value in moments)  # TIME_ZONE, Asia/Baku
    assert "2025-06-15T00:00:00+04:00" in moments


def test_history_written_before_one_zone_shows_in_that_zone_without_empty_changes(db, client_for):
    recommendation = RecommendationFactory()
    change_record_create(
        obj=recommendation,
        action=ChangeRecord.Action.UPDATE,
        user=None,
        before={"status": "not_assessed", "status_changed_at": "2025-06-14T20:00:00+00:00"},
        after={"status": "in_progress", "status_changed_at": "2025-06-15T00:00:00+04:00"},
    )
    history = client_for("analyst").get(f"/api/v1/recommendations/{recommendation.pk}/history/").json()["results"]
    assert history[-1]["before"] == {"status": "not_assessed"}
    assert history[-1]["after"] == {"status": "in_progress"}
