"""The per-request pipeline made cheaper (BENCHMARKS.md) still answers as DRF and Django do:
the same JSON bytes, the same negotiation, the same users, the same messages."""

import datetime
import decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from recommendations.api.renderers import ORJSONRenderer
from recommendations.models import Recommendation

from .factories import RecommendationFactory, ResponsibleBodyFactory, SourceFactory


@pytest.fixture
def listed(db):
    source = SourceFactory(country="AZ", kind="tip")
    body = ResponsibleBodyFactory(name="Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi")
    RecommendationFactory(source=source, area="protection", action="Sığınacaqları\u2028maliyyələşdirin")
    RecommendationFactory(source=source, area=None, priority=True, responsible_bodies=[body])
    return Recommendation.objects.order_by("id")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/recommendations/?page_size=1",
        "/api/v1/recommendations/?country=AZ",
        "/api/v1/stats/?country=AZ",
        "/api/v1/sources/",
        "/api/v1/areas/",
        "/api/v1/recommendations/?stauts=x",  # an error answer
    ],
)
def test_the_api_json_is_byte_for_byte_what_drf_renders(api_client, listed, path):
    response = api_client.get(path)
    assert response["Content-Type"] == "application/json"
    assert response.content == JSONRenderer().render(response.data)


def test_the_renderer_agrees_with_drf_on_values_orjson_does_not_know():
    data = {
        "utc": datetime.datetime(2024, 5, 1, 8, 30, tzinfo=datetime.UTC),
        "baku": datetime.datetime(2024, 5, 1, 12, 30, 0, 250, tzinfo=datetime.timezone(datetime.timedelta(hours=4))),
        "day": datetime.date(2024, 5, 1),
        "amount": decimal.Decimal("12.50"),
        "lazy": gettext_lazy("Status"),
        "text": "İnsan alveri ə ı ş ğ ö ü ç \u2028 \u2029",
        1: ["a", ("b", 2)],
        "bytes": b"raw",
    }
    assert ORJSONRenderer().render(data) == JSONRenderer().render(data)


def test_an_indented_answer_is_still_rendered_by_drf(api_client, listed):
    response = api_client.get("/api/v1/areas/", HTTP_ACCEPT="application/json; indent=2")
    assert response.status_code == 200
    assert response.content.startswith(b"[\n  {")


@pytest.mark.parametrize(
    ("accept", "query", "status", "content_type"),
    [
        (None, "", 200, "application/json"),
        ("*/*", "", 200, "application/json"),
        ("application/json", "", 200, "application/json"),
        ("text/html", "", 200, "text/html; charset=utf-8"),
        ("application/xml", "", 406, "application/json"),
        (None, "?format=api", 200, "text/html; charset=utf-8"),
        ("text/html", "?format=json", 406, "application/json"),
        ("application/json", "?format=json", 200, "application/json"),
        (None, "?format=xml", 400, "application/json"),
    ],
)
def test_content_negotiation_answers_as_before(db, accept, query, status, content_type):
    headers = {"HTTP_ACCEPT": accept} if accept is not None else {}
    response = APIClient().get(f"/api/v1/areas/{query}", **headers)
    assert response.status_code == status
    assert response["Content-Type"] == content_type


def test_a_session_still_authenticates_and_a_stranger_cookie_is_anonymous(users, recommendation):
    progress = f"/api/v1/recommendations/{recommendation.pk}/progress/"
    analyst = Client()
    analyst.force_login(users["analyst"])
    assert analyst.get(progress).status_code == 200
    stranger = Client()
    stranger.cookies["sessionid"] = "not-a-session-anyone-has"
    assert stranger.get(progress).status_code == 401
    assert Client().get(progress).status_code == 401
    assert Client().get("/api/v1/recommendations/").status_code == 200


def test_a_session_without_the_csrf_token_still_cannot_write(users, recommendation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["ngo_staff"])
    response = client.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/",
        {"status": "in_progress", "note": "CSRF yoxlaması"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_messages_still_reach_the_next_page(users):
    admin = Client()
    admin.force_login(users["admin"])
    user = get_user_model().objects.create_user("aysel", password="uzun-və-gizli-parol-2024")
    response = admin.post(
        f"/admin/auth/user/{user.pk}/change/",
        {"username": "aysel.m", "is_active": "on", "date_joined_0": "2024-05-01", "date_joined_1": "10:00:00"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert any("aysel.m" in message for message in shown), shown


def test_an_api_read_sets_no_message_or_session_cookie(api_client, listed):
    response = api_client.get("/api/v1/recommendations/")
    assert response.status_code == 200
    assert not response.cookies
