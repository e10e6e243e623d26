"""The staff side end to end in Debian's Chromium: sign in, record progress with a note, a
past date, a PDF and a link in one submission; a stale page refused; the history page; and
what an anonymous visitor never sees. Screenshots go to test-artifacts/."""

import datetime
import re

import pytest

from recommendations.models import Evidence, ProgressUpdate, Recommendation
from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page
from tests.factories import PASSWORD

NOTE = "Nazirliklə görüş keçirildi; işçi qrupu yaradıldı (ə, ı, İ, ş, ğ, ö, ü, ç)."
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LINK = "https://e-qanun.az/framework/54321"

pytestmark = BROWSER_MARKS


@pytest.fixture
def data(transactional_db):
    from tests.factories import RecommendationFactory, UserFactory

    UserFactory(username="aysel", role="ngo_staff")
    UserFactory(username="elvin", role="ngo_staff")
    UserFactory(username="analitik", role="analyst")
    return {
        "first": RecommendationFactory(action="Əmək müfəttişliyinin yoxlama səlahiyyətlərini bərpa edin."),
        "second": RecommendationFactory(action="Uşaq əməyi ilə bağlı cərimələri artırın."),
    }


@pytest.fixture
def browser(data, site_server, monkeypatch):
    with chromium(monkeypatch) as browser:
        yield browser


