"""Debian's Chromium, driven by Playwright, for the end-to-end tests.

Browser tests are skipped, with the reason, only when /usr/bin/chromium is not installed
(`.ci/run` installs it). Screenshots and PDFs go to test-artifacts/ at the project root.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

# Live-server tests commit; serialized_rollback restores the migrations' role groups after them.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@contextmanager
def chromium(monkeypatch) -> Iterator:
    """A launched headless Chromium, closed afterwards."""
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the data is created before it
    # starts and the live server answers from its own thread. Only for this test: the variable
    # must not leak into later tests (a deploy check refuses it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, *, width=1280, height=900, locale="az-AZ", timeout_ms=15_000, init_script=None, bypass_csp=False):
    """A page in a context of its own (its own cookies): one visitor. `bypass_csp` lets a test
    add a script of its own (axe, tests/axe.py); the page's policy is checked elsewhere."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale, bypass_csp=bypass_csp)
    context.set_default_timeout(timeout_ms)
    if init_script:
        context.add_init_script(init_script)
    return context.new_page()
