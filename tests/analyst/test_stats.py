"""GET /api/v1/stats/: counts computed in the database, for anyone, with every list filter."""

import pytest

from recommendations.choices import Status
from tests.factories import SourceFactory, recommendation_batch

# The data version (recommendations/caching/); grouped queries: by area × status, by year range
# × status, by source × status; then the titles of the sources counted.
STATS_QUERIES = 5


def by_key(rows, key):
    return {row[key]: row for row in rows}


def test_stats_on_known_data(reports, api_client):
    response = api_client.get("/api/v1/stats/")

    assert response.status_code == 200
    stats = response.json()
    assert stats["total"] == 11
    assert stats["by_status"] == {
        "not_assessed": 3,
        "not_started": 4,
        "in_progress": 2,
        "partially_implemented": 1,
        "implemented": 1,
    }
    assert [status["code"] for status in stats["statuses"]] == Status.values

    areas = by_key(stats["by_area"], "area")
    assert areas["enforcement"]["total"] == 2
    assert areas["enforcement"]["by_status"]["in_progress"] == 1
    assert areas["enforcement"]["by_status"]["not_started"] == 1
    assert areas["enforcement"]["area_name"] == "Tətbiqat"
    assert areas["protection"]["by_status"]["not_started"] == 2
    assert areas[None]["total"] == 1  # not yet classified
    assert sum(area["total"] for area in stats["by_area"]) == stats["total"]

    sources = by_key(stats["by_source"], "source")
    assert {slug: row["total"] for slug, row in sources.items()} == {
        "dol-2015-az": 7,
        "tip-2021-az": 1,
        "tip-2022-az": 3,
    }
    assert sources["dol-2015-az"]["by_status"]["implemented"] == 1


def test_a_recommendation_counts_in_every_year_of_its_range(reports, api_client):
    years = by_key(api_client.get("/api/v1/stats/").json()["by_year"], "year")

    # 2011–2015 (in progress) is the only recommendation reaching back to 2011.
    assert years[2011]["total"] == 1
    assert years[2011]["by_status"]["in_progress"] == 1
    # 2012–2015, 2011–2015 → 2012; plus 2013–2015 in 2013; plus 2014–2015 in 2014.
    assert [years[year]["total"] for year in (2012, 2013, 2014)] == [2, 3, 4]
    # Every DOL recommendation runs to 2015.
    assert years[2015]["total"] == 7
    assert years[2021]["total"] == 1
    assert years[2022]["total"] == 3
    assert 2016 not in years


@pytest.mark.parametrize(
    ("query", "total"),
    [
        ("source=tip-2022-az", 3),
        ("year=2011", 1),
        ("year=2013", 3),
        ("year_from=2016&year_to=2030", 4),
        ("area=enforcement&status=in_progress", 1),
        ("area=enforcement,protection", 4),
        ("area=none", 1),
        ("priority=true", 3),
        ("country=az", 11),
        ("q=muffettis", 2),
    ],
)
def test_stats_accept_every_list_filter(reports, api_client, query, total):
    stats = api_client.get(f"/api/v1/stats/?{query}").json()
    listed = api_client.get(f"/api/v1/recommendations/?page_size=500&{query}").json()["results"]

    assert stats["total"] == total == len(listed)


def test_stats_filtered_by_year_count_only_that_year_range(reports, api_client):
    stats = api_client.get("/api/v1/stats/?source=dol-2015-az&status=in_progress").json()

    assert stats["total"] == 1
    assert [row["year"] for row in stats["by_year"]] == [2011, 2012, 2013, 2014, 2015]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("year=abc", "year"), ("status=done", "status"), ("area=nope", "area"), ("stauts=done", "stauts")],
)
def test_bad_filters_are_a_400_naming_the_parameter(reports, api_client, query, parameter):
    response = api_client.get(f"/api/v1/stats/?{query}")

    assert response.status_code == 400
    assert parameter in response.json()


def test_anyone_may_read_stats(reports, client_for):
    for role in ("anonymous", "analyst", "ngo_staff", "admin"):
        assert client_for(role).get("/api/v1/stats/").status_code == 200


def add_recommendations(count: int, first_position: int) -> None:
    recommendation_batch(
        source=SourceFactory(report_year=2020),
        rows=[
            {
                "position": first_position + offset,
                "year_start": 2000 + offset % 17,
                "year_end": 2000 + offset % 17 + offset % 5,
                "area": ("enforcement", "coordination", None)[offset % 3],
            }
            for offset in range(count)
        ],
    )


@pytest.mark.parametrize("query", ["", "?year_from=2005&area=enforcement,coordination"])
def test_stats_query_count_does_not_grow_with_the_data(reports, api_client, django_assert_num_queries, query):
    with django_assert_num_queries(STATS_QUERIES):
        small = api_client.get(f"/api/v1/stats/{query}").json()

    add_recommendations(60, first_position=1)

    with django_assert_num_queries(STATS_QUERIES):
        large = api_client.get(f"/api/v1/stats/{query}").json()
    assert large["total"] > small["total"]


@pytest.mark.parametrize("language", ["az", "en"])
def test_stats_response_is_what_the_documented_serializer_says(reports, api_client, language):
    from django.http import QueryDict
    from django.utils import translation

    from recommendations.analytics import stats
    from recommendations.api.stats_serializers import StatsSerializer
    from recommendations.listing import selectors

    response = api_client.get("/api/v1/stats/", HTTP_ACCEPT_LANGUAGE=language)
    with translation.override(language):
        expected = StatsSerializer(stats.recommendation_stats(selectors.recommendation_list(params=QueryDict()))).data
    assert response.json() == expected


@pytest.mark.parametrize(
    ("breakdown", "present", "queries"),
    [
        # Each after the data version (recommendations/caching/):
        ("area", {"by_area"}, 1 + 1),
        ("year", {"by_year"}, 1 + 2),  # by status alone, then by year range
        ("source", {"by_source"}, 1 + 3),
        ("year,source", {"by_year", "by_source"}, 1 + 4),
        ("area&breakdown=year", {"by_area", "by_year"}, 1 + 2),
    ],
)
def test_stats_computes_only_the_breakdowns_asked_for(
    reports, api_client, django_assert_num_queries, breakdown, present, queries
):
    full = api_client.get("/api/v1/stats/").json()
    with django_assert_num_queries(queries):
        response = api_client.get(f"/api/v1/stats/?breakdown={breakdown}")
    assert response.status_code == 200
    stats = response.json()
    assert {key for key in stats if key.startswith("by_") and key != "by_status"} == present
    assert {key: stats[key] for key in ("total", "by_status", *present)} == {
        key: full[key] for key in ("total", "by_status", *present)
    }


def test_stats_refuses_an_unknown_breakdown(db, api_client):
    response = api_client.get("/api/v1/stats/?breakdown=area,country", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "country" in response.json()["breakdown"][0]
