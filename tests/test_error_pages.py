"""Error pages outside the API are the site's own pages, in the request's language; the API
keeps answering errors in JSON."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from recommendations.error_views import permission_denied
from recommendations.listing import selectors


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


def assert_site_page(response, status: int, language: str, *phrases: str):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert "tracker.css" in html  # the site's look
    assert 'class="site-header"' in html
    assert "<h1>Not Found</h1>" not in html and "<h1>Server Error (500)</h1>" not in html
    for phrase in phrases:
        assert phrase in html, phrase


@pytest.mark.parametrize(
    ("language", "phrase"), [("en", "Page not found"), ("az", "Səhifə tapılmadı")], ids=["en", "az"]
)
@pytest.mark.parametrize(
    "path", ["/no-such-page/", "/recommendations/999999/", "/recommendations/1/extra/", "/static-x"]
)
def test_not_found_is_a_site_page_in_the_request_language(db, browser, path, language, phrase):
    response = browser.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert_site_page(response, 404, language, phrase, "404")


def test_not_found_follows_the_default_language(db, browser):
    assert_site_page(browser.get("/nowhere/"), 404, "az", "Səhifə tapılmadı")


def test_bad_request_is_a_site_page(db, browser):
    """An address the site does not serve (a Host header not in ALLOWED_HOSTS) is a 400."""
    response = browser.get("/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en")
    assert_site_page(response, 400, "en", "Bad request")


def test_forbidden_is_a_site_page(db):
    """No page of ours refuses with a bare 403 today; the handler the URL configuration names
    (tracker.urls.handler403) is called as Django would."""
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="en")
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    request.user = AnonymousUser()
    with translation.override("en"):
        response = permission_denied(request, PermissionDenied())
    assert_site_page(response, 403, "en", "Access denied")


def test_expired_form_is_a_site_page(db):
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = browser.post("/login/", {"username": "a", "password": "b"}, HTTP_ACCEPT_LANGUAGE="en")
    assert_site_page(response, 403, "en", "The form has expired")


@pytest.mark.parametrize(("language", "phrase"), [("en", "Server error"), ("az", "Server xətası")])
def test_server_error_is_a_site_page_without_details(db, browser, language, phrase):
    with mock.patch.object(selectors, "recommendation_list", side_effect=ZeroDivisionError("secret detail")):
        response = browser.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert_site_page(response, 500, language, phrase)
    html = response.content.decode()
    assert "secret detail" not in html and "Traceback" not in html and "ZeroDivisionError" not in html


@pytest.mark.parametrize(
    ("path", "status", "headers"),
    [
        ("/api/v1/nothing-here/", 404, {}),
        ("/api/v1/sources/%00/", 404, {}),
        ("/api/v1/areas/", 400, {"HTTP_HOST": "evil.example"}),
    ],
)
def test_api_errors_stay_json(db, browser, path, status, headers):
    response = browser.get(path, **headers)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
