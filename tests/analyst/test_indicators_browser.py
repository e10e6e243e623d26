"""The per-country indicator page in a real Chromium: the trend charts of issue 19 ("cases
investigated" from the TIP chapter, "Number of Labor Inspections" across the two DOL
chapters), on a desktop and on a 390 px phone."""

from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page

pytestmark = BROWSER_MARKS

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def imported(transactional_db):
    from recommendations.importing.services import report_import

    report_import(
        data=(ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.en.pdf").read_bytes(),
        kind="dol",
        country="AZ",
        report_year=2015,
        language="en",
    )
    report_import(
        data=(ROOT / "tests" / "fixtures" / "dol-2018-azerbaijan.en.pdf").read_bytes(),
        kind="dol",
        country="AZ",
        report_year=2018,
        language="en",
    )
    report_import(
        data=(ROOT / "seeds" / "tip-2022-azerbaijan-trafficking-in-persons.az.txt").read_bytes(),
        kind="tip",
        country="AZ",
        report_year=2022,
    )


@pytest.mark.parametrize(("width", "locale"), [(1280, "en-US"), (390, "az-AZ")])
def test_trend_charts_with_gaps_and_unknowns(imported, site_server, monkeypatch, width, locale):
    with chromium(monkeypatch) as browser:
        page = new_page(browser, width=width, height=900, locale=locale)
        page.goto(site_server + "/indicators/AZ/")

        inspections = page.locator("#indicator-dol_labor_inspections")
        # 2014, 2015 (the 2015 chapter), 2017, 2018 (the 2018 chapter); 2016 is a gap: two runs of line.
        points = inspections.locator("circle.trend-point")
        assert [points.nth(i).get_attribute("data-year") for i in range(points.count())] == [
            "2014",
            "2015",
            "2017",
            "2018",
        ]
        assert inspections.locator("polyline.trend-line").count() == 2
        assert inspections.locator("svg").bounding_box()["width"] <= width
        # The numbers for screen readers, the missing year said in words.
        inspections.locator("summary").first.click()
        assert inspections.locator("tr[data-year='2014'] td").first.inner_text().replace("\u00a0", " ") in (
            "11,345",
            "11 345",
            "11.345",
        )
        assert inspections.locator("tr.gap[data-year='2016']").is_visible()

        cases = page.locator("#indicator-tip_cases_investigated")
        assert cases.locator("circle.trend-point").count() == 2  # 2020: 18, 2021: 15
        # Unknown is shown as unknown, never as a zero on the line.
        investigations = page.locator("#indicator-dol_criminal_investigations")
        assert investigations.locator("text.trend-unknown").count() == 2
        assert investigations.locator("circle.trend-point").count() == 2

        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(ARTIFACTS / f"indicators-{width}.png"), full_page=True)