def sign_in(page, server, username, next_path="/"):
    page.goto(f"{server}/login/?next={next_path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


class Steps:
    """Counts what the staff member does after signing in: each click, choice, typed field
    or chosen file is one step."""

    def __init__(self):
        self.done = []

    def __call__(self, what, action):
        self.done.append(what)
        return action()


def test_staff_record_progress_with_evidence_in_one_submission(browser, site_server, data, tmp_path):
    recommendation = data["first"]
    pdf = tmp_path / "iclas protokolu.pdf"
    pdf.write_bytes(PDF)
    past = datetime.date.today() - datetime.timedelta(days=40)
    page = new_page(browser)
    # The staff member arrives at the recommendation (from the list, a followed item on
    # "my work" or a notification email) and signs in from there, landing back on it.
    page.goto(site_server + "/")
    page.locator(f'#recommendation-table tr[data-id="{recommendation.pk}"] .cell-action a').click()
    page.get_by_role("navigation").get_by_role("link", name="Daxil ol").click()
    page.locator("#id_username").fill("aysel")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(f"**/recommendations/{recommendation.pk}/")

    step = Steps()
    form = page.locator("form.progress-form")
    step("choose the status", lambda: form.get_by_label("Yeni status").select_option("in_progress"))
    step("set the date", lambda: form.get_by_label("Baş verdiyi tarix").fill(past.isoformat()))
    step("write the note", lambda: form.get_by_label("Qeyd").fill(NOTE))
    step("choose the PDF", lambda: form.locator("#id_evidence-0-file").set_input_files(str(pdf)))
    step("paste the link", lambda: form.locator("#id_evidence-1-url").fill(LINK))
    page.screenshot(path=str(ARTIFACTS / "staff-record-form-az.png"), full_page=True)
    step("record", lambda: form.get_by_role("button", name="İrəliləyişi qeydə al").click())
    page.wait_for_load_state()

    assert page.get_by_role("status").inner_text().strip() == "İrəliləyiş 2 sübutla qeydə alındı."
    (update,) = ProgressUpdate.objects.filter(recommendation=recommendation)
    entry = page.locator(f"#entry-{update.pk}")
    assert NOTE in entry.inner_text()
    assert "iclas protokolu.pdf" in entry.inner_text()
    assert entry.get_by_role("link", name=LINK).is_visible()
    assert past.strftime("%Y") in entry.inner_text() and "qeydə alınıb" in entry.inner_text()  # both dates
    assert Recommendation.objects.get(pk=recommendation.pk).status == "in_progress"
    assert update.occurred_on == past
    assert Evidence.objects.filter(progress_update=update).count() == 2
    page.screenshot(path=str(ARTIFACTS / "staff-recorded-az.png"), full_page=True)
    (ARTIFACTS / "staff-steps.txt").write_text(
        f"{len(step.done)} steps after signing in:\n"
        + "\n".join(f"{n}. {what}" for n, what in enumerate(step.done, 1))
        + "\n"
    )
    assert len(step.done) <= 6

    # Follow it, and find it on "my work".
    page.get_by_role("button", name="İzlə", exact=True).click()
    page.wait_for_load_state()
    assert "Bu tövsiyəni izləyirsiniz." in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Mənim işim").click()
    page.wait_for_url("**/work/")
    assert page.locator(f'li[data-id="{recommendation.pk}"]').first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "staff-my-work-az.png"), full_page=True)

    # On a phone: nothing wider than the screen, the form usable.
    phone = new_page(browser, width=375, height=740)
    sign_in(phone, site_server, "aysel", f"/recommendations/{recommendation.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.get_by_role("button", name="İrəliləyişi qeydə al").is_visible()
    phone.screenshot(path=str(ARTIFACTS / "staff-record-phone-az.png"), full_page=True)


def test_a_page_opened_before_someone_elses_change_is_refused(browser, site_server, data, tmp_path):
    recommendation = data["second"]
    pdf = tmp_path / "protokol.pdf"
    pdf.write_bytes(PDF)
    path = f"/recommendations/{recommendation.pk}/"
    first = new_page(browser, locale="en-US")
    sign_in(first, site_server, "aysel", path)
    first.get_by_role("button", name="English").click()
    first.wait_for_load_state()
    second = new_page(browser)
    sign_in(second, site_server, "elvin", path)

    # The first staff member fills the form while the second records first.
    form = first.locator("form.progress-form")
    form.get_by_label("New status").select_option("in_progress")
    form.get_by_label("Note").fill(NOTE)
    form.locator("#id_evidence-0-file").set_input_files(str(pdf))
    form.locator("#id_evidence-1-url").fill(LINK)
    other = second.locator("form.progress-form")
    other.get_by_label("Yeni status").select_option("not_started")
    other.get_by_role("button", name="İrəliləyişi qeydə al").click()
    second.wait_for_load_state()
    assert ProgressUpdate.objects.filter(recommendation=recommendation).count() == 1

    form.get_by_role("button", name="Record progress").click()
    first.wait_for_load_state()
    conflict = first.locator("#conflict")
    assert "Not saved" in conflict.inner_text()
    assert "elvin" in conflict.inner_text()
    assert "Status: Not assessed → Not started" in conflict.inner_text()
    assert first.get_by_label("Note").input_value() == NOTE  # the text is kept
    assert first.locator("#id_evidence-1-url").input_value() == LINK
    first.screenshot(path=str(ARTIFACTS / "staff-stale-refused-en.png"), full_page=True)
    updates = ProgressUpdate.objects.filter(recommendation=recommendation)
    assert [(u.status_after, u.author_username) for u in updates] == [("not_started", "elvin")]
    assert not Evidence.objects.filter(recommendation=recommendation).exists()
    assert Recommendation.objects.get(pk=recommendation.pk).status == "not_started"


def test_analyst_history_and_what_anonymous_visitors_never_see(browser, site_server, data):
    from recommendations.evidence.services import evidence_add
    from recommendations.progress.services import progress_record
    from tests.factories import UserFactory

    recommendation = data["first"]
    staff = UserFactory(username="gizli.müəllif", role="ngo_staff")
    update = progress_record(recommendation_id=recommendation.pk, status="in_progress", note=NOTE, user=staff)
    evidence_add(
        recommendation_id=recommendation.pk,
        progress_update_id=update.pk,
        kind="link",
        title="Gizli sübut",
        url=LINK,
        user=staff,
    )
    path = f"/recommendations/{recommendation.pk}/"

    analyst = new_page(browser)
    sign_in(analyst, site_server, "analitik", path)
    analyst.get_by_role("link", name="Dəyişikliklərin tam tarixçəsi").click()
    analyst.wait_for_url(f"**{path}history/")
    row = analyst.locator('tr[data-field="status"]').first
    assert row.locator("td.before").inner_text() == "Qiymətləndirilməyib"
    assert row.locator("td.after").inner_text() == "İcra olunur"
    assert "gizli.müəllif" in analyst.content()
    analyst.screenshot(path=str(ARTIFACTS / "history-analyst-az.png"), full_page=True)

    anonymous = new_page(browser)
    for url in ("/", path, f"{path}history/"):
        anonymous.goto(site_server + url)
        html = anonymous.content()
        for secret in (NOTE, "Gizli sübut", LINK, "gizli.müəllif"):
            assert secret not in html, (url, secret)
        assert not re.search(r'href="/recommendations/\d+/history/"', html), url
    assert anonymous.url.startswith(f"{site_server}/login/")  # the history page asks to sign in
    feed = anonymous.request.get(f"{site_server}/feeds/changes/")
    assert feed.ok and "İcra olunur" in feed.text()
    for secret in (NOTE, "Gizli sübut", LINK, "gizli.müəllif"):
        assert secret not in feed.text(), secret
    anonymous.goto(site_server + path)
    anonymous.screenshot(path=str(ARTIFACTS / "recommendation-anonymous-after-progress-az.png"), full_page=True)
