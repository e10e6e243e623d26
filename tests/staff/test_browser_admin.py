"""The admin's recommendation list at 1366 px (a common office laptop): every column, the
action text included, on screen; and the admin in Azerbaijani. Screenshots in test-artifacts/."""

from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page
from tests.factories import PASSWORD

pytestmark = BROWSER_MARKS

LONG_ACTION = (
    "Uşaq əməyinin ən pis formalarının qadağan edilməsi üçün əmək müfəttişliyinə qəfil yoxlamalar aparmaq, "
    "cərimələr tətbiq etmək və nəticələri ictimaiyyətə açıqlamaq səlahiyyəti verin; müfəttişlərin sayını "
    "Beynəlxalq Əmək Təşkilatının tövsiyə etdiyi səviyyəyə çatdırın."
)


def test_admin_recommendation_list_fits_1366_pixels(site_server, monkeypatch):
    from tests.factories import RecommendationFactory, UserFactory

    UserFactory(username="rehber", role="admin")
    for _ in range(5):
        RecommendationFactory(action=LONG_ACTION, area="enforcement")
    with chromium(monkeypatch) as browser:
        page = new_page(browser, width=1366, height=768)
        page.goto(f"{site_server}/admin/login/?next=/admin/recommendations/recommendation/")
        page.locator("#id_username").fill("rehber")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("input[type=submit]").click()
        page.wait_for_url("**/admin/recommendations/recommendation/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        for cell in ("td.field-short_action", "td.field-status", "td.field-due_on"):
            box = page.locator(cell).first.bounding_box()
            assert box["x"] + box["width"] <= 1366, cell
        assert "Tətbiqat" in page.locator("td.field-area").first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "admin-recommendations-1366-az.png"), full_page=True)
