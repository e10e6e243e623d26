"""HTTP behaviour API clients rely on: no write redirected into a read, conditional requests,
compression where it is safe, content negotiation, and one JSON error shape under /api/."""

import gzip
import io

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import clear_url_caches
from rest_framework.test import APIClient

from recommendations.models import Evidence, ProgressUpdate, Recommendation

from .factories import RecommendationFactory

# Content of its own: files are stored under their digest, shared with other test modules.
PDF = b"%PDF-1.4\n% http semantics\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def stored(recommendation) -> tuple:
    fresh = Recommendation.objects.get(pk=recommendation.pk)
    return fresh.status, fresh.version, ProgressUpdate.objects.count(), Evidence.objects.count()


@pytest.fixture
def staff_client(users):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(users["ngo_staff"])
    return client


# --- 15.1: no unsafe request is ever redirected into a GET


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("post", "progress", {"status": "in_progress"}),
        ("post", "evidence", {"kind": "link", "title": "x", "url": "https://a.az"}),
        ("patch", "", {"status": "in_progress"}),
    ],
)
def test_a_write_without_the_trailing_slash_is_a_308_that_keeps_the_method(
    method, suffix, body, debug, staff_client, recommendation, settings
):
    settings.DEBUG = debug
    before = stored(recommendation)
    path = f"/api/v1/recommendations/{recommendation.pk}" + (f"/{suffix}" if suffix else "")
    response = getattr(staff_client, method)(path, body, format="json")
    assert response.status_code == 308
    assert response["Location"] == path + "/"
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "moved_permanently" and path + "/" in response.json()["detail"]
    assert stored(recommendation) == before
    # Following it as a client does (same method, same body) writes exactly once.
    followed = getattr(staff_client, method)(response["Location"], body, format="json")
    assert followed.status_code in (200, 201), followed.content


def test_a_read_without_the_trailing_slash_is_still_a_301(db):
    response = Client().get("/api/v1/sources")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/sources/"


def test_a_form_post_to_a_page_without_its_slash_keeps_its_method(db, settings):
    settings.DEBUG = True  # where Django would raise instead of redirecting
    response = Client(raise_request_exception=False).post("/login", {"username": "x"})
    assert response.status_code == 308
    assert response["Location"] == "/login/"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_write_is_redirected_to_https_with_308_and_a_read_with_301(staff_client, recommendation):
    before = stored(recommendation)
    response = staff_client.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/", {"status": "in_progress"}, format="json"
    )
    assert response.status_code == 308
    assert response["Location"].startswith("https://")
    assert stored(recommendation) == before
    assert staff_client.get("/api/v1/sources/").status_code == 301


# --- 15.6: conditional requests


