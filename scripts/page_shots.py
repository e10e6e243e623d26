"""Screenshots of the pages people look at — the dashboard, a recommendation, a report and a
country — at 1280 and 390 px in both languages, into test-artifacts/, with the seeds loaded
(scripts/page_server.py). Debian's Chromium through Playwright; nothing is downloaded.

    python scripts/page_shots.py [--prefix after] [--port 8103] [--pages dashboard,source]
"""

import argparse
import sys
from pathlib import Path

from page_server import seeded_server
from playwright.sync_api import sync_playwright

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
WIDTHS = (1280, 390)
LOCALES = {"az": "az-AZ", "en": "en-US"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", default="page", help="file names start with it (before, after)")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--pages", default="dashboard,recommendation,source,country")
    args = parser.parse_args()
    wanted = args.pages.split(",")
    ARTIFACTS.mkdir(exist_ok=True)
    with seeded_server(port=args.port) as (server, paths), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        try:
            for language, locale in LOCALES.items():
                for width in WIDTHS:
                    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
                    page = context.new_page()
                    page.goto(f"{server.url}/")
                    page.locator(f"button[name=language][value={language}]").click()
                    page.wait_for_load_state()
                    for name in wanted:
                        response = page.goto(f"{server.url}{paths[name]}")
                        target = ARTIFACTS / f"{args.prefix}-{name}-{width}-{language}.png"
                        page.screenshot(path=str(target), full_page=True)
                        # The first screen alone: what a visitor sees before scrolling.
                        page.screenshot(path=str(target.with_name(target.stem + "-top.png")))
                        height = page.evaluate("document.documentElement.scrollHeight")
                        print(f"{target.name}: HTTP {response.status if response else '?'}, {height} px tall")
                    context.close()
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
