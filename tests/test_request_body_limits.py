"""One ceiling on request bodies, checked on Content-Length before anything reads the body.

Issue 30 §2: with the CSRF cookie and token a 2 GiB multipart body to /login/ (or the admin's
login, or the progress page) was read and spooled to disk in full before anything refused it.
Every route now refuses a body declared over 2 MB unread, with the page's 413 in the visitor's
language or the API's JSON; only signed-in staff uploading evidence get EVIDENCE_MAX_BYTES more.
The server's own side (bodies without a length, too slow) is in tests/test_slow_clients.py.
"""

import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from recommendations.models import Evidence, ProgressUpdate
from recommendations.users.tokens import token_issue

from .factories import RecommendationFactory, UserFactory

TWO_GIB = 2 * 1024**3
BOUNDARY = "limitboundary"


class UnreadableBody(io.RawIOBase):
    """A request body that remembers whether anything tried to read it (and gives nothing)."""

    touched = False

    def read(self, size=-1):
        type(self).touched = True
        raise AssertionError("the body was read before the ceiling was checked")

    readline = read


@pytest.fixture(autouse=True)
def untouched_bodies():
    UnreadableBody.touched = False
    yield
    assert not UnreadableBody.touched, "the body was read before the ceiling was checked"


def post_declaring(client: Client, path: str, length: int, **headers):
    """A multipart POST announcing `length` bytes, with the CSRF cookie and token in order."""
    client.get("/login/")  # sets the CSRF cookie, as a browser would have it
    environ: dict[str, Any] = {"CONTENT_LENGTH": str(length), "wsgi.input": UnreadableBody(), **headers}
    return client.generic("POST", path, b"", content_type=f"multipart/form-data; boundary={BOUNDARY}", **environ)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/admin/login/", "progress"])
@pytest.mark.parametrize(
    ("language", "heading"), [("az", "Məlumat çox böyükdür"), ("en", "Too much data")], ids=["az", "en"]
)
def test_a_huge_form_body_is_refused_unread_with_the_page_in_the_visitors_language(path, language, heading):
    if path == "progress":
        path = f"/recommendations/{RecommendationFactory().pk}/progress/"
    client = Client(enforce_csrf_checks=True)
    response = post_declaring(client, path, TWO_GIB, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert heading in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["analyst", "ngo_staff"])
def test_signed_in_staff_forms_get_no_larger_limit_outside_evidence_routes(role):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role=role))
    response = post_declaring(client, "/profile/", settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert response.status_code == 413


@pytest.mark.django_db
def test_only_staff_who_may_add_evidence_get_the_upload_limit_on_the_progress_page():
    recommendation = RecommendationFactory()
    path = f"/recommendations/{recommendation.pk}/progress/"
    length = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + settings.EVIDENCE_MAX_BYTES // 2
    analyst = Client()
    analyst.force_login(UserFactory(role="analyst"))
    assert post_declaring(analyst, path, length).status_code == 413
    # Staff: within their limit the body is read (here: an upload of that size really sent).
    staff = Client()
    staff.force_login(UserFactory(role="ngo_staff"))
    staff.get(path.replace("progress/", ""))
    upload = io.BytesIO(b"%PDF-1.4\n" + b"0" * (length - 2000))
    upload.name = "report.pdf"
    response = staff.post(
        path,
        {
            "status": "in_progress",
            "note": "Hesabat əlavə edildi",
            "evidence-TOTAL_FORMS": "1",
            "evidence-0-file": upload,
        },
    )
    assert response.status_code != 413
    assert post_declaring(staff, path, length + settings.EVIDENCE_MAX_BYTES).status_code == 413


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "bad token", "analyst"])
def test_a_large_evidence_upload_is_refused_unread_unless_the_sender_may_add_evidence(who):
    recommendation = RecommendationFactory()
    headers: dict[str, Any] = {
        "HTTP_ACCEPT_LANGUAGE": "en",
        "CONTENT_LENGTH": str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + settings.EVIDENCE_MAX_BYTES // 2),
        "wsgi.input": UnreadableBody(),
    }
    if who == "bad token":
        headers["HTTP_AUTHORIZATION"] = "Token " + "0" * 40
    elif who == "analyst":
        headers["HTTP_AUTHORIZATION"] = "Token " + token_issue(user=UserFactory(role="analyst"))
    response = Client().generic(
        "POST",
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        b"",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **headers,
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large.", "code": "request_too_large"}
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_staff_may_upload_evidence_larger_than_the_ceiling_by_token():
    recommendation = RecommendationFactory()
    token = token_issue(user=UserFactory(role="ngo_staff"))
    upload = io.BytesIO(b"%PDF-1.4\n" + b"0" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1000))
    upload.name = "report.pdf"
    response = Client().post(
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        {"kind": "file", "title": "Hesabat", "file": upload},
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 201, response.content[:300]
    assert Evidence.objects.filter(recommendation=recommendation).count() == 1
    assert not ProgressUpdate.objects.exists()
