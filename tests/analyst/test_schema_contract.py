"""The schema says what the README says: every list filter described where it is taken, the
spreadsheets declared, and a next cursor a generated client can pass back as `cursor`."""

import pytest
import yaml

from recommendations.api.filter_docs import FILTER_DESCRIPTIONS

LIST_READERS = [
    "/api/v1/recommendations/",
    "/api/v1/stats/",
    "/api/v1/stats/timeline/",
    "/api/v1/recommendations/export.csv",
    "/api/v1/progress/",
]


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return yaml.safe_load(Client().get("/api/schema/").content)


@pytest.mark.parametrize("path", LIST_READERS)
def test_every_filter_is_described(schema, path):
    parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
    for name in set(FILTER_DESCRIPTIONS) & set(parameters):
        assert parameters[name].get("description") == FILTER_DESCRIPTIONS[name], (path, name)
    assert {"area", "country", "q", "year", "status"} <= set(parameters)


def test_the_rules_are_in_the_descriptions(schema):
    parameters = {p["name"]: p["description"] for p in schema["paths"]["/api/v1/recommendations/"]["get"]["parameters"]}
    assert "`none`" in parameters["area"] and "comma-separated" in parameters["area"]
    assert "2011–2015" in parameters["year"] and "overlap" in parameters["year_from"]
    assert "ə → e" in parameters["q"] and "İ" in parameters["q"]
    assert "end of this day" in parameters["as_of"] and "1 January" in parameters["as_of"]


@pytest.mark.parametrize("path", ["/api/v1/stats/", "/api/v1/stats/timeline/", "/api/v1/recommendations/export.xlsx"])
def test_spreadsheets_are_declared(schema, path):
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    xlsx = content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    assert xlsx["schema"] == {"type": "string", "format": "binary"}


def test_a_client_passes_the_next_cursor_back(reports, schema, api_client):
    listed = schema["components"]["schemas"]["PaginatedRecommendationList"]["properties"]
    assert listed["next_cursor"]["type"] == "string"

    first = api_client.get("/api/v1/recommendations/?page_size=3&source=dol-2015-az").json()
    second = api_client.get(
        "/api/v1/recommendations/", {"page_size": 3, "source": "dol-2015-az", "cursor": first["next_cursor"]}
    ).json()
    assert second["results"] == api_client.get(first["next"]).json()["results"]
    assert second["previous_cursor"]
    back = api_client.get(
        "/api/v1/recommendations/",
        {"page_size": 3, "source": "dol-2015-az", "cursor": second["previous_cursor"]},
    ).json()
    assert back["results"] == first["results"]
    last = api_client.get("/api/v1/recommendations/?page_size=500").json()
    assert last["next_cursor"] is None and last["previous_cursor"] is None
