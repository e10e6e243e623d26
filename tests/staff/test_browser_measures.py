"""A measure in Debian's Chromium, as NGO staff do it: three recommendations of two reports
(DOL 2019 and TIP 2022) chosen on the list, a National Action Plan created answering them,
its progress recorded once with one PDF and a status on each — one of them changed — and each
recommendation's page then shows the measure and the PDF. The staff's steps are counted and
compared with recording the same on the three recommendation pages (test-artifacts/measure-steps.txt)."""

import datetime

import pytest

from recommendations.measures.models import Measure
from recommendations.models import Evidence, ProgressUpdate, Recommendation
from tests.browser import ARTIFACTS, BROWSER_MARKS, chromium, new_page
from tests.factories import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOTE = "Milli Fəaliyyət Planı Nazirlər Kabinetinin qərarı ilə təsdiqləndi (ə, ı, İ, ş, ğ, ö, ü, ç)."
TITLE = "İnsan alverinə və uşaq əməyinə qarşı 2020–2024-cü illər üçün Milli Fəaliyyət Planı"
# What recording the same on one recommendation's page takes (tests/staff/test_browser_staff.py
# counts 6 with a PDF and a link): open it from the list, choose the status, set the date,
# write the note, choose the PDF, press "Record progress".
STEPS_ON_ONE_RECOMMENDATION = 6

pytestmark = BROWSER_MARKS


@pytest.fixture
def data(transactional_db):
    from tests.factories import RecommendationFactory, SourceFactory, UserFactory

    UserFactory(username="aysel", role="ngo_staff")
    UserFactory(username="analitik", role="analyst")
    dol = SourceFactory(slug="dol-2019-az", report_year=2019, title="Uşaq əməyinin ən pis formaları: 2019")
    tip = SourceFactory(slug="tip-2022-az", kind="tip", report_year=2022, title="İnsan alveri haqqında hesabat 2022")
    return {
        "answered": [
            RecommendationFactory(source=dol, action="Uşaq əməyinə qarşı milli fəaliyyət planı qəbul edin."),
            RecommendationFactory(source=dol, action="Əmək müfəttişliyinin büdcəsini artırın."),
            RecommendationFactory(
                source=tip, area="protection", year_start=2022, year_end=2022, action="Sığınacaqları maliyyələşdirin."
            ),
        ],
        "other": RecommendationFactory(source=tip, area="prevention", year_start=2022, year_end=2022),
    }


class Steps:
    """What the staff member does after signing in: each click, choice, typed field or chosen file."""

    def __init__(self):
        self.done = []

    def __call__(self, what, action):
        self.done.append(what)
        return action()


