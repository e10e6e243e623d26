"""Measures in the admin, driven as an admin does: created with the recommendations it answers
typed by number, edited (links added and removed), refused beside the field when a number is
wrong, refused whole when someone else changed it meanwhile — each write a history row, as
through the services."""

import pytest

from recommendations.history.selectors import measure_history, recommendation_history
from recommendations.measures.models import Measure
from recommendations.measures.services import measure_update

from .admin_forms import admin_client, open_form, submit
from .factories import MeasureFactory, RecommendationFactory, SourceFactory, UserFactory

ADD = "/admin/recommendations/measure/add/"


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin-ayten", role="admin")


@pytest.fixture
def recommendations(db):
    dol, tip = SourceFactory(slug="dol-2019-az", report_year=2019), SourceFactory(slug="tip-2022-az", kind="tip")
    return [RecommendationFactory(source=dol), RecommendationFactory(source=dol), RecommendationFactory(source=tip)]


def test_an_admin_creates_a_measure_answering_recommendations_by_number(admin_user, recommendations):
    client = admin_client(admin_user)
    data = open_form(client, ADD)
    first, second, third = recommendations
    data.update(
        country="AZ",
        kind="action_plan",
        title_az="İnsan alverinə qarşı 2020–2024-cü illər üçün Milli Fəaliyyət Planı",
        description="Nazirlər Kabinetinin qərarı",
        start_on="2020-01-01",
        end_on="2024-12-31",
        recommendation_numbers=f"{first.pk}, #{third.pk} {second.pk}",
    )
    response = submit(client, ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    measure = Measure.objects.get()
    assert measure.title == "İnsan alverinə qarşı 2020–2024-cü illər üçün Milli Fəaliyyət Planı"
    assert sorted(measure.recommendations.values_list("pk", flat=True)) == sorted(r.pk for r in recommendations)
    (created,) = measure_history(measure)
    assert created.username == "admin-ayten" and created.action == "create"
    assert recommendation_history(third).filter(object_type__model="measurelink", action="create").exists()

    # Edited: one link removed, the dates corrected; the page shows the numbers it holds.
    url = f"/admin/recommendations/measure/{measure.pk}/change/"
    data = open_form(client, url)
    assert data["recommendation_numbers"] == ", ".join(str(r.pk) for r in sorted(recommendations, key=lambda r: r.pk))
    data.update(recommendation_numbers=f"{first.pk} {third.pk}", end_on="2025-06-30")
    response = submit(client, url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    measure.refresh_from_db()
    assert sorted(measure.recommendations.values_list("pk", flat=True)) == sorted([first.pk, third.pk])
    assert str(measure.end_on) == "2025-06-30"
    assert recommendation_history(second).filter(object_type__model="measurelink", action="delete").exists()


@pytest.mark.parametrize(
    ("numbers", "message"),
    [("12a", "Not a recommendation number: 12a."), ("987654", "Recommendation 987654 does not exist.")],
)
def test_a_wrong_number_is_refused_beside_its_field_and_nothing_is_saved(admin_user, recommendations, numbers, message):
    client = admin_client(admin_user)
    data = open_form(client, ADD)
    data.update(country="AZ", kind="law", title_en="Law on combating trafficking", recommendation_numbers=numbers)
    response = submit(client, ADD, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["recommendation_numbers"] == [message]
    assert not Measure.objects.exists()


def test_a_measure_without_a_title_or_ending_before_it_starts_is_refused(admin_user, recommendations):
    client = admin_client(admin_user)
    data = open_form(client, ADD)
    data.update(country="AZ", kind="budget", start_on="2024-01-01", end_on="2023-01-01")
    response = submit(client, ADD, data)
    errors = response.context["adminform"].form.errors
    assert "title_az" in errors and "end_on" in errors
    assert not Measure.objects.exists()


def test_a_form_opened_before_someone_elses_change_is_refused(admin_user, recommendations):
    measure = MeasureFactory(recommendations=recommendations[:1], user=admin_user)
    title_az = measure.title_az
    client = admin_client(admin_user)
    url = f"/admin/recommendations/measure/{measure.pk}/change/"
    data = open_form(client, url)
    measure_update(measure_id=measure.pk, data={"title_en": "Renamed by Elvin"}, user=UserFactory(role="ngo_staff"))
    data.update(title_az="Mənim adım")
    response = submit(client, url, data)
    assert response.status_code == 200
    assert "Someone else changed this record" in str(response.context["adminform"].form.non_field_errors())
    measure.refresh_from_db()
    assert (measure.title_az, measure.title_en) == (title_az, "Renamed by Elvin")
