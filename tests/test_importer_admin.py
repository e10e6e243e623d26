"""The admin's import page: upload, the worker previews the dry run as a job, confirm, the
worker imports as another; for administrators only."""

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from recommendations.jobs.models import ImportJob
from recommendations.models import Recommendation, Source

from .admin_forms import admin_client
from .admin_imports import JOB_URL, URL, confirm, job_of, job_page, preview, upload
from .factories import UserFactory
from .jobs import JOBS_DB, run_jobs

ROOT = Path(__file__).resolve().parent.parent
DOL_SEED = (ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.az.txt").read_bytes()
METADATA = {"kind": "dol", "country": "AZ", "report_year": "2015", "language": "az", "title": "", "slug": ""}


@JOBS_DB
def test_admin_uploads_the_worker_previews_the_admin_confirms_the_worker_imports(users):
    client = admin_client(users["admin"])
    assert 'href="/admin/recommendations/source/import/"' in client.get("/admin/recommendations/source/").text

    started = time.perf_counter()
    uploaded = upload(client, DOL_SEED, "dol.txt", METADATA)
    assert time.perf_counter() - started < 5  # nothing read in the request: only staged and queued

    job = job_of(uploaded)
    assert (job.operation, job.state, job.created_by_username, job.file_name) == (
        "preview",
        "queued",
        users["admin"].username,
        "dol.txt",
    )
    waiting = job_page(client, job)
    assert '<meta http-equiv="refresh"' in waiting.text and "Waiting for the job worker" in waiting.text
    assert Source.objects.count() == 0

    run_jobs()
    page = job_page(client, job)
    job.refresh_from_db()
    assert (job.state, job.result["created"], job.documents_done, job.read_unit) == ("done", 10, 1, "lines")
    assert job.read_done == job.read_total > 0 and job.attempts == 1
    assert '<meta http-equiv="refresh"' not in page.text
    assert "Dövlət Əmək Müfəttişliyi Xidmətinin" in page.text and 'id="import-preview"' in page.text
    assert Source.objects.count() == 0 and Recommendation.objects.count() == 0  # a preview writes nothing

    done = confirm(client, page)

    imported = done.context["job"]
    source = Source.objects.get(slug="dol-2015-az")
    assert (imported.operation, imported.state, imported.preview_id) == ("import", "done", job.pk)
    assert imported.result["created"] == 10 and imported.result["source_id"] == source.pk
    assert f"/admin/recommendations/source/{source.pk}/change/" in done.text
    assert source.recommendations.count() == 10 and source.document_sha256 == job.sha256
    # Confirming the same preview again starts nothing new.
    again = client.post(JOB_URL.format(id=job.pk), {"confirm": "1", "csrfmiddlewaretoken": page.context["csrf_token"]})
    assert again["Location"] == JOB_URL.format(id=imported.pk) and ImportJob.objects.count() == 2
    # Both jobs are listed on the import page.
    listing = client.get(URL).text
    assert JOB_URL.format(id=job.pk) in listing and JOB_URL.format(id=imported.pk) in listing


@JOBS_DB
def test_an_unreadable_upload_fails_its_job_with_the_reason(users):
    client = admin_client(users["admin"], "az")

    page = preview(client, b"\x00\x01", "x.txt", METADATA)

    job = page.context["job"]
    assert job.state == "failed" and "ikili fayldır" in page.text  # "a binary file", in the admin's language
    assert any("ikili fayldır" in message for message in job.errors["document"])
    assert Source.objects.count() == 0


@pytest.mark.django_db
def test_a_job_of_another_operation_or_unfinished_is_not_confirmed(users):
    client = admin_client(users["admin"])
    job = job_of(upload(client, DOL_SEED, "dol.txt", METADATA))  # queued, never run

    page = job_page(client, job)
    refused = client.post(
        JOB_URL.format(id=job.pk), {"confirm": "1", "csrfmiddlewaretoken": page.context["csrf_token"]}
    )

    assert refused.status_code == 302 and refused["Location"] == JOB_URL.format(id=job.pk)
    assert ImportJob.objects.count() == 1 and Source.objects.count() == 0


@pytest.mark.django_db
def test_an_upload_with_a_bad_field_is_refused_in_the_request_naming_it(users):
    client = admin_client(users["admin"])

    response = upload(client, DOL_SEED, "dol.txt", {**METADATA, "report_year": "99999"})

    assert response.status_code == 200 and "report_year" in response.context["form"].errors
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["analyst", "ngo_staff"])
def test_the_import_page_is_refused_to_everyone_but_admins(client, users, role):
    client.force_login(users[role])
    assert client.get(URL).status_code == 302  # not staff: sent to the admin login

    staff_without_role = UserFactory(role=role)
    staff_without_role.is_staff = True
    staff_without_role.save()
    client.force_login(staff_without_role)
    assert client.get(URL).status_code == 403
    upload_ = SimpleUploadedFile("dol.txt", DOL_SEED)
    assert client.post(URL, {**METADATA, "preview": "1", "document": upload_}).status_code == 403
    assert ImportJob.objects.count() == 0

    admin = admin_client(users["admin"])
    job = job_of(upload(admin, DOL_SEED, "dol.txt", METADATA))
    assert client.get(JOB_URL.format(id=job.pk)).status_code == 403
    assert client.post(JOB_URL.format(id=job.pk), {"confirm": "1"}).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302 and "/admin/login/" in response.url


@JOBS_DB
def test_admin_imports_the_english_pdf_beside_the_azerbaijani_text(users):
    client = admin_client(users["admin"], "az")
    pdf = (ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.en.pdf").read_bytes()
    first = confirm(client, preview(client, DOL_SEED, "dol.txt", METADATA))
    assert first.context["job"].state == "done"

    page = preview(client, pdf, "dol.pdf", {**METADATA, "language": "en"})

    job = page.context["job"]
    assert 'id="import-pairing"' in page.text and "Table 11, səhifə 7" in page.text
    assert job.result["updated"] == 10 and job.read_unit == "pages" and job.read_done == job.read_total > 1
    done = confirm(client, page)
    assert done.context["job"].state == "done", done.context["job"].errors
    assert Recommendation.objects.count() == 10
    assert Recommendation.objects.filter(action_translations__has_key="en").count() == 10
    assert client.get("/sources/dol-2015-az/document/en/").status_code == 200


@JOBS_DB
def test_a_document_swept_from_staging_before_the_confirm_fails_with_the_reason(users):
    from django.core.files.storage import default_storage

    from recommendations.importing.staging import STAGING

    client = admin_client(users["admin"])
    page = preview(client, DOL_SEED, "dol.txt", METADATA)
    default_storage.delete(STAGING.format(sha256=page.context["job"].sha256))

    response = client.post(
        JOB_URL.format(id=page.context["job"].pk), {"confirm": "1", "csrfmiddlewaretoken": page.context["csrf_token"]}
    )

    assert response.status_code == 302 and response["Location"] == URL
    assert Source.objects.count() == 0 and ImportJob.objects.count() == 1
    run_jobs()
    assert Source.objects.count() == 0
