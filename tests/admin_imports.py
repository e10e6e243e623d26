"""The admin's report import as an admin does it: upload (a CSRF form), the job's page, the
confirm; with the real worker run for one pass where the admin would wait for it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from recommendations.jobs.models import ImportJob

from .admin_forms import csrf_token
from .jobs import run_jobs

URL = "/admin/recommendations/source/import/"
JOB_URL = "/admin/recommendations/source/import/jobs/{id}/"


def upload(client: Client, data: bytes, name: str, fields: dict):
    """The upload form posted; its response (a redirect to the job's page when accepted)."""
    token = csrf_token(client, URL)
    return client.post(
        URL, {**fields, "preview": "1", "csrfmiddlewaretoken": token, "document": SimpleUploadedFile(name, data)}
    )


def job_of(response) -> ImportJob:
    assert response.status_code == 302 and response.url.startswith(URL + "jobs/"), response
    return ImportJob.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))


def job_page(client: Client, job: ImportJob):
    page = client.get(JOB_URL.format(id=job.pk))
    assert page.status_code == 200
    return page


def preview(client: Client, data: bytes, name: str, fields: dict):
    """Upload, let the worker read it, open the job's page: the preview, or why it failed."""
    job = job_of(upload(client, data, name, fields))
    run_jobs()
    return job_page(client, job)


def confirm(client: Client, page, **extra):
    """Confirm the preview on its job's page, let the worker import it; the import job's page."""
    job = page.context["job"]
    token = page.context["csrf_token"]
    started = job_of(client.post(JOB_URL.format(id=job.pk), {**extra, "confirm": "1", "csrfmiddlewaretoken": token}))
    run_jobs()
    return job_page(client, started)