def test_a_measure_answering_three_recommendations_of_two_reports_recorded_with_one_pdf(
    data, site_server, monkeypatch, tmp_path
):
    first, second, third = data["answered"]
    pdf = tmp_path / "Milli Fəaliyyət Planı 2020-2024.pdf"
    pdf.write_bytes(PDF)
    day = datetime.date.today() - datetime.timedelta(days=20)
    with chromium(monkeypatch) as browser:
        page = new_page(browser)
        page.goto(f"{site_server}/login/?next=/")
        page.locator("#id_username").fill("aysel")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("form.login-form button[type=submit]").click()
        page.wait_for_url(f"{site_server}/")

        # Once: the three chosen on the list, a measure created answering them.
        setup = Steps()
        for recommendation in data["answered"]:
            setup(
                f"tick recommendation {recommendation.pk}",
                lambda r=recommendation: page.locator(f"#choose-{r.pk}").check(),
            )
        setup(
            "press “New measure answering the selected”",
            lambda: page.get_by_role("button", name="Seçilənlərə cavab verən yeni tədbir").click(),
        )
        page.wait_for_url("**/measures/new/**")
        assert page.locator("#id_numbers").input_value() == f"{first.pk}, {second.pk}, {third.pk}"
        setup("type the title", lambda: page.get_by_label("Azərbaycanca adı").fill(TITLE))
        setup("choose the kind", lambda: page.get_by_label("Tədbirin növü").select_option("action_plan"))
        page.screenshot(path=str(ARTIFACTS / "measure-new-az.png"), full_page=True)
        setup("press “Save the measure”", lambda: page.get_by_role("button", name="Tədbiri saxla").click())
        page.wait_for_url("**/measures/*/")
        measure = Measure.objects.get()
        assert measure.country == "AZ"  # the chosen recommendations' country, pre-filled

        # Its progress: one submission, the three recommendations pre-filled, one changed.
        record = Steps()
        form = page.locator("form.measure-progress-form")
        record("choose the status", lambda: form.get_by_label("Yeni status").select_option("implemented"))
        record("set the date", lambda: form.get_by_label("Baş verdiyi tarix").fill(day.isoformat()))
        record("write the note", lambda: form.get_by_label("Qeyd").fill(NOTE))
        record(
            "change the TIP recommendation's status",
            lambda: form.get_by_label(f"Tövsiyə {third.pk} (tip-2022-az)").select_option("in_progress"),
        )
        record("choose the PDF", lambda: form.locator("#id_evidence-0-file").set_input_files(str(pdf)))
        page.screenshot(path=str(ARTIFACTS / "measure-record-form-az.png"), full_page=True)
        record("press “Record progress”", lambda: form.get_by_role("button", name="İrəliləyişi qeydə al").click())
        page.wait_for_load_state()
        assert "3 tövsiyədə qeydə alındı" in page.get_by_role("status").inner_text()
        page.screenshot(path=str(ARTIFACTS / "measure-recorded-az.png"), full_page=True)

        assert [Recommendation.objects.get(pk=r.pk).status for r in data["answered"]] == [
            "implemented",
            "implemented",
            "in_progress",
        ]
        assert Recommendation.objects.get(pk=data["other"].pk).status == "not_assessed"
        (evidence,) = Evidence.objects.all()
        assert evidence.measure_id == measure.pk and evidence.file_name == pdf.name
        assert ProgressUpdate.objects.filter(measure_update__measure=measure, occurred_on=day).count() == 3

        # Each recommendation's page shows the measure and the PDF, to staff and analysts.
        analyst = new_page(browser, locale="en-US")
        analyst.goto(f"{site_server}/login/?next=/")
        analyst.locator("#id_username").fill("analitik")
        analyst.locator("#id_password").fill(PASSWORD)
        analyst.locator("form.login-form button[type=submit]").click()
        analyst.wait_for_url(f"{site_server}/")
        for reader in (page, analyst):
            for recommendation in data["answered"]:
                reader.goto(f"{site_server}/recommendations/{recommendation.pk}/")
                assert reader.locator(f'#measures li[data-measure="{measure.pk}"]').is_visible()
                entry = reader.locator("ol.timeline > li").last
                assert entry.get_by_role("link", name=TITLE).is_visible()
                assert pdf.name in entry.locator("a.evidence-file").inner_text()
                assert NOTE in entry.inner_text()
        analyst.screenshot(path=str(ARTIFACTS / "measure-on-recommendation-en.png"), full_page=True)
        # The PDF downloads from a recommendation's page: the stored file, byte for byte.
        with analyst.expect_download() as download:
            analyst.locator("ol.timeline > li").last.locator("a.evidence-file").click()
        assert download.value.path().read_bytes() == PDF

        # An anonymous visitor sees the measure and its status, never the note or the file.
        anonymous = new_page(browser)
        anonymous.goto(f"{site_server}/recommendations/{third.pk}/")
        html = anonymous.content()
        assert TITLE in html and NOTE not in html and pdf.name not in html
        anonymous.goto(f"{site_server}/measures/{measure.pk}/")
        assert NOTE not in anonymous.content() and pdf.name not in anonymous.content()

    with_measure = len(setup.done) + len(record.done)
    three_times = 3 * STEPS_ON_ONE_RECOMMENDATION
    (ARTIFACTS / "measure-steps.txt").write_text(
        f"One measure answering 3 recommendations of 2 reports, recorded with one PDF:\n"
        f"  creating it from the list, once: {len(setup.done)} steps\n"
        + "".join(f"    {n}. {what}\n" for n, what in enumerate(setup.done, 1))
        + f"  recording its progress with a status on each (one changed): {len(record.done)} steps\n"
        + "".join(f"    {n}. {what}\n" for n, what in enumerate(record.done, 1))
        + f"  together: {with_measure} steps\n"
        f"The same on the three recommendation pages: 3 × {STEPS_ON_ONE_RECOMMENDATION} = {three_times} steps\n"
    )
    assert len(record.done) <= STEPS_ON_ONE_RECOMMENDATION
    assert with_measure < three_times
