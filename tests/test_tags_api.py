"""Tags beside the area (issue 29 §2): a UPR recommendation's number, position, recommending
States, themes, groups and SDGs in the list, the detail, the exports and the stats — each read
in a fixed number of queries, however many rows or tags."""

import csv
import io

import pytest

from recommendations.importing.services import report_import
from recommendations.models import Recommendation

from .factories import RecommendationFactory
from .shared_data import shared_data
from .upr_documents import recommendation_cell, thematic_list

LIST = "/api/v1/recommendations/"
STATS = "/api/v1/stats/"
THEMES = (
    "- Acceptance of international norms\n- Enforced disappearances\nSDGs: \n- 16 - PEACE, JUSTICE AND STRONG "
    "INSTITUTIONS\n- 5 - GENDER EQUALITY\nAffected persons: \n- Women\n- Children"
)


def upr_rows(count: int) -> list:
    rows: list = ["Theme: Acceptance of international norms"]
    states = ["(France) (Lithuania)", "(Chile)", "(Portugal, Slovakia)"]
    for index in range(1, count + 1):
        text = f"Ratify the Convention number {index} {states[index % 3]}"
        position = "Noted" if index % 4 == 0 else "Supported"
        rows.append(
            (recommendation_cell(f"121.{index}", text), position, THEMES if index % 2 else "- Right to health", "")
        )
    return rows


@shared_data
def upr():
    report_import(data=thematic_list(upr_rows(8)), kind="upr", country="SI", report_year=2019, language="en")
    dol = RecommendationFactory(area="enforcement")
    return {"dol": dol.pk, "first": Recommendation.objects.get(number="121.1").pk}


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_list_shows_each_recommendations_tags(api_client, upr):
    rows = {row["id"]: row for row in results(api_client.get(LIST, {"page_size": 50}))}
    first = rows[upr["first"]]
    assert (first["number"], first["upr_position"], first["sdgs"]) == ("121.1", "supported", [5, 16])
    assert first["recommending_states"] == [{"code": "CL", "name": "Chile"}]
    assert [theme["name"] for theme in first["themes"]] == [
        "Acceptance of international norms",
        "Enforced disappearances",
    ]
    assert first["themes"][0]["code"] == "acceptance-of-international-norms"
    assert [group["code"] for group in first["groups"]] == ["children", "women"]
    assert first["area"] == "upr_international_norms"
    dol = rows[upr["dol"]]
    assert (dol["number"], dol["upr_position"], dol["themes"], dol["sdgs"]) == ("", None, [], [])


