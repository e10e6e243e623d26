"""The admin's import preview, as an admin sees it in Chromium at 1366 and 390 px in both
languages: each update before → after and the hand correction it would undo, readable without
scrolling sideways. Screenshots in test-artifacts/."""

from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page
from tests.factories import PASSWORD
from tests.jobs import run_jobs

pytestmark = BROWSER_MARKS

ROOT = Path(__file__).resolve().parent.parent.parent
AZ_SEED = ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.az.txt"


@pytest.mark.parametrize(("width", "locale"), [(1366, "az-AZ"), (1366, "en-US"), (390, "az-AZ"), (390, "en-US")])
def test_the_import_preview_shows_changes_and_corrections_within_the_page(
    site_server, monkeypatch, tmp_path, width, locale
):
    from recommendations.catalog.services import recommendation_update
    from recommendations.importing.services import report_import
    from recommendations.models import Recommendation
    from tests.factories import UserFactory

    admin = UserFactory(username="rehber", role="admin")
    report_import(data=AZ_SEED.read_bytes(), kind="dol", country="AZ", report_year=2015, language="az")
    corrected = Recommendation.objects.get(position=2)
    recommendation_update(
        recommendation_id=corrected.pk,
        data={"action": "Əmək müfəttişlərinin uşaq əməyi qanunlarının tətbiqi üzrə treninqini təmin edin."},
        user=admin,
    )
    revised = tmp_path / "dol-2015-az.txt"
    text = AZ_SEED.read_text(encoding="utf-8")
    revised.write_text(
        text.replace("yetərli treninq", "kifayət qədər treninq").replace("əhaliyə açıq", "ictimaiyyətə açıq")
    )

    with chromium(monkeypatch) as browser:
        page = new_page(browser, width=width, height=900, locale=locale)
        page.goto(f"{site_server}/admin/login/?next=/admin/recommendations/source/import/")
        page.locator("#id_username").fill("rehber")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("input[type=submit]").click()
        page.wait_for_url("**/admin/recommendations/source/import/")
        page.locator("#id_report_year").fill("2015")
        page.locator("#id_document").set_input_files(str(revised))
        page.locator("input[name=preview]").click()
        # The preview is a background job: the upload answers with the job's page at once,
        # the worker reads the document, and the page (refreshing itself) then shows it.
        page.wait_for_load_state()
        run_jobs()
        page.reload()
        page.wait_for_selector("#import-corrections")

        page.screenshot(path=str(ARTIFACTS / f"admin-import-preview-{width}-{locale[:2]}.png"), full_page=True)
        for selector in ("#import-corrections", "dl.import-changes", "ul.import-corrections"):
            box = page.locator(selector).first.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width == 1366:
            # The number, years and place are each on one line ("10", not "1" over "0"); the area
            # breaks only between words ("Enforcement", not "Enforce" over "ment").
            lines = page.evaluate(
                """[...document.querySelectorAll('#import-preview tbody tr')].flatMap(row =>
                    [0, 1, 2, 4].map(index => {
                        const range = document.createRange();
                        range.selectNodeContents(row.cells[index]);
                        return [row.cells[index].textContent.trim(), range.getClientRects().length];
                    }))"""
            )
            broken = [(text, count) for text, count in lines if count > len(text.split())]
            assert not broken, broken
