"""A token sent as `Authorization: Bearer <key>` (what most HTTP clients write) works as
`Token <key>` does, and the schema declares both (issue 27, section 3). Before, a Bearer key
was silently anonymous on lists and "credentials not provided" on the progress log."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from .factories import PASSWORD, RecommendationFactory, UserFactory

pytestmark = pytest.mark.usefixtures("clear_throttle_cache")


def _key(user) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "bearer", "BEARER"])
def test_the_progress_log_reads_a_key_sent_either_way(db, scheme):
    key = _key(UserFactory(role="analyst"))
    recommendation = RecommendationFactory()
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
    response = client.get(f"/api/v1/recommendations/{recommendation.pk}/progress/")
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("path", ["/api/v1/recommendations/", "/api/v1/stats/", "/api/v1/areas/"])
def test_a_wrong_bearer_key_is_a_401_not_an_anonymous_answer(db, path):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION="Bearer " + "0" * 40)
    response = client.get(path)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."
    assert response["WWW-Authenticate"] == "Token"


def test_a_bearer_header_without_a_key_is_a_401_naming_the_form(db):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION="Bearer")
    response = client.get("/api/v1/recommendations/")
    assert response.status_code == 401
    assert "Bearer <key>" in response.json()["detail"]


def test_another_scheme_is_not_ours_and_not_refused(db):
    # A password-protected proxy in front of the site sends Basic credentials on every request.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert client.get("/api/v1/recommendations/").status_code == 200


def test_the_schema_declares_both_schemes_as_alternatives(db):
    schema = Client().get("/api/schema/?format=json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["type"] == "http" and schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["tokenAuth"]["type"] == "apiKey" and schemes["tokenAuth"]["name"] == "Authorization"
    progress = schema["paths"]["/api/v1/recommendations/{recommendation_pk}/progress/"]["get"]["security"]
    assert {"bearerAuth": []} in progress and {"tokenAuth": []} in progress
    assert not [requirement for requirement in progress if len(requirement) > 1]  # either, not both
