"""The answer is what was asked, or a 400 naming the parameter (issue 27, section 1): a
parameter given twice, a cursor reused with other filters. Called as an analyst would."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

LIST = "/api/v1/recommendations/"
STATS = "/api/v1/stats/"
TIMELINE = "/api/v1/stats/timeline/"
CSV = "/api/v1/recommendations/export.csv"
XLSX = "/api/v1/recommendations/export.xlsx"
EXPORT = "/api/v1/recommendations/export/"
DASHBOARD = "/"


@pytest.fixture
def client() -> APIClient:
    """An anonymous analyst's client, reading the English messages."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


# (endpoint, a query that gives one single-value parameter twice, that parameter)
REPEATED = [
    *((path, "year=2010&year=2022", "year") for path in (LIST, STATS, TIMELINE, CSV, XLSX, DASHBOARD)),
    *((path, "year=2022&year=2010", "year") for path in (LIST, STATS)),
    *((path, "as_of=2016-01-01&as_of=2024-01-01", "as_of") for path in (LIST, STATS, CSV, XLSX, DASHBOARD)),
    *((path, "q=muffettis&q=insan", "q") for path in (LIST, STATS, TIMELINE, CSV, XLSX, DASHBOARD)),
    (TIMELINE, "interval=year&interval=month", "interval"),
    (DASHBOARD, "interval=year&interval=month", "interval"),
    (TIMELINE, "from=2015-01-01&from=2022-01-01", "from"),
    (TIMELINE, "to=2023-01-01&to=2024-01-01", "to"),
    (EXPORT, "format=csv&format=xlsx", "format"),
    (LIST, "ordering=id&ordering=-id", "ordering"),
    (CSV, "ordering=id&ordering=-id", "ordering"),
    (LIST, "page_size=1&page_size=2", "page_size"),
    (LIST, "priority=true&priority=false", "priority"),
    (STATS, "distinct=latest&distinct=latest", "distinct"),
    (STATS, "overdue=true&overdue=false", "overdue"),
]


@pytest.mark.parametrize(("path", "query", "parameter"), REPEATED)
def test_a_single_value_parameter_given_twice_is_a_400_naming_it(reports, client, path, query, parameter):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400, response.content[:300]
    if path == DASHBOARD:
        assert "Given more than once" in response.content.decode()
    else:
        body = response.json()
        assert body[parameter] == ["Given more than once; this parameter takes one value."]


def test_a_multi_valued_parameter_takes_every_value_repeated_or_comma_separated(reports, client):
    listed = client.get(f"{LIST}?area=enforcement&area=prosecution&page_size=500").json()
    assert listed == client.get(f"{LIST}?area=enforcement,prosecution&page_size=500").json()
    assert {row["area"] for row in listed["results"]} == {"enforcement", "prosecution"}
    counted = client.get(f"{STATS}?area=enforcement&area=prosecution&breakdown=area&breakdown=year").json()
    assert counted == client.get(f"{STATS}?area=enforcement,prosecution&breakdown=area,year").json()
    assert [row["area"] for row in counted["by_area"]] == ["enforcement", "prosecution"]
    assert counted["total"] == len(listed["results"])


def test_the_xlsx_filters_sheet_states_what_the_rows_are(reports, client):
    response = client.get(f"{XLSX}?area=enforcement&area=prosecution&year=2015")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook["recommendations"].iter_rows(values_only=True))
    header = rows[0]
    areas = {row[header.index("area")] for row in rows[1:]}
    stated = {name: value for name, value, *_rest in list(workbook["filters"].iter_rows(values_only=True))[1:]}
    assert stated["area"] == "enforcement,prosecution"
    assert stated["year"] == "2015"
    assert areas == {"enforcement"}  # the TIP prosecution row is of 2022, not 2015


def _next_cursor(client, query: str) -> str:
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    return parse_qs(urlsplit(response.json()["next"]).query)["cursor"][0]


@pytest.mark.parametrize(
    "other", ["area=enforcement&page_size=1", "page_size=1", "area=protection&page_size=1&q=qurban"]
)
def test_a_cursor_reused_with_other_filters_is_a_400(reports, client, other):
    cursor = _next_cursor(client, "area=protection&page_size=1")
    response = client.get(f"{LIST}?{other}&cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["cursor"] == [
        "The cursor was issued for other filters; leave it out to start from the first page."
    ]


def test_a_cursor_follows_its_own_filters_however_they_are_spelt(reports, client):
    cursor = _next_cursor(client, "area=protection&area=enforcement&country=AZ&page_size=1")
    first = client.get(f"{LIST}?area=enforcement,protection&country=AZ&page_size=1&cursor={cursor}")
    assert first.status_code == 200
    again = client.get(f"{LIST}?page_size=3&country=AZ&area=protection&area=enforcement&cursor={cursor}")
    assert again.status_code == 200
    assert again.json()["results"][0] == first.json()["results"][0]
    assert {row["area"] for row in again.json()["results"]} <= {"protection", "enforcement"}
