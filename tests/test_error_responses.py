"""API clients always get JSON, and a database outage is a 503 they can retry, wherever in
the request the database was reached."""

from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client

from recommendations.listing import query as list_query

DOWN = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.fixture
def browser():
    """A client that gets the response Django would send, not the exception."""
    return Client(raise_request_exception=False)


def assert_database_unavailable(response):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == "5"
    assert "database" in response.json()["detail"]


@pytest.mark.parametrize("error", [DOWN, InterfaceError("connection already closed")])
def test_database_down_inside_an_api_view_is_a_json_503(error, db, browser):
    with mock.patch.object(list_query, "recommendation_page_rows", side_effect=error):
        assert_database_unavailable(browser.get("/api/v1/recommendations/", HTTP_ACCEPT_LANGUAGE="en"))


def test_database_down_in_session_middleware_is_a_json_503(db, users, browser):
    """The session is loaded and saved by middleware, outside DRF's exception handling."""
    browser.force_login(users["analyst"])
    with mock.patch.object(SessionStore, "load", side_effect=DOWN):
        response = browser.get("/api/v1/areas/", HTTP_ACCEPT_LANGUAGE="en")
    assert_database_unavailable(response)


@pytest.mark.parametrize(("path", "language", "words"), [("/admin/", "en", "not reachable"), ("/", "az", "əlçatan")])
def test_database_down_outside_the_api_is_an_html_503_page(db, users, browser, path, language, words):
    browser.force_login(users["admin"])
    with mock.patch.object(SessionStore, "load", side_effect=DOWN):
        response = browser.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "503" in page and words in page
    assert users["admin"].username not in page  # rendered without the user


def test_other_server_errors_under_the_api_are_json_500(db, browser):
    with mock.patch.object(list_query, "recommendation_page_rows", side_effect=ZeroDivisionError):
        response = browser.get("/api/v1/recommendations/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/recommendations/-1/progress/", "/api/v2/"])
def test_unknown_api_path_is_a_json_404(path, db, browser):
    response = browser.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_unknown_page_outside_the_api_is_still_html(db, browser):
    response = browser.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
