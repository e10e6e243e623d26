"""What the API shows of imported reports: the same recommendation across report years."""

import pytest

from .factories import RecommendationFactory, SourceFactory


def series(years: list[int], country: str = "AZ"):
    """The same enforcement recommendation suggested in each year, linked like the importer links."""
    chain = []
    for year in years:
        source = SourceFactory(slug=f"dol-{year}-{country.lower()}", report_year=year, country=country)
        chain.append(
            RecommendationFactory(
                source=source,
                action=f"Əmək müfəttişlərinə treninq keçin ({year}).",
                year_start=year,
                year_end=year,
                repeats=chain[-1] if chain else None,
            )
        )
    return chain


@pytest.mark.django_db
def test_detail_lists_the_other_report_years_following_repeats_both_ways(api_client):
    first, middle, last = series([2014, 2015, 2016])
    RecommendationFactory(source=middle.source, action="Başqa tövsiyə.")  # unrelated, same source

    response = api_client.get(f"/api/v1/recommendations/{middle.pk}/")

    assert response.status_code == 200
    assert response.json()["repeats"] == first.pk
    assert response.json()["also_suggested_in"] == [
        {"id": first.pk, "source": "dol-2014-az", "report_year": 2014},
        {"id": last.pk, "source": "dol-2016-az", "report_year": 2016},
    ]
    oldest = api_client.get(f"/api/v1/recommendations/{first.pk}/").json()
    assert [item["report_year"] for item in oldest["also_suggested_in"]] == [2015, 2016]
    assert oldest["repeats"] is None


@pytest.mark.django_db
def test_a_recommendation_without_repeats_is_suggested_nowhere_else(api_client, recommendation):
    assert api_client.get(f"/api/v1/recommendations/{recommendation.pk}/").json()["also_suggested_in"] == []


@pytest.mark.django_db
def test_list_items_carry_repeats_without_extra_queries(api_client, django_assert_max_num_queries):
    for country in ("AZ", "GE", "AM", "KZ"):
        series([2014, 2015, 2016], country=country)

    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/recommendations/", {"page_size": 50})

    items = response.json()["results"]
    assert len(items) == 12
    assert "also_suggested_in" not in items[0]
    assert sum(1 for item in items if item["repeats"]) == 8
