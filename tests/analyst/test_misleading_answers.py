"""Answers that mislead (issue 27, section 3): a format, a parameter or a value an endpoint
does not take is a 400 naming it and what it takes — never a 404 "not found" nor ignored."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    ("path", "value", "allowed"),
    [
        ("/api/v1/stats/", "csv", "json, api"),
        ("/api/v1/recommendations/", "xlsx", "json, api"),
        ("/api/v1/recommendations/", "", "json, api"),
        ("/api/v1/areas/", "xml", "json, api"),
        ("/api/v1/recommendations/export/", "pdf", "csv, xlsx"),
        ("/api/v1/recommendations/export/", "", "csv, xlsx"),
    ],
)
def test_a_format_the_endpoint_does_not_answer_in_is_a_400_naming_its_formats(reports, client, path, value, allowed):
    response = client.get(f"{path}?format={value}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["format"] == [f"“{value}” is not a format of this endpoint; use one of: {allowed}."]


def test_the_browsable_format_is_the_same_answer_as_html(reports, client):
    response = client.get("/api/v1/recommendations/?format=api&area=enforcement")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
