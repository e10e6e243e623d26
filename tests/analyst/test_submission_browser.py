"""The submission as a visitor gets it in Chromium: from the report's page, signed in as an
analyst, choose the language and press "Download Word (DOCX)" (the file opens with its
headings and the note), or "Open" for the print page, printed to PDF as the browser prints it."""

import datetime
import io
import subprocess

import pytest
from django.core.management import call_command
from docx import Document

from recommendations.choices import Status
from recommendations.models import Recommendation
from recommendations.progress.services import progress_record
from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page
from tests.factories import PASSWORD, UserFactory

pytestmark = BROWSER_MARKS
NOTE = "Hakimlər üçün təlim keçirilib (İçərişəhər, şöbə müdiri Ağayeva)"


@pytest.fixture
def seeds(transactional_db):
    call_command("load_seeds", stdout=io.StringIO())
    staff = UserFactory(role="ngo_staff")
    UserFactory(username="analitik", role="analyst")
    first = Recommendation.objects.get(source__slug="tip-2022-az", position=1)
    progress_record(
        recommendation_id=first.pk,
        status=Status.IN_PROGRESS,
        note=NOTE,
        occurred_on=datetime.date(2023, 3, 1),
        user=staff,
    )


def test_an_analyst_downloads_and_prints_the_submission_from_the_report_page(seeds, site_server, monkeypatch):
    with chromium(monkeypatch) as browser:
        page = new_page(browser)
        page.goto(f"{site_server}/login/?next=/sources/tip-2022-az/")
        page.locator("#id_username").fill("analitik")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("form.login-form button[type=submit]").click()
        page.wait_for_url("**/sources/tip-2022-az/")

        form = page.locator("section.submission-form")
        form.get_by_label("Sənədin dili").select_option("en")
        with page.expect_download() as download:
            form.get_by_role("button", name="Word (DOCX) yüklə").click()
        assert download.value.suggested_filename.endswith("-en.docx")
        document = Document(download.value.path())
        headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
        assert headings == ["Reports", "Recommendations by status", "Prosecution", "Protection", "Prevention"]
        assert NOTE in "\n".join(p.text for p in document.paragraphs)

        form.get_by_role("button", name="Aç (oxumaq və ya çap etmək üçün)").click()
        page.wait_for_url("**/sources/tip-2022-az/submission/?*")
        assert page.locator("article.submission").get_attribute("lang") == "en"
        assert page.get_by_role("heading", level=1).inner_text() == "Implementation of recommendations: submission"
        assert page.get_by_text(NOTE).is_visible()

        # Printed: the document alone (no site header, no tools), each area from a new page.
        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible()
        assert not page.locator(".submission-tools").is_visible()
        pdf = ARTIFACTS / "submission" / "print-page-tip-2022-en.pdf"
        pdf.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(pdf), format="A4")
        text = subprocess.run(  # noqa: S603 (poppler-utils, on PATH as in .ci/run)
            ["pdftotext", "-layout", str(pdf), "-"],  # noqa: S607
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        pages = [chunk for chunk in text.split("\f") if chunk.strip()]
        assert len(pages) >= 4  # the cover, then Prosecution, Protection, Prevention each from a new page
        assert "Recommendation tracker" not in pages[0]  # the site's header is not printed
        assert NOTE in " ".join(text.split())
