"""Every kind of page works under the site's Content-Security-Policy: opened in Chromium, none
logs a policy violation (the browser reports each as a `securitypolicyviolation` event and a
console message). Also: the header is on every response, with Permissions-Policy."""

import pytest
from django.test import Client

from tests.browser import ARTIFACTS, CHROMIUM, chromium, new_page
from tests.factories import PASSWORD as ADMIN_PASSWORD

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI} at ${where}`);
});
"""


@pytest.mark.parametrize(
    "path",
    ["/", "/login/", "/admin/login/", "/api/docs/", "/api/v1/recommendations/", "/no-such-page/", "/api/schema/"],
)
def test_every_response_carries_the_policies(db, path):
    response = Client().get(path, HTTP_ACCEPT="text/html")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]


@pytest.fixture
def site(transactional_db):
    from tests.factories import UserFactory

    from .reports import build_reports

    reports = build_reports()
    UserFactory(username="yonetici", role="admin")
    return reports


@pytest.fixture
def browser_page(site, site_server, monkeypatch):
    with chromium(monkeypatch) as browser:
        page = new_page(browser, timeout_ms=20_000, init_script=RECORD_VIOLATIONS)
        console: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        yield page, console


def violations(page, console) -> list[str]:
    reported = page.evaluate("window.__cspViolations")
    logged = [line for line in console if "Content Security Policy" in line or "Permissions-Policy" in line]
    return reported + logged


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_page_logs_a_csp_violation(browser_page, site_server, site):
    page, console = browser_page
    recommendation = site.dol_2015.recommendations.order_by("id").first()
    seen = {}

    def visit(name: str, path: str, ready: str | None = None):
        page.goto(site_server + path)
        if ready:
            page.locator(ready).first.wait_for()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / f"csp-{name}.png"), full_page=True)
        seen[name] = violations(page, console)
        console.clear()

    visit("dashboard", "/", "#recommendation-table")
    visit("recommendation", f"/recommendations/{recommendation.pk}/", "main h1")
    visit("not-found", "/no-such-page/", "main h1")
    visit("swagger-ui", "/api/docs/", ".opblock")
    page.locator(".opblock-summary").first.click()  # Swagger UI's own scripts and styles at work
    page.locator(".opblock-body").first.wait_for()
    seen["swagger-ui, operation open"] = violations(page, console)
    visit("browsable-api", "/api/v1/recommendations/", ".response-info")
    visit("admin-login", "/admin/login/", "#login-form")
    page.fill("#id_username", "yonetici")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.locator("#content").wait_for()
    visit("admin-index", "/admin/", "#content")
    visit("admin-list", "/admin/recommendations/recommendation/", "#result_list")
    visit("admin-change", f"/admin/recommendations/recommendation/{recommendation.pk}/change/", "#recommendation_form")
    page.locator(".select2-selection").first.click()  # the autocomplete widget (select2) opens
    page.locator(".select2-results").first.wait_for()
    seen["admin-change, autocomplete open"] = violations(page, console)
    visit("admin-import", "/admin/recommendations/source/import/", "#content")
    visit("browsable-api-signed-in", f"/api/v1/recommendations/{recommendation.pk}/", ".response-info")

    assert {name: found for name, found in seen.items() if found} == {}
    assert len(seen) == 13
