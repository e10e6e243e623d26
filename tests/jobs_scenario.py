"""What the worker-restart test (tests/test_jobs_restart.py) runs in its own process, as an
admin would in the browser: `upload PAGES` signs in to the admin and uploads a TIP report
volume of PAGES two-column pages through the import form (CSRF checked), printing the
preview job's id; `confirm JOB` confirms that preview on its job's page, printing the import
job's id.

Run as `python -m tests.jobs_scenario upload 40` with the deployment's environment
(DJANGO_SETTINGS_MODULE, TRACKER_VAR_DIR or DATABASE_URL).
"""

import sys

import django

# As the main module, and as the copy a forkserver child imports first (__mp_main__).
if __name__ in ("__main__", "__mp_main__"):
    django.setup()

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.utils import setup_test_environment

from recommendations.choices import Role
from recommendations.users.services import user_create

from .pdf_documents import tip_volume

URL = "/admin/recommendations/source/import/"
USERNAME, PASSWORD = "jobs-admin", "Jobs-restart-2026"


def signed_in() -> Client:
    setup_test_environment()  # the client sees each page's context (its CSRF token), as in tests
    if not User.objects.filter(username=USERNAME).exists():
        user_create(username=USERNAME, password=PASSWORD, role=Role.ADMIN)
    user = User.objects.get(username=USERNAME)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def upload(pages: int) -> int:
    client = signed_in()
    token = client.get(URL).context["csrf_token"]
    fields = {"kind": "tip", "country": "AZ", "report_year": "2023", "language": "en", "title": "", "slug": ""}
    document = SimpleUploadedFile("tip-2023.pdf", tip_volume(pages))
    response = client.post(URL, {**fields, "csrfmiddlewaretoken": token, "preview": "1", "document": document})
    assert response.status_code == 302, response.status_code
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def confirm(job_id: int) -> int:
    client = signed_in()
    page = client.get(f"{URL}jobs/{job_id}/")
    response = client.post(f"{URL}jobs/{job_id}/", {"confirm": "1", "csrfmiddlewaretoken": page.context["csrf_token"]})
    assert response.status_code == 302, response.status_code
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


if __name__ == "__main__":
    command, argument = sys.argv[1], int(sys.argv[2])
    print(upload(argument) if command == "upload" else confirm(argument))