def test_if_none_match_on_the_current_etag_is_a_304(client_for, recommendation):
    client = client_for("anonymous")
    first = client.get(f"/api/v1/recommendations/{recommendation.pk}/")
    assert first.status_code == 200
    again = client.get(f"/api/v1/recommendations/{recommendation.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    # A weak form of the same tag matches too: If-None-Match compares weakly.
    weak = client.get(f"/api/v1/recommendations/{recommendation.pk}/", HTTP_IF_NONE_MATCH="W/" + first["ETag"])
    assert weak.status_code == 304


def test_the_etag_changes_with_the_language_of_the_body(client_for, recommendation):
    client = client_for("anonymous")
    azerbaijani = client.get(f"/api/v1/recommendations/{recommendation.pk}/", HTTP_ACCEPT_LANGUAGE="az")
    english = client.get(f"/api/v1/recommendations/{recommendation.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert azerbaijani.json()["area_name"] != english.json()["area_name"]
    assert azerbaijani["ETag"] != english["ETag"]
    assert "Accept-Language" in azerbaijani["Vary"]
    cross = client.get(
        f"/api/v1/recommendations/{recommendation.pk}/",
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_IF_NONE_MATCH=azerbaijani["ETag"],
    )
    assert cross.status_code == 200
    # Either language's tag names the version a write was based on.
    response = client_for("ngo_staff").post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/",
        {"status": "in_progress"},
        format="json",
        HTTP_IF_MATCH=english["ETag"],
    )
    assert response.status_code == 201


def test_a_list_answers_304_when_nothing_changed(client_for, recommendation):
    client = client_for("anonymous")
    first = client.get("/api/v1/recommendations/")
    assert first.has_header("ETag")
    assert client.get("/api/v1/recommendations/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    client_for("ngo_staff").post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/", {"status": "in_progress"}, format="json"
    )
    assert client.get("/api/v1/recommendations/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


# --- 15.7: compression where it is safe


@pytest.fixture
def listed(db):
    for _ in range(5):
        RecommendationFactory()


def test_lists_and_csv_exports_are_compressed_for_token_and_anonymous_clients(listed, client_for):
    for path in ("/api/v1/recommendations/", "/api/v1/recommendations/export.csv", "/api/schema/"):
        response = client_for("anonymous").get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in response["Vary"]
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert gzip.decompress(body)


def test_nothing_is_compressed_for_a_browser_session_or_on_pages(listed, users):
    """BREACH: a response fetched with the session cookie may carry secrets an attacker's
    page can make the browser fetch with text of the attacker's choosing."""
    browser = Client()
    browser.force_login(users["analyst"])
    for path in ("/api/v1/recommendations/", "/", "/login/"):
        response = browser.get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, path
        assert not response.has_header("Content-Encoding"), path
    assert not Client().get("/login/", HTTP_ACCEPT_ENCODING="gzip").has_header("Content-Encoding")


def test_a_detail_keeps_its_strong_etag_uncompressed(listed, client_for):
    recommendation = Recommendation.objects.earliest("pk")
    response = client_for("anonymous").get(f"/api/v1/recommendations/{recommendation.pk}/", HTTP_ACCEPT_ENCODING="gzip")
    assert not response.has_header("Content-Encoding")
    assert response["ETag"].startswith('"')
    assert "no-transform" in response["Cache-Control"]


# --- 15.8 and 13.15: exports and content negotiation


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/v1/recommendations/export.csv", "text/csv"),
        ("/api/v1/recommendations/export.xlsx", "application/vnd.openxmlformats"),
        ("/api/v1/recommendations/export/?format=xlsx", "application/vnd.openxmlformats"),
        ("/api/v1/recommendations/export/?format=csv", "text/csv"),
    ],
)
def test_the_format_the_url_names_wins_over_a_generic_accept(path, content_type, listed, client_for):
    response = client_for("anonymous").get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)


def test_an_export_url_naming_no_format_negotiates_and_may_be_a_406(listed, client_for):
    client = client_for("anonymous")
    refused = client.get("/api/v1/recommendations/export/", HTTP_ACCEPT="application/json")
    assert refused.status_code == 406
    assert refused.json()["code"] == "not_acceptable"
    chosen = client.get("/api/v1/recommendations/export/", HTTP_ACCEPT="text/csv")
    assert chosen.status_code == 200 and chosen["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/recommendations/export.csv", "/api/v1/recommendations/export.xlsx", "/api/v1/recommendations/export/"],
)
@pytest.mark.parametrize("accept", ["*/*", "text/csv", "application/json"])
def test_options_on_an_export_describes_it_in_json(path, accept, db, client_for):
    response = client_for("anonymous").options(path, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "text/csv" in response.json()["renders"] or "xlsx" in path


# --- 13.11: JSON endpoints take JSON only; multipart is read with the same strictness


@pytest.mark.parametrize(("method", "suffix"), [("post", "progress/"), ("patch", ""), ("post", "evidence/")])
def test_a_form_encoded_body_is_a_415(method, suffix, staff_client, recommendation):
    before = stored(recommendation)
    response = staff_client.generic(
        method.upper(),
        f"/api/v1/recommendations/{recommendation.pk}/{suffix}",
        "status=implemented&status=not_started&kind=link&title=x&url=https://a.az",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert stored(recommendation) == before


def test_multipart_on_a_json_endpoint_is_a_415(staff_client, recommendation):
    response = staff_client.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/", {"status": "implemented"}, format="multipart"
    )
    assert response.status_code == 415


def test_the_token_endpoint_takes_json_only(users):
    response = APIClient().post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="multipart")
    assert response.status_code == 415


