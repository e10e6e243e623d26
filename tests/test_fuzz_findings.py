"""Inputs that schemathesis runs with other seeds found: each answered as the schema says."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["/api/v1/stats/changes/", "/api/v1/stats/timeline/"])
@pytest.mark.parametrize("day", ["0001-01-01", "0001-03-31", "9999-12-31", "1899-12-31", "9000-01-01"])
def test_a_day_at_the_calendars_ends_is_an_answer(api_client, endpoint, day):
    """Any day is an answer, as for `as_of` (the quarter before the calendar's first, which
    the changes take as `from` by default, once overflowed into a 500)."""
    response = api_client.get(endpoint, {"to": day})
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_the_schema_states_the_days_format_and_a_username_needs_a_visible_character(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/stats/changes/"]["get"]["parameters"]
    (to,) = [parameter for parameter in parameters if parameter["name"] == "to"]
    assert to["schema"] == {"type": "string", "format": "date"}
    properties = schema["components"]["schemas"]["TokenRequest"]["properties"]
    assert "\\s" in properties["username"]["pattern"] and "\\u0000" in properties["password"]["pattern"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "body"),
    [("username", {"username": "\u0085", "password": "x"}), ("username", {"username": "a\x00", "password": "x"})],
)
def test_a_name_without_a_visible_character_or_with_a_nul_is_refused_naming_it(api_client, field, body):
    response = api_client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
