"""An admin's pages in Chromium at 1366 and 390 px, in Azerbaijani and English (issue 32): a
recommendation's change page (status with its day and evidence, links to the site and to its
evidence), the user list and a user's page, and the recommendation list with its bulk actions.
Screenshots in test-artifacts/; at 1366 px nothing is cut off at the right."""

import pytest

from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page
from tests.factories import PASSWORD

pytestmark = BROWSER_MARKS

SIZES = [(1366, "az-AZ"), (1366, "en-US"), (390, "az-AZ"), (390, "en-US")]


@pytest.mark.parametrize(("width", "locale"), SIZES)
def test_admin_pages_at_office_and_phone_widths(site_server, monkeypatch, width, locale):
    from recommendations.progress.services import progress_record
    from recommendations.withdrawal.services import recommendation_withdraw
    from tests.factories import RecommendationFactory, ResponsibleBodyFactory, UserFactory

    admin = UserFactory(username="rehber", role="admin")
    staff = UserFactory(username="leyla", role="ngo_staff", email="leyla@example.org")
    body = ResponsibleBodyFactory(name="Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi", abbreviation="ƏƏSMN")
    recommendation = RecommendationFactory(
        action="Uşaq əməyinin ən pis formaları üzrə əmək müfəttişlərinin treninqini təmin edin.",
        responsible_bodies=[body],
    )
    withdrawn = RecommendationFactory(source=recommendation.source)
    recommendation_withdraw(recommendation_id=withdrawn.pk, reason="Səhv idxal: başqa ölkənin sətri", user=admin)
    progress_record(recommendation_id=recommendation.pk, status="in_progress", note="Görüş keçirildi.", user=admin)
    pages = {
        "recommendation": f"/admin/recommendations/recommendation/{recommendation.pk}/change/",
        "recommendations": "/admin/recommendations/recommendation/",
        "users": "/admin/auth/user/",
        "user": f"/admin/auth/user/{staff.pk}/change/",
        "recommendation-withdrawn": f"/admin/recommendations/recommendation/{withdrawn.pk}/change/",
    }
    language = locale[:2]
    with chromium(monkeypatch) as browser:
        page = new_page(browser, width=width, height=900, locale=locale)
        page.goto(f"{site_server}/admin/login/?next=/admin/")
        page.locator("#id_username").fill("rehber")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("input[type=submit]").click()
        page.wait_for_url("**/admin/")
        for name, path in pages.items():
            page.goto(f"{site_server}{path}")
            page.screenshot(path=str(ARTIFACTS / f"admin-{name}-{width}-{language}.png"), full_page=True)
            if width == 1366:
                overflow = page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width, (name, overflow)
                # The list's table fits its box: no column hidden behind a sideways scroll.
                results = page.locator("div.results")
                if results.count():
                    assert results.evaluate("box => box.scrollWidth <= box.clientWidth"), name
        page.goto(f"{site_server}{pages['recommendation']}")
        # The chosen ministry's long name is whole inside its box, not under the clear button.
        choice = page.locator(".select2-selection__choice").first
        box, frame = choice.bounding_box(), page.locator(".select2-selection--multiple").first.bounding_box()
        assert box and frame and box["x"] + box["width"] <= frame["x"] + frame["width"], (box, frame)
        assert choice.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
        # On a phone the progress entries' table fits the screen: its last column (who) is on it.
        author = page.locator(".inline-group .tabular td").filter(has_text="rehber").first
        author_box = author.bounding_box()
        assert author_box and author_box["x"] + author_box["width"] <= width, author_box
        page.goto(f"{site_server}{pages['recommendation-withdrawn']}")
        assert "Səhv idxal: başqa ölkənin sətri" in page.locator("strong.withdrawn").inner_text()
        page.goto(f"{site_server}{pages['recommendation']}")
        assert page.locator("#id_status_on").is_visible()
        assert page.locator("a.viewsitelink").count() == 1
