"""End to end in a real headless Chromium (Debian's package, driven by Playwright).

Skipped, with the reason, only when /usr/bin/chromium is not installed. Screenshots go to
test-artifacts/ at the project root.
"""

import itertools
import re

import pytest

from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page
from tests.factories import PASSWORD

from .reports import SECRET_NOTE, build_reports

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser_data(transactional_db):
    from tests.factories import UserFactory

    reports = build_reports()
    UserFactory(username="analitik", role="analyst")
    return reports


@pytest.fixture
def page(browser_data, site_server, monkeypatch):
    with chromium(monkeypatch) as browser:
        yield new_page(browser)


def chart_totals(page, chart_id: str) -> dict[str, int]:
    bars = page.locator(f"#{chart_id} g.bar")
    return {
        bars.nth(i).get_attribute("data-key"): int(bars.nth(i).get_attribute("data-total")) for i in range(bars.count())
    }


def open_filters(page) -> None:
    """Unfold the dashboard's filters, as a person clicks on them."""
    if page.locator("details.filter-panel").get_attribute("open") is None:
        page.locator("details.filter-panel > summary").click()


def table_ids(page) -> list[int]:
    rows = page.locator("#recommendation-table tbody tr")
    return [int(rows.nth(i).get_attribute("data-id")) for i in range(rows.count())]


def test_dashboard_filter_detail_and_language_switch(page, site_server, browser_data):
    reports = browser_data
    page.goto(site_server + "/")
    assert page.locator("html").get_attribute("lang") == "az"
    assert page.get_by_role("heading", level=1).inner_text() == "Tövsiyələr həyata keçirilirmi?"
    before_areas = chart_totals(page, "chart-area")
    before_rows = table_ids(page)
    assert len(before_rows) == 11
    assert before_areas["enforcement"] == 2
    # The progress-over-time chart's date labels, the last one too, are inside the chart.
    chart = page.locator("#chart-timeline svg").bounding_box()
    labels = page.locator("#chart-timeline text.date-label")
    assert labels.count() >= 2
    for index in range(labels.count()):
        box = labels.nth(index).bounding_box()
        assert chart["x"] <= box["x"] and box["x"] + box["width"] <= chart["x"] + chart["width"] + 0.5, index
    page.screenshot(path=str(ARTIFACTS / "dashboard-az.png"), full_page=True)

    # The date labels do not run into each other either ("2025 2026" did).
    boxes = [labels.nth(index).bounding_box() for index in range(labels.count())]
    for left, right in itertools.pairwise(boxes):
        assert left["x"] + left["width"] < right["x"], (left, right)
    # The numbers first: the filters are folded, one click away.
    assert not page.get_by_label("Mənbə").is_visible()
    assert page.locator("#summary-heading").bounding_box()["y"] < 400

    # Filter by the TIP 2022 report through the form, as a person would.
    open_filters(page)
    page.get_by_label("Mənbə").select_option("tip-2022-az")
    page.get_by_role("button", name="Tətbiq et").click()
    page.wait_for_url(re.compile(r"source=tip-2022-az"))
    assert chart_totals(page, "chart-area") == {"prosecution": 1, "protection": 1, "prevention": 1}
    assert chart_totals(page, "chart-year") == {"2022": 3}
    assert len(table_ids(page)) == 3
    assert page.locator("#chart-area-table tbody tr").count() == 3
    assert "source=tip-2022-az" in page.get_by_role("link", name="CSV").get_attribute("href")
    # The active filter is a chip; following it drops the filter.
    chip = page.locator('.chip[data-filter="source"] a')
    assert "2022" in chip.inner_text()
    page.screenshot(path=str(ARTIFACTS / "dashboard-filtered-az.png"), full_page=True)

    # A bad value typed into the address is shown as a form error, not a server error.
    response = page.goto(site_server + "/?year=abc")
    assert response.status == 400
    assert page.locator("#year-errors").is_visible()

    # The recommendation page: anonymous readers get the timeline without notes.
    victims = reports["victim_identification"]
    page.goto(site_server + "/")
    page.locator(f'#recommendation-table tr[data-id="{victims.pk}"] .cell-action a').click()
    page.wait_for_url(f"**/recommendations/{victims.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Tövsiyə {victims.pk}"
    assert page.get_by_role("heading", name="Statusun xronologiyası").is_visible()
    assert SECRET_NOTE not in page.content()
    page.screenshot(path=str(ARTIFACTS / "recommendation-anonymous-az.png"), full_page=True)

    # Switch to English on that page.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Status timeline").is_visible()
    assert page.url.endswith(f"/recommendations/{victims.pk}/")
    page.screenshot(path=str(ARTIFACTS / "recommendation-anonymous-en.png"), full_page=True)

    # An analyst who logs in sees the notes and the evidence.
    page.get_by_role("navigation").get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("analitik")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/recommendations/{victims.pk}/")
    assert page.get_by_text(SECRET_NOTE).is_visible()
    assert page.get_by_role("heading", name="Evidence").is_visible()
    page.screenshot(path=str(ARTIFACTS / "recommendation-analyst-en.png"), full_page=True)

    page.get_by_role("button", name="Azərbaycanca").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "az"
    assert page.get_by_role("heading", name="Sübutlar").is_visible()


@pytest.mark.parametrize("width", [375, 390])
def test_dashboard_on_a_phone_sized_screen(page, site_server, browser_data, width):
    from tests.factories import RecommendationFactory

    # A full page of 25 rows, with actions as long as the reports' own.
    for position in range(100, 114):
        RecommendationFactory(
            source=browser_data.dol_2015,
            position=position,
            area="enforcement",
            action="Əmək müfəttişliyinin səlahiyyətlərini genişləndirin, o cümlədən qeyri-rəsmi sektorda "
            "və kənd təsərrüfatında xəbərdarlıq etmədən yoxlamalar aparmaq səlahiyyətini təmin edin.",
        )
    page.set_viewport_size({"width": width, "height": 740})
    page.goto(site_server + "/")

    # Nothing forces the page wider than the screen; wide tables scroll inside their box.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    open_filters(page)
    assert page.get_by_role("group", name="Status", exact=True).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("details.filter-panel > summary").click()  # folded again, as the page opens
    assert page.locator("#chart-area svg").bounding_box()["width"] <= width
    # Every row of the list shows its status on the screen, without scrolling sideways.
    rows = page.locator("#recommendation-table tbody tr")
    assert rows.count() == 25
    for index in range(rows.count()):
        badge = rows.nth(index).locator(".badge")
        badge.scroll_into_view_if_needed()
        assert badge.is_visible()
        box = badge.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, index
    # The charts' tables are collapsed until asked for; the page is a few screens, not 8,000 px.
    assert not page.locator("#chart-area-table").is_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 8000, height
    page.screenshot(path=str(ARTIFACTS / f"dashboard-phone-{width}-az.png"), full_page=True)
    page.locator("#recommendation-table tbody tr").nth(0).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"dashboard-phone-{width}-list-az.png"))