def test_the_detail_shows_them_too_with_names_in_the_request_language(api_client, upr):
    english = api_client.get(f"{LIST}{upr['first']}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["sdgs"] == [5, 16] and english["upr_position"] == "supported"
    assert english["recommending_states"] == [{"code": "CL", "name": "Chile"}]
    fourth = Recommendation.objects.get(number="121.4").pk
    noted = api_client.get(f"{LIST}{fourth}/").json()
    assert noted["upr_position"] == "noted"
    assert noted["themes"] == [{"code": "right-to-health", "name": "Right to health"}]
    third = api_client.get(f"{LIST}{Recommendation.objects.get(number='121.3').pk}/").json()
    assert third["recommending_states"] == [{"code": "FR", "name": "France"}, {"code": "LT", "name": "Lithuania"}]


def test_the_list_reads_tags_in_one_query_for_any_page_size(api_client, upr, django_assert_max_num_queries):
    api_client.get(LIST, {"page_size": 2})  # per-process caches (another query: not a cached answer)
    counts = []
    for page_size in (1, 9):
        with django_assert_max_num_queries(10) as queries:
            assert len(results(api_client.get(LIST, {"page_size": page_size}))) == page_size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_detail_reads_tags_in_one_query(api_client, upr, django_assert_max_num_queries):
    api_client.get(f"{LIST}{upr['first']}/")
    with django_assert_max_num_queries(6) as tagged:
        api_client.get(f"{LIST}{upr['first']}/")
    with django_assert_max_num_queries(6) as untagged:
        api_client.get(f"{LIST}{upr['dol']}/")
    assert len(tagged) == len(untagged)


def test_the_csv_export_has_the_tags_as_names(api_client, upr):
    response = api_client.get("/api/v1/recommendations/export.csv", {"source": "upr-2019-si"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    first = next(row for row in rows if row["number"] == "121.1")
    assert (first["upr_position"], first["sdgs"], first["recommending_states"]) == ("supported", "5; 16", "Chile")
    assert first["groups"] == "Children; Women"


def test_stats_break_down_by_sdg_position_and_state(api_client, upr):
    data = api_client.get(STATS, {"breakdown": "sdg,position,recommending_state"}).json()
    assert [(row["code"], row["total"]) for row in data["by_sdg"]] == [("5", 4), ("16", 4)]
    assert data["by_sdg"][1]["name"] in ("Sülh, ədalət və güclü institutlar", "Peace, justice and strong institutions")
    assert {row["code"]: row["total"] for row in data["by_position"]} == {"supported": 6, "noted": 2}
    assert {row["code"]: row["total"] for row in data["by_recommending_state"]} == {
        "FR": 2, "LT": 2, "CL": 3, "PT": 3, "SK": 3,
    }  # fmt: skip
    assert data["by_position"][0]["by_status"]["not_assessed"] == 6
    assert "by_area" not in data


def test_stats_by_tag_follow_the_list_filters(api_client, upr):
    data = api_client.get(STATS, {"breakdown": "theme", "area": "enforcement"}).json()
    assert data["by_theme"] == [] and data["total"] == 1


def test_stats_by_tag_as_of_a_day_is_a_400_naming_the_breakdown(api_client, upr):
    response = api_client.get(STATS, {"breakdown": "sdg", "as_of": "2024-01-01"})
    assert response.status_code == 400 and "breakdown" in response.json()
    assert api_client.get(STATS, {"breakdown": "sdgs"}).status_code == 400


def ids(response) -> set[int]:
    return {row["id"] for row in results(response)}


def numbers(response) -> set[str]:
    return {row["number"] for row in results(response)}


def test_filters_by_each_tag_keep_the_rows_tagged_so(api_client, upr):
    assert numbers(api_client.get(LIST, {"sdg": "16"})) == {"121.1", "121.3", "121.5", "121.7"}
    assert numbers(api_client.get(LIST, {"position": "noted"})) == {"121.4", "121.8"}
    assert numbers(api_client.get(LIST, {"position": "NOTED"})) == {"121.4", "121.8"}
    assert numbers(api_client.get(LIST, {"recommending_state": "fr"})) == {"121.3", "121.6"}
    assert numbers(api_client.get(LIST, {"recommending_state": "FR,CL"})) == {
        "121.1",
        "121.3",
        "121.4",
        "121.6",
        "121.7",
    }
    assert numbers(api_client.get(LIST, {"theme": "right-to-health"})) == {"121.2", "121.4", "121.6", "121.8"}
    # A theme by its name is the same theme.
    assert numbers(api_client.get(LIST, {"theme": "Right to health"})) == {"121.2", "121.4", "121.6", "121.8"}
    assert numbers(api_client.get(LIST, {"group": "women", "position": "supported"})) == {
        "121.1",
        "121.3",
        "121.5",
        "121.7",
    }


def test_a_state_with_no_recommendation_is_an_empty_list_not_an_error(api_client, upr):
    assert results(api_client.get(LIST, {"recommending_state": "AZ"})) == []


def test_tag_filters_apply_to_stats_and_exports_alike(api_client, upr):
    assert api_client.get(STATS, {"sdg": "5"}).json()["total"] == 4
    response = api_client.get("/api/v1/recommendations/export.csv", {"position": "noted"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sorted(row["number"] for row in rows) == ["121.4", "121.8"]


@pytest.mark.parametrize(
    "params, name",
    [
        ({"sdg": "18"}, "sdg"),
        ({"sdg": "peace"}, "sdg"),
        ({"position": "accepted"}, "position"),
        ({"recommending_state": "XX"}, "recommending_state"),
        ({"theme": "right-to-wonder"}, "theme"),
        ({"group": "martians"}, "group"),
    ],
)
def test_an_unknown_tag_is_a_400_naming_the_filter_and_its_values(api_client, upr, params, name):
    response = api_client.get(LIST, params)
    assert response.status_code == 400
    assert name in response.json()
    if name == "theme":
        assert "right-to-health" in response.json()[name][0]


def test_the_page_shows_each_tag_as_a_link_to_the_list_filtered_by_it(upr):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = client.get(f"/recommendations/{upr['first']}/").content.decode()

    assert "Paragraph in the report" in html and "121.1" in html
    assert '<a href="/?sdg=16">16. Peace, justice and strong institutions</a>' in html
    assert '<a href="/?recommending_state=CL">Chile</a>' in html
    assert '<a href="/?position=supported">Supported</a>' in html
    assert '<a href="/?theme=enforced-disappearances">Enforced disappearances</a>' in html
    assert '<a href="/?group=women">Women</a>' in html
    dashboard = client.get("/", {"sdg": "16"})
    assert dashboard.status_code == 200 and dashboard.context["stats"]["total"] == 4
    azerbaijani = Client(HTTP_ACCEPT_LANGUAGE="az").get(f"/recommendations/{upr['first']}/").content.decode()
    assert "16. Sülh, ədalət və güclü institutlar" in azerbaijani and "Dəstəklənib" in azerbaijani
