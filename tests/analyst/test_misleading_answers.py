"""Answers that mislead (issue 27, section 3): a format, a parameter or a value an endpoint
does not take is a 400 naming it and what it takes — never a 404 "not found" nor ignored."""

import pytest
from rest_framework.test import APIClient

from recommendations.tags.vocabularies import UPR_THEMES


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    ("path", "value", "allowed"),
    [
        ("/api/v1/stats/", "pdf", "json, api, csv, xlsx"),
        ("/api/v1/stats/timeline/", "docx", "json, api, csv, xlsx"),
        ("/api/v1/recommendations/", "xlsx", "json, api"),
        ("/api/v1/recommendations/", "", "json, api"),
        ("/api/v1/areas/", "xml", "json, api"),
        ("/api/v1/recommendations/export/", "pdf", "csv, xlsx"),
        ("/api/v1/recommendations/export/", "", "csv, xlsx"),
    ],
)
def test_a_format_the_endpoint_does_not_answer_in_is_a_400_naming_its_formats(reports, client, path, value, allowed):
    response = client.get(f"{path}?format={value}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["format"] == [f"“{value}” is not a format of this endpoint; use one of: {allowed}."]


def test_the_browsable_format_is_the_same_answer_as_html(reports, client):
    response = client.get("/api/v1/recommendations/?format=api&area=enforcement")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"


def _accepted(message: str) -> list[str]:
    prefix = "Unknown parameter; this endpoint accepts: "
    assert message.startswith(prefix), message
    return message.removeprefix(prefix).rstrip(".").split(", ")


def test_a_detail_takes_no_list_filter_and_no_paging(reports, client):
    pk = reports["victim_identification"].pk
    for query in ("area=enforcement", "cursor=abc", "page_size=2", "ordering=id"):
        response = client.get(f"/api/v1/recommendations/{pk}/?{query}")
        assert response.status_code == 400, query  # not a 404 for a record that exists
        name = query.split("=")[0]
        assert _accepted(response.json()[name][0]) == ["as_of", "format"]
    slug = reports.tip_2022.slug
    response = client.get(f"/api/v1/sources/{slug}/?cursor=abc")
    assert response.status_code == 400
    assert _accepted(response.json()["cursor"][0]) == ["format"]


def test_a_detail_as_of_a_day_gives_its_status_that_day(reports, client):
    item = reports["victim_identification"]  # not started since 2023-03-15 (tests/analyst/reports.py)
    current = client.get(f"/api/v1/recommendations/{item.pk}/")
    assert current.json()["status_as_of"] is None and current.has_header("ETag")
    then = client.get(f"/api/v1/recommendations/{item.pk}/?as_of=2022-06-01")
    assert then.status_code == 200
    assert (then.json()["status_as_of"], then.json()["status_as_of_label"]) == ("not_assessed", "Not assessed")
    assert then.json()["status"] == "not_started"
    # The version's tag names the current body; this one gets a tag of its own content.
    assert then.get("ETag") != current["ETag"] == current.json()["etag"]
    assert client.get(f"/api/v1/recommendations/{item.pk}/?as_of=2023-03-15").json()["status_as_of"] == "not_started"
    assert client.get(f"/api/v1/recommendations/{item.pk}/?as_of=2021-12-31").json()["status_as_of"] is None
    assert client.get(f"/api/v1/recommendations/{item.pk}/?as_of=2023-3-15").json()["as_of"]


def test_areas_take_a_kind_and_nothing_else(reports, client):
    tip = client.get("/api/v1/areas/?kind=tip").json()
    assert {area["kind"] for area in tip} == {"tip"} and len(tip) == 3
    # DOL's 5, TIP's 3 and the UPR's theme headings.
    assert len(client.get("/api/v1/areas/").json()) == 8 + len(UPR_THEMES)
    assert _accepted(client.get("/api/v1/areas/?araa=1").json()["araa"][0]) == ["format", "kind"]
    assert client.get("/api/v1/areas/?kind=ilo").json()["kind"] == [
        "“ilo” is not a kind of report; use one of: dol, tip, upr, other."
    ]


@pytest.mark.parametrize("path", ["/api/v1/stats/timeline/", "/api/v1/stats/changes/"])
def test_timeline_and_changes_do_not_claim_to_take_as_of(reports, client, path):
    response = client.get(f"{path}?as_of=2024-01-01")
    assert response.status_code == 400
    accepted = _accepted(response.json()["as_of"][0])
    assert "as_of" not in accepted and {"from", "to", "area", "overdue"} <= set(accepted)


def test_codes_are_read_in_either_case(reports, client):
    lower = client.get("/api/v1/recommendations/?area=enforcement&status=in_progress&country=az").json()
    upper = client.get("/api/v1/recommendations/?area=Enforcement&status=IN_PROGRESS&country=AZ").json()
    assert lower["results"] and upper["results"] == lower["results"]
    assert client.get("/api/v1/stats/?area=ENFORCEMENT").json() == client.get("/api/v1/stats/?area=enforcement").json()


def _content(answer) -> object:
    return b"".join(answer.streaming_content) if answer.streaming else answer.json()


def test_every_code_is_read_in_either_case(reports, client):
    """Not only area, status and country: a kind of report, a report's slug, an indicator's code
    (`kind=TIP` and `source=DOL-2015-AZ` were 400s beside a passing `country=az`)."""
    from recommendations.indicators.models import Indicator
    from recommendations.indicators.services import indicator_value_add
    from tests.factories import UserFactory

    assert client.get("/api/v1/areas/?kind=TIP").json() == client.get("/api/v1/areas/?kind=tip").json()
    slug = reports.tip_2022.slug
    for path in ("/api/v1/recommendations/", "/api/v1/stats/", "/api/v1/recommendations/export.csv"):
        lower, upper = client.get(f"{path}?source={slug}"), client.get(f"{path}?source={slug.upper()}")
        assert upper.status_code == 200, (path, upper.content[:200])
        assert _content(upper) == _content(lower), path
    assert (
        client.get("/api/v1/recommendations/?source=TIP-2021-AZ,Tip-2022-Az").json()["results"]
        == (client.get("/api/v1/recommendations/?source=tip-2021-az,tip-2022-az").json()["results"])
    )
    indicator = Indicator.objects.filter(kind="tip").order_by("position")[0]  # the vocabulary's, from the migrations
    indicator_value_add(indicator=indicator, source=reports.tip_2022, year=2021, state="unknown", user=UserFactory())
    asked = f"kind=TIP&indicator={indicator.code.upper()}&source={slug.upper()}"
    values = client.get(f"/api/v1/indicator-values/?{asked}").json()["results"]
    assert [(value["indicator"], value["source"]) for value in values] == [(indicator.code, slug)]
    kinds = client.get("/api/v1/indicators/?kind=TIP&page_size=500").json()["results"]
    assert kinds and {row["kind"] for row in kinds} == {"tip"}


@pytest.mark.parametrize(
    ("query", "parameter", "allowed"),
    [
        (
            "area=enforcment",
            "area",
            "legal_framework, enforcement, coordination, government_policies, social_programs, prosecution, "
            "protection, prevention, " + "".join(f"{code}, " for code, *_names in UPR_THEMES) + "none",
        ),
        (
            "status=done",
            "status",
            "not_assessed, not_started, in_progress, partially_implemented, implemented",
        ),
        ("source=dol-2016-az", "source", "dol-2015-az, tip-2021-az, tip-2022-az"),
        ("country=ZZ", "country", "an ISO 3166-1 alpha-2 code such as AZ, in either case"),
    ],
)
def test_a_bad_code_is_named_with_the_values_the_filter_takes(reports, client, query, parameter, allowed):
    for path in ("/api/v1/recommendations/", "/api/v1/stats/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        value = query.split("=")[1]
        assert response.json()[parameter] == [f"“{value}” is not a value of this filter; use one of: {allowed}."]


def test_every_day_parameter_takes_any_day_and_from_after_today_is_a_400(reports, client):
    for day in ("0001-01-01", "1899-12-31", "9999-12-31"):
        for path in ("/api/v1/stats/", "/api/v1/recommendations/"):
            assert client.get(f"{path}?as_of={day}").status_code == 200, (path, day)
        assert client.get(f"/api/v1/stats/timeline/?to={day}").status_code == 200, day
        assert client.get(f"/api/v1/stats/changes/?to={day}").status_code == 200, day
        assert client.get(f"/api/v1/stats/changes/?from={day}&to=9999-12-31").status_code == 200, day
    assert client.get("/api/v1/stats/timeline/?from=0001-01-01").json()["from"] == "2015-01-01"
    later = client.get("/api/v1/stats/timeline/?from=2999-01-01&to=2999-12-31")
    assert later.status_code == 400
    assert later.json()["from"] == ["Must not be after today, the last day the timeline counts."]
    assert client.get("/api/v1/stats/timeline/?from=2021-01-01&to=2020-01-01").status_code == 400


@pytest.mark.parametrize("parameter", ["as_of", "due_before", "due_after"])
def test_a_day_is_written_one_way(reports, client, parameter):
    assert client.get(f"/api/v1/recommendations/?{parameter}=2024-01-31").status_code == 200
    for written in ("01/31/2024", "2024-1-31", "31.01.2024"):
        response = client.get(f"/api/v1/recommendations/?{parameter}={written}")
        assert response.status_code == 400 and parameter in response.json(), written


@pytest.mark.django_db
def test_an_empty_as_of_on_a_detail_is_a_400_naming_it():
    from tests.factories import RecommendationFactory

    recommendation = RecommendationFactory()
    answer = APIClient().get(f"/api/v1/recommendations/{recommendation.pk}/?as_of=")
    assert answer.status_code == 400, answer.content
    assert "as_of" in answer.json()
