"""In Debian's Chromium: English and Azerbaijani pages show the text in their own language
with `lang` on it, text only in the other language is marked as the original, and an evidence
item holding a file and its link shows both. Screenshots go to test-artifacts/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page
from tests.factories import PASSWORD

pytestmark = BROWSER_MARKS

AZ = "Əmək müfəttişlərinin treninqini təmin edin."
EN = "Ensure that labor inspectors are trained."
ONLY_AZ = "İnsan alveri işlərini araşdırın və cinayət məsuliyyətinə cəlb edin."
ORIGIN = "https://e-qanun.az/framework/54321"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def data(transactional_db):
    from recommendations.choices import SourceKind
    from recommendations.evidence.services import evidence_add
    from tests.factories import RecommendationFactory, SourceFactory, UserFactory

    staff = UserFactory(username="aysel", role="ngo_staff")
    UserFactory(username="analitik", role="analyst")
    translated = RecommendationFactory(action=AZ, action_translations={"en": EN})
    tip = SourceFactory(kind=SourceKind.TIP, slug="tip-2022-az", report_year=2022)
    only_az = RecommendationFactory(source=tip, action=ONLY_AZ, area="prosecution", year_start=2022, year_end=2022)
    evidence_add(
        recommendation_id=translated.pk,
        kind="file",
        title="Nazirliyin hesabatı",
        file=SimpleUploadedFile("hesabat.pdf", PDF),
        url=ORIGIN,
        user=staff,
    )
    return {"translated": translated, "only_az": only_az}


@pytest.fixture
def browser(data, site_server, monkeypatch):
    with chromium(monkeypatch) as browser:
        yield browser


def signed_in(browser, server, locale):
    page = new_page(browser, locale=locale)
    page.goto(f"{server}/login/")
    page.locator("#id_username").fill("analitik")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_load_state()
    return page


def test_pages_show_their_own_language_and_mark_the_other(browser, site_server, data):
    english = signed_in(browser, site_server, "en-US")
    for path in (f"/recommendations/{data['translated'].pk}/", f"/recommendations/{data['translated'].pk}/history/"):
        english.goto(site_server + path)
        assert english.locator("html").get_attribute("lang") == "en"
        action = english.locator("blockquote.action")
        assert action.inner_text().strip().startswith(EN)
        assert english.locator('blockquote.action [lang="en"], blockquote.action[lang="en"]').count() >= 1
    english.goto(f"{site_server}/recommendations/{data['only_az'].pk}/history/")
    marked = english.locator('blockquote.action [lang="az"]')
    assert marked.inner_text() == ONLY_AZ
    assert "(Azerbaijani original)" in english.locator("blockquote.action").inner_text()
    english.goto(f"{site_server}/")
    assert english.get_by_text(EN).count() == 1 and english.get_by_text(AZ).count() == 0
    english.screenshot(path=str(ARTIFACTS / "languages-en-dashboard.png"), full_page=True)

    azerbaijani = signed_in(browser, site_server, "az-AZ")
    azerbaijani.goto(f"{site_server}/recommendations/{data['translated'].pk}/history/")
    assert azerbaijani.locator("html").get_attribute("lang") == "az"
    assert azerbaijani.locator('blockquote.action [lang="az"]').inner_text() == AZ
    azerbaijani.goto(f"{site_server}/recommendations/{data['only_az'].pk}/")
    assert azerbaijani.locator('blockquote.action[lang="az"]').inner_text().strip() == ONLY_AZ
    assert azerbaijani.locator(".original-language").count() == 0


def test_evidence_with_a_file_and_its_link_shows_both(browser, site_server, data):
    page = signed_in(browser, site_server, "az-AZ")
    page.goto(f"{site_server}/recommendations/{data['translated'].pk}/")

    item = page.locator(".evidence-item", has_text="Nazirliyin hesabatı")
    download = item.locator("a.evidence-file")
    origin = item.locator("a.evidence-link")
    assert "hesabat.pdf" in download.inner_text()
    assert origin.get_attribute("href") == ORIGIN and origin.inner_text() == ORIGIN
    response = page.request.get(site_server + download.get_attribute("href"))
    assert response.status == 200 and response.body() == PDF
    item.screenshot(path=str(ARTIFACTS / "evidence-file-and-link.png"))
