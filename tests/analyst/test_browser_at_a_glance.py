"""The pages people look at, in Chromium at 1280 and 390 px (issue 24 §2): axe finds no
violation in any state the test opens — the dashboard folded, unfolded and filtered, a
recommendation page for a visitor, an analyst and NGO staff (its progress form), the
list with staff's selection boxes, a report's page and a country's page —
and nothing is wider than the screen. Screenshots in test-artifacts/ (glance-*.png)."""

import pytest

from tests.axe import assert_no_axe_violations
from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page
from tests.factories import PASSWORD

from .reports import build_reports

pytestmark = BROWSER_MARKS


def log_in(page, site_server: str, username: str, recommendation_id: int) -> None:
    """Sign in through the site's form, landing on the recommendation's page."""
    page.goto(f"{site_server}/login/?next=/recommendations/{recommendation_id}/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(f"**/recommendations/{recommendation_id}/")


@pytest.mark.parametrize(("width", "locale"), [(1280, "en-US"), (390, "az-AZ")])
def test_every_page_state_has_no_axe_violation(transactional_db, site_server, monkeypatch, width, locale):
    from tests.factories import UserFactory

    reports = build_reports()
    UserFactory(username="analitik", role="analyst")
    UserFactory(username="isci", role="ngo_staff")
    recommendation = reports["victim_identification"]
    language = locale[:2]

    def check(page, state: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"glance-{state}-{width}-{language}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, state
        assert_no_axe_violations(page, state)

    with chromium(monkeypatch) as browser:
        page = new_page(browser, width=width, locale=locale, bypass_csp=True)
        page.goto(f"{site_server}/")
        check(page, "dashboard")
        page.locator("details.filter-panel > summary").click()
        check(page, "dashboard-filters-open")
        page.goto(f"{site_server}/?source=tip-2022-az&status=in_progress,not_started&interval=quarter")
        assert page.locator(".chip").count() == 2
        check(page, "dashboard-filtered")
        page.locator('.chip[data-filter="status"] a').click()
        page.wait_for_url(
            lambda url: "status=" not in url and "source=tip-2022-az" in url and "interval=quarter" in url
        )
        page.goto(f"{site_server}/?year=abc")
        check(page, "dashboard-refused")
        page.goto(f"{site_server}/recommendations/{recommendation.pk}/")
        check(page, "recommendation")
        page.goto(f"{site_server}/sources/{reports.tip_2022.slug}/")
        check(page, "source")
        page.goto(f"{site_server}/countries/AZ/")
        check(page, "country")
        log_in(page, site_server, "analitik", recommendation.pk)
        check(page, "recommendation-analyst")
        # NGO staff: the list with its selection boxes, the page with the progress form.
        staff = new_page(browser, width=width, locale=locale, bypass_csp=True)
        log_in(staff, site_server, "isci", recommendation.pk)
        check(staff, "recommendation-staff")
        staff.goto(f"{site_server}/")
        check(staff, "dashboard-staff")
