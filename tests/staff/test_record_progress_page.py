"""NGO staff record progress on the recommendation page: status, date, note and evidence in
one submission, through the same services as the API; all saved or none."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from recommendations.history.selectors import recommendation_history
from recommendations.models import Evidence, ProgressUpdate, Recommendation
from recommendations.progress.services import (
    EvidenceItem,
    EvidenceItemInvalid,
    progress_record,
    progress_record_with_evidence,
)
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FAKE_PDF = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
NOTE = "Nazirliklə görüş keçirildi; İşçi qrupu yaradıldı (ş, ğ, ö, ü, ç, ı)."


@pytest.fixture
def staff(db):
    return UserFactory(username="aysel", role="ngo_staff")


@pytest.fixture
def staff_client(staff):
    client = Client()
    client.force_login(staff)
    return client


def page_url(recommendation) -> str:
    return f"/recommendations/{recommendation.pk}/"


def stored_files() -> set[str]:
    return {str(path) for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def submission(recommendation, **overrides) -> dict:
    data = {
        "status": "in_progress",
        "occurred_on": "2026-10-01",
        "note": NOTE,
        "version": str(recommendation.version),
        "opened_at": timezone.now().isoformat(),
        "evidence-TOTAL_FORMS": "2",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "20",
        "evidence-0-title": "",
        "evidence-0-url": "",
        "evidence-0-excerpt": "",
        "evidence-1-title": "Nazirliyin qərarı",
        "evidence-1-url": "https://e-qanun.az/framework/1",
        "evidence-1-excerpt": "",
    }
    data.update(overrides)
    return data


def test_staff_see_the_form_anonymous_and_analysts_do_not(staff_client, recommendation):
    assert (
        f'action="/recommendations/{recommendation.pk}/progress/"'
        in staff_client.get(page_url(recommendation)).content.decode()
    )
    assert "progress-form" not in Client().get(page_url(recommendation)).content.decode()
    analyst = Client()
    analyst.force_login(UserFactory(role="analyst"))
    assert "progress-form" not in analyst.get(page_url(recommendation)).content.decode()


def test_the_form_defaults_to_today_and_offers_no_later_day(staff_client, recommendation):
    html = staff_client.get(page_url(recommendation)).content.decode()
    today = timezone.localdate().isoformat()
    match = re.search(r'<input[^>]*name="occurred_on"[^>]*>', html)
    assert match is not None
    field = match.group(0)
    assert f'value="{today}"' in field and f'max="{today}"' in field
    assert f'name="version" value="{recommendation.version}"' in html


def test_status_note_date_file_and_link_in_one_submission(staff_client, staff, recommendation):
    upload = SimpleUploadedFile("iclas protokolu.pdf", PDF, content_type="application/pdf")
    response = staff_client.post(
        f"{page_url(recommendation)}progress/", submission(recommendation, **{"evidence-0-file": upload})
    )
    (update,) = ProgressUpdate.objects.filter(recommendation=recommendation)
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(recommendation)}#entry-{update.pk}"
    assert (update.status_before, update.status_after) == ("not_assessed", "in_progress")
    assert update.note == NOTE and update.occurred_on == datetime.date(2026, 10, 1)
    assert update.author == staff
    evidence = list(Evidence.objects.filter(progress_update=update).order_by("id"))
    assert [(item.kind, item.title) for item in evidence] == [
        ("file", "iclas protokolu.pdf"),
        ("link", "Nazirliyin qərarı"),
    ]
    assert evidence[0].file.read() == PDF
    assert Recommendation.objects.get(pk=recommendation.pk).status == "in_progress"

    page = staff_client.get(response["Location"]).content.decode()
    assert "İrəliləyiş 2 sübutla qeydə alındı." in page  # the confirmation, in the page's language
    entry = page[page.index(f'id="entry-{update.pk}"') :]
    assert NOTE in entry and "iclas protokolu.pdf" in entry and "https://e-qanun.az/framework/1" in entry
    # Every write left its history row, as through the API.
    history = recommendation_history(Recommendation.objects.get(pk=recommendation.pk))
    assert history.filter(object_type__model="recommendation", before__status="not_assessed").count() == 1
    assert history.filter(object_type__model="evidence", action="create").count() == 2


def test_the_kind_follows_from_what_was_filled_and_titles_default(staff_client, recommendation):
    data = submission(
        recommendation,
        **{"evidence-1-title": "", "evidence-0-excerpt": "Hesabatın 12-ci səhifəsi: 3 qurban."},
    )
    assert staff_client.post(f"{page_url(recommendation)}progress/", data).status_code == 302
    assert sorted(Evidence.objects.values_list("kind", "title")) == [
        ("excerpt", "Hesabatın 12-ci səhifəsi: 3 qurban."),
        ("link", "e-qanun.az/framework/1"),
    ]


def nothing_saved(recommendation, files_before):
    assert not ProgressUpdate.objects.filter(recommendation=recommendation).exists()
    assert not Evidence.objects.exists()
    assert Recommendation.objects.get(pk=recommendation.pk).version == recommendation.version
    assert stored_files() == files_before


def test_a_future_date_is_refused_next_to_the_field_in_the_pages_language(staff_client, recommendation):
    files_before = stored_files()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    upload = SimpleUploadedFile("a.pdf", PDF)
    response = staff_client.post(
        f"{page_url(recommendation)}progress/",
        submission(recommendation, occurred_on=tomorrow, **{"evidence-0-file": upload}),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="id_occurred_on-errors"[^>]*>\s*<li>İrəliləyişin tarixi gələcəkdə ola bilməz', html)
    assert NOTE in html  # the text is kept
    nothing_saved(recommendation, files_before)

    english = staff_client.post(
        f"{page_url(recommendation)}progress/",
        submission(recommendation, occurred_on=tomorrow),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The date of the progress cannot be in the future." in english.content.decode()
    # Switching the language from the redrawn page returns to the recommendation's page: the
    # form's own address answers only POST.
    assert re.search(rf'name="next" value="{page_url(recommendation)}"', english.content.decode())


def test_a_bad_file_is_refused_next_to_its_row_and_nothing_is_saved(staff_client, recommendation):
    files_before = stored_files()
    upload = SimpleUploadedFile("hesabat.pdf", FAKE_PDF)
    response = staff_client.post(
        f"{page_url(recommendation)}progress/",
        submission(recommendation, **{"evidence-0-file": upload}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert re.search(
        r'id="id_evidence-0-file-errors"[^>]*>\s*<li>The file’s content is not a valid .pdf file',
        (response.content.decode()),
    )
    nothing_saved(recommendation, files_before)


def test_two_kinds_in_one_row_are_refused(staff_client, recommendation):
    response = staff_client.post(
        f"{page_url(recommendation)}progress/",
        submission(recommendation, **{"evidence-1-excerpt": "Mətn"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "One piece of evidence per row" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_javascript_link_is_refused(staff_client, recommendation):
    response = staff_client.post(
        f"{page_url(recommendation)}progress/",
        submission(recommendation, **{"evidence-1-url": "javascript:alert(1)"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()


def test_a_stale_page_saves_nothing_says_who_changed_what_and_keeps_the_text(staff_client, recommendation):
    opened = submission(recommendation)
    other = UserFactory(username="elvin", role="ngo_staff")
    progress_record(recommendation_id=recommendation.pk, status="not_started", user=other)
    files_before = stored_files()

    upload = SimpleUploadedFile("a.pdf", PDF)
    response = staff_client.post(
        f"{page_url(recommendation)}progress/", {**opened, "evidence-0-file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Not saved: someone else changed this recommendation" in html
    conflict = html[html.index('id="conflict"') :]
    assert "elvin" in conflict
    assert "Status: Not assessed → Not started" in conflict
    assert NOTE in html and "https://e-qanun.az/framework/1" in html
    assert ProgressUpdate.objects.filter(recommendation=recommendation).count() == 1  # only elvin's
    assert not Evidence.objects.exists()
    assert stored_files() == files_before

    # Resubmitting the kept form, after reading what changed, records it.
    current = Recommendation.objects.get(pk=recommendation.pk)
    assert f'name="version" value="{current.version}"' in html
    again = staff_client.post(f"{page_url(recommendation)}progress/", submission(current))
    assert again.status_code == 302
    assert ProgressUpdate.objects.filter(recommendation=recommendation, status_after="in_progress").exists()
    # Dated 1 October, before elvin's change today: the timeline keeps elvin's as current.
    assert Recommendation.objects.get(pk=recommendation.pk).status == "not_started"


def test_evidence_added_later_to_an_existing_entry(staff_client, staff, recommendation):
    update = progress_record(recommendation_id=recommendation.pk, status="in_progress", user=staff)
    url = f"{page_url(recommendation)}progress/{update.pk}/evidence/"
    prefix = f"entry-{update.pk}"
    upload = SimpleUploadedFile("sonradan.pdf", PDF)
    response = staff_client.post(url, {f"{prefix}-title": "Sonradan əlavə", f"{prefix}-file": upload})
    assert response.status_code == 302 and response["Location"].endswith(f"#entry-{update.pk}")
    (evidence,) = Evidence.objects.all()
    assert evidence.progress_update == update and evidence.title == "Sonradan əlavə"

    empty = staff_client.post(url, {f"{prefix}-title": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 400
    assert "Choose a file, or give a link or an excerpt." in empty.content.decode()
    assert Evidence.objects.count() == 1


def test_evidence_cannot_be_added_to_another_recommendations_entry(staff_client, staff, recommendation):
    from tests.factories import RecommendationFactory

    other = RecommendationFactory()
    update = progress_record(recommendation_id=other.pk, status="in_progress", user=staff)
    response = staff_client.post(
        f"{page_url(recommendation)}progress/{update.pk}/evidence/",
        {f"entry-{update.pk}-url": "https://example.org/"},
    )
    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_more_rows_keeps_the_text_and_names_a_file_to_choose_again(staff_client, recommendation):
    upload = SimpleUploadedFile("müfəttiş-hesabatı.pdf", PDF)
    response = staff_client.post(
        f"{page_url(recommendation)}progress/",
        submission(recommendation, more_rows="1", **{"evidence-0-file": upload}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="evidence-TOTAL_FORMS" value="4"' in html
    assert NOTE in html and "https://e-qanun.az/framework/1" in html
    assert "“müfəttiş-hesabatı.pdf” is not attached yet: choose it again in its row." in html
    assert not ProgressUpdate.objects.exists()


def test_a_date_before_the_recommendation_was_made_is_refused_by_page_and_api(staff_client, recommendation, users):
    from rest_framework.test import APIClient

    early = datetime.date(recommendation.year_start - 1, 12, 31).isoformat()
    response = staff_client.post(
        f"{page_url(recommendation)}progress/", submission(recommendation, occurred_on=early), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    message = f"The date of the progress cannot be before {recommendation.year_start}, the first year"
    assert message in response.content.decode()
    api = APIClient()
    api.force_authenticate(users["ngo_staff"])
    refused = api.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/",
        {"status": "in_progress", "occurred_on": early},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert message in refused.json()["occurred_on"][0]
    assert not ProgressUpdate.objects.exists()
    first_day = datetime.date(recommendation.year_start, 1, 1).isoformat()
    accepted = api.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/",
        {"status": "in_progress", "occurred_on": first_day},
        format="json",
    )
    assert accepted.status_code == 201, accepted.content


def test_the_form_sent_as_it_opened_records_nothing(staff_client, recommendation):
    """The status in force that day, no note, no evidence: refused, so that an empty entry
    dated today cannot outrank what is recorded later about earlier days."""
    today = timezone.localdate().isoformat()
    unchanged = {
        "status": recommendation.status,
        "occurred_on": today,
        "note": "",
        "version": str(recommendation.version),
        "opened_at": timezone.now().isoformat(),
        "evidence-TOTAL_FORMS": "2",
        "evidence-INITIAL_FORMS": "0",
    }
    response = staff_client.post(f"{page_url(recommendation)}progress/", unchanged, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Nothing to record: the status on that day was already" in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    # The same status with a note says something (still in progress, and why): recorded.
    noted = staff_client.post(f"{page_url(recommendation)}progress/", {**unchanged, "note": NOTE})
    assert noted.status_code == 302
    assert ProgressUpdate.objects.count() == 1


def test_only_staff_and_admins_may_record(recommendation, db):
    anonymous = Client().post(f"{page_url(recommendation)}progress/", submission(recommendation))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    analyst = Client()
    analyst.force_login(UserFactory(role="analyst"))
    assert analyst.post(f"{page_url(recommendation)}progress/", submission(recommendation)).status_code == 403
    admin = Client()
    admin.force_login(UserFactory(role="admin"))
    assert admin.post(f"{page_url(recommendation)}progress/", submission(recommendation)).status_code == 302
    assert ProgressUpdate.objects.count() == 1


def test_the_service_saves_all_or_none_and_leaves_no_file_behind(staff, recommendation):
    files_before = stored_files()
    items = [
        EvidenceItem(kind="file", title="Protokol", file=SimpleUploadedFile("p.pdf", PDF)),
        EvidenceItem(kind="link", title="Boş keçid", url=""),  # refused by evidence_add
    ]
    with pytest.raises(EvidenceItemInvalid) as refused:
        progress_record_with_evidence(
            recommendation_id=recommendation.pk, status="in_progress", evidence=items, user=staff
        )
    assert refused.value.index == 1 and "url" in refused.value.message_dict
    nothing_saved(recommendation, files_before)


def test_a_double_submitted_form_records_once_and_says_it_is_saved(staff_client, recommendation):
    """A double-click sends the form twice with the version the page was opened on: the
    second is refused by that version and answered as the first was (the browser shows it)."""
    form = submission(recommendation)
    first = staff_client.post(f"{page_url(recommendation)}progress/", form)
    second = staff_client.post(f"{page_url(recommendation)}progress/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert first.status_code == 302
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert ProgressUpdate.objects.filter(recommendation=recommendation).count() == 1
    page = staff_client.get(second["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This progress was already recorded; it is not recorded twice." in page


def test_the_same_form_after_someone_elses_change_is_still_a_conflict(staff_client, recommendation):
    form = submission(recommendation)
    assert staff_client.post(f"{page_url(recommendation)}progress/", form).status_code == 302
    progress_record(recommendation_id=recommendation.pk, status="implemented", user=UserFactory(role="ngo_staff"))
    again = staff_client.post(f"{page_url(recommendation)}progress/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert ProgressUpdate.objects.filter(recommendation=recommendation, author__username="aysel").count() == 1


def test_evidence_added_later_twice_with_one_form_is_added_once(staff_client, staff, recommendation):
    update = progress_record(recommendation_id=recommendation.pk, status="in_progress", user=staff)
    page = staff_client.get(page_url(recommendation)).content.decode()
    (token,) = re.findall(
        rf'action="/recommendations/{recommendation.pk}/progress/{update.pk}/evidence/"[^>]*>.*?'
        r'name="form_token" value="([0-9a-f]+)"',
        page,
        flags=re.S,
    )
    url = f"{page_url(recommendation)}progress/{update.pk}/evidence/"
    form = {f"entry-{update.pk}-url": "https://e-qanun.az/framework/9", "form_token": token}
    first = staff_client.post(url, form)
    second = staff_client.post(url, form, HTTP_ACCEPT_LANGUAGE="en")
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Evidence.objects.filter(progress_update=update).count() == 1
    shown = staff_client.get(second["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This evidence was already added; it is not added twice." in shown
    # A new page carries a new token: adding the same link again on purpose works.
    again = re.findall(r'name="form_token" value="([0-9a-f]+)"', shown)
    assert token not in again
    assert staff_client.post(url, {**form, "form_token": again[0]}).status_code == 302
    assert Evidence.objects.filter(progress_update=update).count() == 2


def test_a_refused_evidence_form_can_be_corrected_and_sent_with_its_token(staff_client, staff, recommendation):
    update = progress_record(recommendation_id=recommendation.pk, status="in_progress", user=staff)
    url = f"{page_url(recommendation)}progress/{update.pk}/evidence/"
    bad = staff_client.post(url, {f"entry-{update.pk}-file": SimpleUploadedFile("x.pdf", FAKE_PDF), "form_token": "t1"})
    assert bad.status_code == 400
    good = staff_client.post(url, {f"entry-{update.pk}-url": "https://e-qanun.az/", "form_token": "t1"})
    assert good.status_code == 302
    assert Evidence.objects.filter(progress_update=update).count() == 1
