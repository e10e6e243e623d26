"""Suggested tags in Debian's Chromium: a staff member accepts one and rejects another on the
recommendation's page; the accepted one becomes a tag linking to the filtered list, the
rejected one is gone, both decisions are on the history page. Screenshots in test-artifacts/."""

import pytest

from recommendations.tags.models import TagSuggestion
from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page
from tests.jobs import run_jobs
from tests.staff.test_browser_staff import sign_in
from tests.test_tag_suggestion_review import tagged  # noqa: F401  (the fixture)

pytestmark = BROWSER_MARKS


@pytest.fixture
def staff(transactional_db):
    from tests.factories import UserFactory

    return UserFactory(username="nigar", role="ngo_staff")


def test_staff_accept_one_suggestion_and_reject_another(tagged, staff, site_server, monkeypatch):  # noqa: F811
    run_jobs()
    recommendation = tagged["english"]
    suggested = {
        (suggestion.tag.vocabulary, suggestion.tag.code): suggestion
        for suggestion in TagSuggestion.objects.filter(recommendation=recommendation).select_related("tag")
    }
    assert {("sdg", "16"), ("theme", "trafficking")} <= set(suggested)
    page_path = f"/recommendations/{recommendation.pk}/"
    with chromium(monkeypatch) as browser:
        page = new_page(browser, locale="en-GB")
        sign_in(page, site_server, "nigar", page_path)
        section = page.locator("#suggested-tags")
        section.locator("li", has_text="Peace").get_by_role("button", name="Accept").click()
        page.wait_for_url(f"**{page_path}#suggested-tags")
        assert "was added" in page.locator(".messages").inner_text()
        # Now a tag of the recommendation, linking to the list filtered by it.
        assert page.locator("dd.tags a", has_text="Peace").first.get_attribute("href").endswith("sdg=16")
        section.locator("li", has_text="Trafficking").get_by_role("button", name="Reject").click()
        page.wait_for_url(f"**{page_path}#suggested-tags")
        assert "rejected" in page.locator(".messages").inner_text()
        assert section.locator("li", has_text="Trafficking").count() == 0
        page.screenshot(path=str(ARTIFACTS / "tag-suggestions-decided.png"), full_page=True)

        page.goto(f"{site_server}{page_path}history/")
        history = page.locator("main").inner_text()
        assert "Accepted" in history and "Rejected" in history and "suggested with score" in history
    states = {key: TagSuggestion.objects.get(pk=suggested[key].pk).state for key in suggested}
    assert states[("sdg", "16")] == "accepted" and states[("theme", "trafficking")] == "rejected"
