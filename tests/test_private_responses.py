"""Responses that carry notes or evidence are never kept by a shared cache or on disk
(issue 30 §4): `Cache-Control: private, no-store` on the recommendation and history pages for
signed-in users, the progress, evidence and history API and evidence files. The public page an
anonymous visitor sees may be cached as before."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from recommendations.evidence.services import evidence_add
from recommendations.progress.services import progress_record

from .factories import RecommendationFactory, UserFactory
from .test_evidence import make_pdf

NOTE = "Qurbanın adı: Aynur (gizli)"


def private(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.fixture
def world(db):
    staff = UserFactory(role="ngo_staff")
    recommendation = RecommendationFactory()
    update = progress_record(recommendation_id=recommendation.pk, status="in_progress", note=NOTE, user=staff)
    evidence = evidence_add(
        recommendation_id=recommendation.pk,
        kind="file",
        title="Protokol",
        file=SimpleUploadedFile("protokol.pdf", make_pdf()),
        user=staff,
        progress_update_id=update.pk,
    )
    return {"recommendation": recommendation, "update": update, "evidence": evidence}


@pytest.mark.parametrize("page", ["", "history/"])
def test_pages_with_notes_are_private_for_signed_in_users(world, page):
    path = f"/recommendations/{world['recommendation'].pk}/{page}"
    client = Client()
    client.force_login(UserFactory(role="analyst"))
    response = client.get(path)
    assert response.status_code == 200
    assert page or NOTE in response.content.decode()
    assert private(response), response.get("Cache-Control")


def test_the_public_page_of_an_anonymous_visitor_is_not_marked_private(world):
    response = Client().get(f"/recommendations/{world['recommendation'].pk}/")
    assert response.status_code == 200
    assert NOTE not in response.content.decode()
    assert not private(response)


@pytest.mark.parametrize("path", ["progress/", "evidence/", "history/", "file"])
def test_api_responses_with_notes_or_evidence_are_private(world, path):
    client = APIClient()
    client.force_authenticate(UserFactory(role="analyst"))
    if path == "file":
        url = f"/api/v1/evidence/{world['evidence'].pk}/file/"
    else:
        url = f"/api/v1/recommendations/{world['recommendation'].pk}/{path}"
    response = client.get(url)
    assert response.status_code == 200
    assert private(response), response.get("Cache-Control")


def test_a_recorded_progress_answer_is_private(world):
    client = APIClient()
    client.force_authenticate(UserFactory(role="ngo_staff"))
    response = client.post(
        f"/api/v1/recommendations/{world['recommendation'].pk}/progress/", {"status": "implemented", "note": NOTE}
    )
    assert response.status_code == 201
    assert private(response)
