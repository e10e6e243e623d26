"""Swagger UI (/api/docs/) in Chromium: axe finds no violation (issue 24 §3: a select without
a name, 24 contrast, 20 nested-interactive, no `lang` on the page), with the operations
listed and one of them opened."""

import pytest

from tests.axe import assert_no_axe_violations
from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page

pytestmark = BROWSER_MARKS


@pytest.mark.parametrize(("width", "locale"), [(1280, "en-US"), (390, "az-AZ")])
def test_swagger_ui_has_no_axe_violation(site_server, monkeypatch, width, locale):
    with chromium(monkeypatch) as browser:
        page = new_page(browser, width=width, locale=locale, bypass_csp=True, timeout_ms=30_000)
        page.goto(f"{site_server}/api/docs/")
        page.wait_for_selector(".opblock-summary-control")
        assert page.locator("html").get_attribute("lang") == locale[:2]
        assert_no_axe_violations(page, "Swagger UI")
        page.screenshot(path=str(ARTIFACTS / f"swagger-ui-{width}.png"))
        # Opening an operation still works: its summary is one button, its path plain text.
        page.locator(".opblock-summary-control").first.click()
        page.wait_for_selector(".opblock-body")
        assert page.locator(".opblock-summary-control a").count() == 0
