"""The admin tells a recommendation's progress the way its page does: after an entry recorded
later about an earlier day, the "before" of the entry after it is the late entry's status."""

import datetime
import re

from django.test import Client

from recommendations.progress.services import progress_record
from tests.factories import RecommendationFactory


def test_the_admin_inline_shows_the_before_the_timeline_tells(db, users):
    recommendation = RecommendationFactory()
    staff = users["ngo_staff"]
    progress_record(
        recommendation_id=recommendation.pk, status="in_progress", occurred_on=datetime.date(2023, 3, 1), user=staff
    )
    progress_record(
        recommendation_id=recommendation.pk, status="not_started", occurred_on=datetime.date(2023, 1, 1), user=staff
    )
    client = Client()
    client.force_login(users["admin"])
    html = client.get(
        f"/admin/recommendations/recommendation/{recommendation.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    cells = re.findall(r'<td class="field-status_before_in_timeline">\s*<p>(.*?)</p>', html, re.S)
    # Inline rows in recording order: the March entry (before it: not started, recorded later),
    # then the January one (before it: not assessed).
    assert cells == ["Not started", "Not assessed"], cells
    page = Client().get(f"/recommendations/{recommendation.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not started" in page


def test_a_status_never_assessed_claims_no_since_date(db, users):
    """Without progress the page would say "not assessed since" the day the report was loaded."""
    untouched = RecommendationFactory()
    page = Client().get(f"/recommendations/{untouched.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="since"' not in page
    progress_record(
        recommendation_id=untouched.pk, status="in_progress", occurred_on=datetime.date(2023, 3, 1), user=users["admin"]
    )
    page = Client().get(f"/recommendations/{untouched.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'class="since">since Mar(ch|\.) 1, 2023<', page)


def test_the_history_shows_a_day_as_a_day_and_no_change_that_changed_nothing(db, users):
    recommendation = RecommendationFactory()
    staff = users["ngo_staff"]
    progress_record(
        recommendation_id=recommendation.pk, status="in_progress", occurred_on=datetime.date(2024, 3, 15), user=staff
    )
    # Recorded later about an earlier day: the current status and since when stay as they were.
    progress_record(
        recommendation_id=recommendation.pk, status="not_started", occurred_on=datetime.date(2023, 1, 1), user=staff
    )
    client = Client()
    client.force_login(users["analyst"])
    html = client.get(f"/recommendations/{recommendation.pk}/history/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "March 15, 2024" in html or "Mar. 15, 2024" in html
    assert "0:00" not in html and "midnight" not in html
    rows = re.findall(r'<td class="before">(.*?)</td><td class="after">(.*?)</td>', html, re.S)
    assert rows, "the history lists changes"
    assert not [(before, after) for before, after in rows if before == after]