def test_long_words_links_and_hashes_wrap_on_a_phone(page, site_server, browser_data):
    """A pasted link, a note without spaces and a document hash wrap inside the screen."""
    from recommendations.models import Recommendation, Source
    from recommendations.progress.services import progress_record
    from tests.factories import UserFactory

    recommendation = Recommendation.objects.filter(source=browser_data.dol_2015).earliest("position")
    staff = UserFactory(role="ngo_staff")
    long_link = "https://e-qanun.az/framework/" + "qərar-" * 40 + "54321"
    progress_record(
        recommendation_id=recommendation.pk,
        status="in_progress",
        note="Müfəttişlik" * 60 + " " + long_link,
        user=staff,
    )
    Source.objects.filter(pk=browser_data.tip_2022.pk).update(document_sha256="a" * 64)

    page.set_viewport_size({"width": 390, "height": 740})
    page.goto(f"{site_server}/login/?next=/recommendations/{recommendation.pk}/")
    page.locator("#id_username").fill("analitik")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(f"**/recommendations/{recommendation.pk}/")
    assert page.get_by_text(long_link).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "recommendation-long-note-phone-az.png"), full_page=True)
    page.goto(f"{site_server}/sources/{browser_data.tip_2022.slug}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_dashboard_keeps_multi_value_filters_through_apply(page, site_server, browser_data):
    reports = browser_data
    page.goto(site_server + "/?status=in_progress,not_started&area=enforcement,protection")
    assert page.locator(".chip").count() == 2  # status and area, shown while the form is folded
    open_filters(page)
    status = page.get_by_role("group", name="Status", exact=True)
    assert status.get_by_label("İcra olunur", exact=True).is_checked()
    assert status.get_by_label("Başlanmayıb", exact=True).is_checked()
    assert not status.get_by_label("Həyata keçirilib", exact=True).is_checked()
    expected = {reports[key].pk for key in ("inspector_funding", "inspection_data", "victim_identification_2021")}
    expected |= {reports[key].pk for key in ("victim_identification",)}
    assert set(table_ids(page)) == expected

    # Apply keeps both statuses and both areas; adding text narrows the list.
    open_filters(page)
    page.get_by_label("Tədbirin mətnində").fill("müfəttiş")
    page.get_by_role("button", name="Tətbiq et").click()
    page.wait_for_url(re.compile(r"q="))
    query = page.url.split("?", 1)[1]
    assert "status=not_started" in query and "status=in_progress" in query
    assert "area=enforcement" in query and "area=protection" in query
    assert set(table_ids(page)) == {reports["inspector_funding"].pk, reports["inspection_data"].pk}
    open_filters(page)
    assert page.get_by_role("group", name="Status", exact=True).get_by_label("İcra olunur", exact=True).is_checked()
    assert page.get_by_label("Tədbirin mətnində").input_value() == "müfəttiş"

    # And once more, unchanged: the selection survives a second Apply.
    open_filters(page)
    page.get_by_role("button", name="Tətbiq et").click()
    page.wait_for_load_state()
    assert set(table_ids(page)) == {reports["inspector_funding"].pk, reports["inspection_data"].pk}
    page.screenshot(path=str(ARTIFACTS / "dashboard-multi-filter-az.png"), full_page=True)


def test_dashboard_and_source_page_print_as_a_report(page, site_server, browser_data):
    page.goto(site_server + "/?as_of=2023-12-31")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("form.filter-form").is_visible()
    # The collapsed numbers are printed too.
    assert page.locator("#chart-area-table").is_visible()
    assert page.locator("#chart-timeline svg").is_visible()
    page.pdf(path=str(ARTIFACTS / "dashboard-print-az.pdf"))
    page.goto(site_server + "/sources/tip-2022-az/")
    assert page.locator("#tier-history").is_visible()
    assert page.locator("#chart-area-table").is_visible()
    page.pdf(path=str(ARTIFACTS / "source-print-az.pdf"))
    page.emulate_media(media="screen")
    page.screenshot(path=str(ARTIFACTS / "source-page-az.png"), full_page=True)
