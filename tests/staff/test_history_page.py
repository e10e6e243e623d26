"""The history page: every change with who, when and a readable before → after per field,
for analysts and above; nobody else sees it."""

import pytest
from django.test import Client

from recommendations.catalog.services import recommendation_update
from recommendations.evidence.services import evidence_add
from recommendations.progress.services import progress_record
from tests.factories import RecommendationFactory, ResponsibleBodyFactory, UserFactory


@pytest.fixture
def changed(db):
    recommendation = RecommendationFactory(area="enforcement")
    staff = UserFactory(username="aysel", role="ngo_staff")
    admin = UserFactory(username="rəhbər", role="admin")
    body = ResponsibleBodyFactory(name="Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi")
    progress_record(recommendation_id=recommendation.pk, status="in_progress", note="Gizli qeyd", user=staff)
    recommendation_update(
        recommendation_id=recommendation.pk,
        data={"area": "coordination", "priority": True, "responsible_bodies": [body]},
        user=admin,
        note="Sahə düzəldildi",
    )
    evidence_add(recommendation_id=recommendation.pk, kind="link", title="Qərar", url="https://e-qanun.az/", user=staff)
    return recommendation


def history(client, recommendation, **headers):
    return client.get(f"/recommendations/{recommendation.pk}/history/", **headers)


def logged_in(role):
    client = Client()
    client.force_login(UserFactory(role=role))
    return client


def test_analysts_see_each_change_readable_newest_first_in_azerbaijani(changed):
    response = history(logged_in("analyst"), changed)
    assert response.status_code == 200
    html = response.content.decode()
    # Newest first: the evidence, the admin's edit, the status change, the creation.
    # (The action's row by its header: "Tədbirlər", the measures, is in the site's navigation.)
    rows = ("Sübut əlavə edildi", "Sahə düzəldildi", "Qiymətləndirilməyib", '<th scope="row">Tədbir</th>')
    order = [html.index(text) for text in rows]
    assert order == sorted(order)
    assert "rəhbər" in html and "aysel" in html
    assert (
        '<tr data-field="status"><th scope="row">Status</th>'
        '<td class="before">Qiymətləndirilməyib</td><td class="after">İcra olunur</td>' in html
    )
    assert '<td class="before">Tətbiqat</td><td class="after">Əlaqələndirmə</td>' in html
    assert "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi" in html
    assert "Qərar (Keçid)" in html
    assert "{" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # no raw JSON


def test_english_labels(changed):
    html = history(logged_in("analyst"), changed, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<th scope="row">Status</th><td class="before">Not assessed</td><td class="after">In progress</td>' in html
    assert '<td class="before">Enforcement</td><td class="after">Coordination</td>' in html
    assert '<th scope="row">Prioritized</th><td class="before">No</td><td class="after">Yes</td>' in html


def test_anonymous_readers_are_sent_to_sign_in_and_see_nothing(changed):
    response = history(Client(), changed)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    detail = Client().get(f"/recommendations/{changed.pk}/").content.decode()
    assert "/history/" not in detail and "Gizli qeyd" not in detail and "aysel" not in detail


def test_a_user_without_a_role_is_refused(changed):
    client = Client()
    client.force_login(UserFactory())
    assert history(client, changed).status_code == 403


def test_unknown_recommendation_is_a_404(db):
    assert history(logged_in("analyst"), type("R", (), {"pk": 999999})()).status_code == 404
