"""The admin's change records on a 390 px phone (issue 24 §3): what changed is on the first
screen, not the last of seven columns scrolled off to the right."""

from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page
from tests.factories import PASSWORD

pytestmark = BROWSER_MARKS


def test_a_change_record_shows_what_changed_on_a_phone(site_server, monkeypatch):
    from recommendations.progress.services import progress_record
    from tests.factories import RecommendationFactory, UserFactory

    admin = UserFactory(username="rehber", role="admin")
    recommendation = RecommendationFactory()
    progress_record(recommendation_id=recommendation.pk, status="in_progress", note="Görüş keçirildi.", user=admin)
    with chromium(monkeypatch) as browser:
        page = new_page(browser, width=390, height=800, locale="az-AZ")
        page.goto(f"{site_server}/admin/login/?next=/admin/")
        page.locator("#id_username").fill("rehber")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("input[type=submit]").click()
        page.wait_for_url("**/admin/")
        page.goto(f"{site_server}/admin/recommendations/changerecord/")
        page.screenshot(path=str(ARTIFACTS / "admin-change-records-390-az.png"), full_page=True)
        cell = page.locator("#result_list tbody tr td.field-changes_summary").first
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box  # wholly on the screen
        assert "İcra olunur" in cell.inner_text()