def multipart(fields: list[tuple[str, bytes]], filename: str | None = None) -> tuple[bytes, str]:
    boundary = "XyZ-boundary"
    parts = []
    for name, value in fields:
        disposition = f'form-data; name="{name}"'
        if name == "file":
            disposition += f'; filename="{filename}"'
        parts.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ([(b"kind", b"excerpt"), (b"title", b"x"), (b"excerpt", b"")], "excerpt"),
        ([(b"kind", b"excerpt"), (b"title", b"bir"), (b"title", b"iki"), (b"excerpt", b"y")], "title"),
        ([(b"kind", b"link"), (b"title", b"x"), (b"url", b"https://a.az"), (b"colour", b"red")], "colour"),
        ([(b"kind", b"file"), (b"title", b"x"), (b"file", PDF), (b"file", PDF)], "file"),
    ],
    ids=["empty excerpt", "repeated title", "unknown field", "two files"],
)
def test_multipart_is_read_as_strictly_as_json(fields, field, staff_client, recommendation):
    body, content_type = multipart([(name.decode(), value) for name, value in fields], filename="a.pdf")
    before = stored(recommendation)
    response = staff_client.generic(
        "POST", f"/api/v1/recommendations/{recommendation.pk}/evidence/", body, content_type=content_type
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert stored(recommendation) == before


def test_invalid_utf8_in_a_multipart_field_is_a_400_not_a_replacement_character(staff_client, recommendation):
    body, content_type = multipart([("kind", b"excerpt"), ("title", b"Hesabat \xff\xfe"), ("excerpt", b"y")])
    response = staff_client.generic(
        "POST", f"/api/v1/recommendations/{recommendation.pk}/evidence/", body, content_type=content_type
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["detail"]
    assert not Evidence.objects.exists()


def test_the_same_excerpt_is_refused_alike_as_json_and_as_multipart(staff_client, recommendation):
    url = f"/api/v1/recommendations/{recommendation.pk}/evidence/"
    body = {"kind": "excerpt", "title": "x", "excerpt": ""}
    as_json = staff_client.post(url, body, format="json")
    as_multipart = staff_client.post(url, body, format="multipart")
    assert as_json.status_code == as_multipart.status_code == 400
    assert as_json.json() == as_multipart.json()


def test_a_file_uploads_as_multipart(staff_client, recommendation):
    upload = io.BytesIO(PDF)
    upload.name = "hesabat.pdf"
    response = staff_client.post(
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        {"kind": "file", "title": "Hesabat", "file": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content


# --- 15.9: one error shape under /api/, in the request's language


def test_a_validation_error_has_detail_code_and_the_fields(staff_client, recommendation):
    response = staff_client.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/",
        {"status": "done", "colour": "red"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body) == {"detail", "code", "colour"}
    assert body["detail"] == "colour: " + body["colour"][0]
    response = staff_client.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/", {"status": "done"}, format="json"
    )
    assert set(response.json()) == {"detail", "code", "status"}
    assert response.json()["detail"].startswith("status: ")


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v1/recommendations/99999/history/", "/api/v9/"])
def test_unknown_api_paths_are_json_404s_with_debug_on_or_off(path, debug, users, settings):
    settings.DEBUG = debug
    clear_url_caches()
    browser = Client(raise_request_exception=False)
    browser.force_login(users["analyst"])
    response = browser.get(path, HTTP_ACCEPT_LANGUAGE="az")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Tapılmadı.", "code": "not_found"}


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_an_oversized_body_is_a_json_413_in_the_request_language(
    content_type, debug, staff_client, recommendation, settings
):
    settings.DEBUG = debug
    before = stored(recommendation)
    response = staff_client.generic(
        "POST",
        f"/api/v1/recommendations/{recommendation.pk}/progress/",
        b'{"status": "in_progress", "note": "' + b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}',
        content_type=content_type,
        HTTP_ACCEPT_LANGUAGE="az",
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "Sorğunun gövdəsi çox böyükdür.", "code": "request_too_large"}
    assert stored(recommendation) == before


def test_a_throttled_request_is_told_in_its_language(db, settings, clear_throttle_cache):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "user": "1000/minute", "login": "1000/minute"},
    }
    client = APIClient()
    assert client.get("/api/v1/areas/").status_code == 200
    response = client.get("/api/v1/areas/", HTTP_ACCEPT_LANGUAGE="az")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"] == f"Çox sayda sorğu; {int(response['Retry-After'])} saniyədən sonra yenidən cəhd edin."
    cache.clear()
