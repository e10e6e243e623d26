"""The list builds its JSON from values() rows: it must say exactly what the model serializer says."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIRequestFactory

from recommendations.api.serializers import RecommendationSerializer
from recommendations.models import Recommendation

from .factories import RecommendationFactory, ResponsibleBodyFactory, SourceFactory


@pytest.fixture
def mixed_recommendations(db):
    source = SourceFactory(kind="tip", country="AZ")
    ministry, agency = ResponsibleBodyFactory(name="Əmək Nazirliyi", abbreviation="ƏƏSMN"), ResponsibleBodyFactory()
    first = RecommendationFactory(source=source, area="protection", responsible_bodies=[ministry, agency])
    later = SourceFactory(kind="tip", country="AZ", report_year=source.report_year + 1)
    RecommendationFactory(source=later, area="protection", priority=True, repeats=first, year_start=2011, year_end=2015)
    RecommendationFactory(source=source, area=None, priority=True, year_start=2011, year_end=2015)
    RecommendationFactory(source=SourceFactory(country="GE"), action="Şəki və Gəncə: İnsan alverinə qarşı")
    return Recommendation.objects.order_by("id")


@pytest.mark.parametrize("language", ["az", "en"])
def test_list_items_equal_the_model_serializer(api_client, mixed_recommendations, language):
    response = api_client.get("/api/v1/recommendations/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    request = APIRequestFactory().get("/api/v1/recommendations/")
    with translation.override(language):
        expected = RecommendationSerializer(
            mixed_recommendations.prefetch_related("responsible_bodies"), many=True, context={"request": request}
        ).data
    assert response.json()["results"] == [dict(item) for item in expected]


@pytest.mark.parametrize("page_size", [2, 50])
def test_list_query_count_does_not_grow_with_page_size(client_for, page_size, django_assert_max_num_queries):
    for number in range(60):
        RecommendationFactory(responsible_bodies=[ResponsibleBodyFactory()] if number % 2 else [])
    client = client_for("analyst")
    client.get("/api/v1/recommendations/", {"page_size": 1})  # warm per-process caches (content types)
    # user's groups (role), the page, the responsible bodies of the page
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/recommendations/", {"page_size": page_size, "country": "AZ"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size


def test_a_page_without_responsible_bodies_is_one_query(api_client, db):
    for _number in range(5):
        RecommendationFactory()
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/v1/recommendations/")
    assert response.status_code == 200
    # The data version (an anonymous read may be answered from the cache: recommendations/caching/),
    # then the page.
    assert len(queries) == 2


def test_keyset_pages_with_values_rows_neither_skip_nor_repeat(api_client, db):
    for year in (2011, 2012, 2012, 2013, 2014, 2014, 2015):
        RecommendationFactory(year_start=year, year_end=year)
    seen, url = [], "/api/v1/recommendations/?ordering=-year_start&page_size=3"
    while url:
        page = api_client.get(url).json()
        seen += [(row["year_start"], row["id"]) for row in page["results"]]
        url = page["next"]
    assert len(seen) == 7
    assert seen == sorted(seen, key=lambda key: (-key[0], -key[1]))
    back = api_client.get(api_client.get("/api/v1/recommendations/?ordering=-year_start&page_size=3").json()["next"])
    previous = api_client.get(back.json()["previous"]).json()
    assert [(row["year_start"], row["id"]) for row in previous["results"]] == seen[:3]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"country": "XX"}, "country"), ({"source": "no-such-report"}, "source"), ({"status": "done"}, "status")],
)
def test_unknown_filter_values_are_still_rejected(api_client, db, params, field):
    response = api_client.get("/api/v1/recommendations/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_existing_source_and_lower_case_country_filter(api_client, mixed_recommendations):
    georgian = mixed_recommendations.get(country="GE")
    response = api_client.get("/api/v1/recommendations/", {"source": georgian.source.slug, "country": "ge"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [georgian.pk]
