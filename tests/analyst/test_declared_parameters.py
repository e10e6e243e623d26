"""Each endpoint takes exactly the query parameters its schema declares (issue 27, section 3):
for every read in the schema, an unknown parameter's 400 lists the schema's parameters, no
more and no fewer, so a client generated from the schema and the server agree.

Before, the changes took no `format` (and `?format=api` answered a bare "Bad request."), an
indicator's or an indicator value's detail took the list's filters and paging (`?kind=tip` a
404 for an indicator that exists), the XLSX export listed `delimiter` and then refused it,
and most reads took a `format` the schema did not declare."""

import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from recommendations.indicators.models import Indicator, IndicatorValue
from recommendations.indicators.services import indicator_value_add
from recommendations.tags.models import Tag, TagSuggestion

from ..factories import MeasureFactory, RecommendationFactory, ResponsibleBodyFactory, UserFactory

UNKNOWN = "Unknown parameter; this endpoint accepts: "


@pytest.fixture
def admin_client(db) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(UserFactory(role="admin"))
    return client


@pytest.fixture
def path_values(db) -> dict[str, str]:
    admin = UserFactory(role="admin")
    recommendation = RecommendationFactory(responsible_bodies=[ResponsibleBodyFactory()])
    indicator = Indicator.objects.filter(kind=recommendation.source.kind).first() or Indicator.objects.first()
    assert indicator is not None  # the vocabulary comes with the migrations
    value = indicator_value_add(
        indicator=indicator, source=recommendation.source, year=2014, state="unknown", user=admin
    )
    suggestion = TagSuggestion.objects.create(
        recommendation=recommendation,
        tag=Tag.objects.create(vocabulary="sdg", code="8", name_en="Decent work and economic growth"),
        score=0.5,
        model_version="1.1",
        suggested_at=timezone.now(),
    )
    measure = MeasureFactory(recommendations=[recommendation], user=admin)
    return {
        "pk": str(suggestion.pk),
        "id": str(recommendation.pk),
        "recommendation_pk": str(recommendation.pk),
        "measure_pk": str(measure.pk),
        "slug": recommendation.source.slug,
        "country": str(recommendation.country),
        "code": indicator.code,
        "value_id": str(value.pk),
    }


def _reads(client: APIClient) -> list[tuple[str, list[str]]]:
    schema = client.get("/api/schema/?format=json").json()
    return [
        (path, sorted(p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"))
        for path, operations in schema["paths"].items()
        if "get" in operations
    ]


def test_every_read_takes_exactly_the_parameters_its_schema_declares(admin_client, path_values):
    reads = _reads(admin_client)
    assert len(reads) >= 20
    for path, declared in reads:
        values = path_values
        if path.startswith("/api/v1/indicator-values/"):
            values = {**path_values, "id": path_values["value_id"]}
        elif path.startswith("/api/v1/measures/"):
            values = {**path_values, "id": path_values["measure_pk"]}
        url = re.sub(r"\{(\w+)\}", lambda match: values[match[1]], path)  # noqa: B023 - used at once
        response = admin_client.get(url, {"zzz": "1"})
        assert response.status_code == 400, (path, response.status_code)
        message = response.json()["zzz"][0]
        assert message.startswith(UNKNOWN), (path, message)
        assert sorted(message.removeprefix(UNKNOWN).rstrip(".").split(", ")) == declared, path


def test_a_detail_of_the_indicators_takes_no_filter_and_no_paging(admin_client, path_values):
    indicator = f"/api/v1/indicators/{path_values['code']}/"
    value = f"/api/v1/indicator-values/{path_values['value_id']}/"
    for url, query in [
        (indicator, "kind=tip"),
        (indicator, "cursor=abc"),
        (value, "country=US"),
        (value, "page_size=2"),
    ]:
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query)  # not a 404 for what exists, nor ignored
        assert response.json()[query.split("=")[0]] == [f"{UNKNOWN}format."]
    assert admin_client.get(indicator).json()["code"] == path_values["code"]
    assert admin_client.get(value).json()["id"] == IndicatorValue.objects.get().pk


def test_the_changes_answer_in_the_formats_every_read_takes(admin_client, path_values):
    assert admin_client.get("/api/v1/stats/changes/?format=json").json()["total"] == 0
    page = admin_client.get("/api/v1/stats/changes/?format=api")
    assert page.status_code == 200 and page["Content-Type"] == "text/html; charset=utf-8"
    refused = admin_client.get("/api/v1/stats/changes/?format=csv")
    assert refused.json()["format"] == ["“csv” is not a format of this endpoint; use one of: json, api."]


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/recommendations/?format=api&area=nowhere", "area"),
        ("/api/v1/recommendations/?format=api&zzz=1", "zzz"),
        ("/api/v1/recommendations/1/?format=api&as_of=someday", "as_of"),
        ("/api/v1/stats/changes/?format=api&from=someday", "from"),
        ("/api/v1/progress/?format=api&status=nothing", "status"),
    ],
)
def test_an_error_asked_for_as_a_page_is_json_naming_the_parameter(admin_client, path_values, path, parameter):
    response = admin_client.get(path.replace("/1/", f"/{path_values['id']}/"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert parameter in response.json(), response.content[:200]  # not a bare "Bad request."


def test_the_xlsx_export_does_not_list_a_delimiter_it_refuses(admin_client, path_values):
    response = admin_client.get("/api/v1/recommendations/export.xlsx?delimiter=%3B")
    assert response.status_code == 400
    assert "delimiter" not in response.json()["delimiter"][0].removeprefix(UNKNOWN)
    csv = admin_client.get("/api/v1/recommendations/export.csv?delimiter=%3B")
    assert csv.status_code == 200 and b";" in b"".join(csv.streaming_content).splitlines()[0]
