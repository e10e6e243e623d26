"""The admin in Azerbaijani, and its change records: filterable by recommendation, newest
first, with the same readable before → after as the history page."""

import pytest
from django.test import Client

from recommendations.models import ChangeRecord
from recommendations.progress.services import progress_record
from tests.factories import RecommendationFactory, UserFactory


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(UserFactory(role="admin"))
    return client


def test_change_records_of_one_recommendation_newest_first_readable(admin_client):
    wanted, other = RecommendationFactory(), RecommendationFactory()
    staff = UserFactory(role="ngo_staff")
    progress_record(recommendation_id=wanted.pk, status="in_progress", user=staff)
    progress_record(recommendation_id=other.pk, status="implemented", user=staff)
    progress_record(recommendation_id=wanted.pk, status="implemented", user=staff)

    response = admin_client.get("/admin/recommendations/changerecord/", {"recommendation": wanted.pk})
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == list(
        ChangeRecord.objects.filter(object_type__model="recommendation", object_id=wanted.pk).order_by(
            "-changed_at", "-id"
        )
    )
    assert len(shown) == 3
    html = response.content.decode()
    assert "Status: İcra olunur → Həyata keçirilib" in html
    assert "Status: Qiymətləndirilməyib → İcra olunur" in html

    detail = admin_client.get(f"/admin/recommendations/changerecord/{shown[0].pk}/change/").content.decode()
    assert "<td>İcra olunur</td><td>Həyata keçirilib</td>" in detail


def test_a_bad_recommendation_filter_is_not_a_server_error(admin_client):
    response = admin_client.get("/admin/recommendations/changerecord/", {"recommendation": "abc"})
    assert response.status_code in (200, 302)


def test_the_history_button_of_a_recommendation_opens_its_change_records(admin_client):
    recommendation = RecommendationFactory()
    response = admin_client.get(f"/admin/recommendations/recommendation/{recommendation.pk}/history/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/recommendations/changerecord/?recommendation={recommendation.pk}"


def test_areas_are_named_in_the_admins_language(admin_client):
    recommendation = RecommendationFactory(area="enforcement")
    listing = admin_client.get("/admin/recommendations/recommendation/").content.decode()
    assert "Tətbiqat" in listing and "Enforcement" not in listing
    change = admin_client.get(f"/admin/recommendations/recommendation/{recommendation.pk}/change/").content.decode()
    assert '<option value="enforcement" selected>Tətbiqat</option>' in change
    english = admin_client.get("/admin/recommendations/recommendation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Enforcement" in english
