"""`/api/v1/measures/` as a client uses it: a measure answering recommendations of two reports,
created, read with its ETag, edited under If-Match, its progress recorded with a status on
each recommendation it answers and a file attached once to that entry — shown on every one of
them — its links and history; bad input a 400 naming the field, a stale tag a 412, nothing
half-saved; query counts bounded."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.measures.models import Measure
from recommendations.models import Evidence, ProgressUpdate, Recommendation
from recommendations.withdrawal.services import recommendation_restore, recommendation_withdraw

from .factories import MeasureFactory, RecommendationFactory, SourceFactory, UserFactory
from .shared_data import shared_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOTE = "Milli Fəaliyyət Planı təsdiqləndi; sığınacaqların maliyyəsi artırıldı."


@shared_data
def world():
    dol = SourceFactory(slug="dol-2019-az", report_year=2019)
    tip = SourceFactory(slug="tip-2022-az", kind="tip", report_year=2022)
    staff = UserFactory(username="aysel", role="ngo_staff")
    first = RecommendationFactory(source=dol, year_start=2018, year_end=2019)
    second = RecommendationFactory(source=dol, year_start=2019, year_end=2019)
    third = RecommendationFactory(source=tip, area="protection", year_start=2021, year_end=2022)
    spare = RecommendationFactory(source=tip, area="prevention", year_start=2022, year_end=2022)
    for number in range(3):  # other measures, for the list's query count
        MeasureFactory(recommendations=[spare], user=staff, country="GE" if number else "AZ", kind="budget")
    return {"dol": dol.slug, "tip": tip.slug, "ids": [first.pk, second.pk, third.pk], "spare": spare.pk}


@pytest.fixture
def staff(client_for):
    return client_for("ngo_staff")


def create_measure(staff, world, **extra):
    response = staff.post(
        "/api/v1/measures/",
        {
            "country": "az",
            "kind": "action_plan",
            "title_az": "İnsan alverinə qarşı 2020–2024-cü illər üçün Milli Fəaliyyət Planı",
            "title_en": "National Action Plan against trafficking 2020–2024",
            "start_on": "2020-01-01",
            "end_on": "2024-12-31",
            "description": "Nazirlər Kabinetinin 2020-ci il 11 mart qərarı ilə təsdiq edilib.",
            "recommendations": world["ids"],
            **extra,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response


def test_a_measure_is_created_read_and_edited_with_its_etag(staff, world, client_for):
    created = create_measure(staff, world)
    body = created.json()
    assert created["Location"].endswith(f"/api/v1/measures/{body['id']}/")
    assert body["recommendations"] == sorted(world["ids"])
    assert body["country"] == "AZ" and body["status"] == "not_assessed" and body["etag"] == created["ETag"]
    url = f"/api/v1/measures/{body['id']}/"
    anonymous = client_for("anonymous")
    read = anonymous.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert read.json()["title"] == "National Action Plan against trafficking 2020–2024"
    etag = read["ETag"]
    assert anonymous.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=etag).status_code == 304

    weak = staff.patch(url, {"end_on": "2025-12-31"}, format="json", HTTP_IF_MATCH=f"W/{body['etag']}")
    assert weak.status_code == 412
    edited = staff.patch(url, {"end_on": "2025-12-31"}, format="json", HTTP_IF_MATCH=body["etag"])
    assert edited.status_code == 200, edited.json()
    assert edited.json()["end_on"] == "2025-12-31" and edited["ETag"] != body["etag"]
    # Sent again with the tag read before that edit: refused, nothing changed.
    stale = staff.patch(url, {"end_on": "2026-06-30"}, format="json", HTTP_IF_MATCH=body["etag"])
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert stale["ETag"] == edited["ETag"]
    assert str(Measure.objects.get(pk=body["id"]).end_on) == "2025-12-31"
    # The recommendation's detail lists the measure.
    detail = anonymous.get(f"/api/v1/recommendations/{world['ids'][2]}/").json()
    assert [measure["id"] for measure in detail["measures"]] == [body["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "law", "title_az": "Qanun"}, "country"),
        ({"country": "XX", "kind": "law", "title_az": "Qanun"}, "country"),
        ({"country": "AZ", "kind": "decree", "title_az": "Qanun"}, "kind"),
        ({"country": "AZ", "kind": "law"}, "title_az"),
        (
            {"country": "AZ", "kind": "law", "title_az": "Qanun", "start_on": "2024-01-01", "end_on": "2023-01-01"},
            "end_on",
        ),
        ({"country": "AZ", "kind": "law", "title_az": "Qanun", "status": "implemented"}, "status"),
        ({"country": "AZ", "kind": "law", "title_az": "Qanun", "recommendations": [987654321]}, "recommendations"),
        ({"country": "AZ", "kind": "law", "title_az": "Qanun", "recommendations": ["x"]}, "recommendations.0"),
        ({"country": "AZ", "kind": "law", "title_az": "Q\x00"}, "title_az"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(staff, world, body, field):
    before = Measure.objects.count()
    response = staff.post("/api/v1/measures/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert Measure.objects.count() == before


def test_progress_with_a_status_on_each_recommendation_and_one_file_shown_on_each(staff, world, client_for):
    measure = create_measure(staff, world).json()
    first, second, third = world["ids"]
    current = {pk: staff.get(f"/api/v1/recommendations/{pk}/")["ETag"] for pk in (first, second)}
    response = staff.post(
        f"/api/v1/measures/{measure['id']}/progress/",
        {
            "status": "implemented",
            "note": NOTE,
            "occurred_on": "2024-03-01",
            "recommendations": [
                {"recommendation": first, "etag": current[first]},
                {"recommendation": second, "status": "in_progress", "etag": current[second]},
            ],
        },
        format="json",
        HTTP_IF_MATCH=measure["etag"],
    )
    assert response.status_code == 201, response.json()
    entry = response.json()
    assert response["ETag"] != measure["etag"]
    assert (entry["status_before"], entry["status_after"], entry["note"]) == ("not_assessed", "implemented", NOTE)
    assert {(row["recommendation"], row["status_after"]) for row in entry["recommendation_updates"]} == {
        (first, "implemented"),
        (second, "in_progress"),
    }
    # One PDF on the measure's entry, as multipart.
    upload = io.BytesIO(PDF)
    upload.name = "Milli Fəaliyyət Planı.pdf"
    evidence = staff.post(
        f"/api/v1/measures/{measure['id']}/evidence/",
        {"kind": "file", "title": "Milli Fəaliyyət Planı", "file": upload, "progress_update": entry["id"]},
        format="multipart",
    )
    assert evidence.status_code == 201, evidence.json()
    assert evidence.json()["measure"] == measure["id"] and evidence.json()["recommendation"] is None
    analyst = client_for("analyst")
    for pk in (first, second):
        shown = analyst.get(f"/api/v1/recommendations/{pk}/evidence/").json()["results"]
        assert [item["id"] for item in shown] == [evidence.json()["id"]]
        log = analyst.get(f"/api/v1/recommendations/{pk}/progress/").json()["results"]
        assert [item["measure_update"] for item in log] == [entry["id"]]
    assert analyst.get(f"/api/v1/recommendations/{third}/evidence/").json()["results"] == []
    assert Evidence.objects.count() == 1
    download = analyst.get(evidence.json()["download_url"])
    assert b"".join(download.streaming_content) == PDF
    # The log of the measure, with the entries recorded with it; its history.
    measured = analyst.get(f"/api/v1/measures/{measure['id']}/progress/").json()["results"]
    assert [len(item["recommendation_updates"]) for item in measured] == [2]
    history = analyst.get(f"/api/v1/measures/{measure['id']}/history/").json()["results"]
    assert [row["action"] for row in history][:1] == ["create"]
    assert any(row["object_type"] == "evidence" for row in history)


def test_one_refused_recommendation_is_named_by_its_place_and_nothing_is_saved(staff, world):
    measure = create_measure(staff, world).json()
    first = world["ids"][0]
    url = f"/api/v1/measures/{measure['id']}/progress/"
    not_answered = staff.post(
        url,
        {"status": "in_progress", "recommendations": [{"recommendation": first}, {"recommendation": world["spare"]}]},
        format="json",
    )
    assert not_answered.status_code == 400
    assert "recommendations.1.recommendation" in not_answered.json(), not_answered.json()
    stale = staff.post(
        url,
        {"status": "in_progress", "recommendations": [{"recommendation": first, "etag": f'"r{first}v1-az"'}]},
        format="json",
    )
    assert stale.status_code == 412
    assert "recommendations.0.etag" in stale.json() and stale.json()["code"] == "precondition_failed"
    unknown = staff.post(
        url, {"status": "in_progress", "recommendations": [{"recommendation": first, "colour": "red"}]}, format="json"
    )
    assert unknown.status_code == 400 and "recommendations.0.colour" in unknown.json(), unknown.json()
    assert not ProgressUpdate.objects.exists()
    assert Recommendation.objects.get(pk=first).status == "not_assessed"


def test_a_retry_with_the_same_idempotency_key_records_once(staff, world):
    measure = create_measure(staff, world).json()
    body = {"status": "in_progress", "recommendations": [{"recommendation": world["ids"][0]}]}
    url = f"/api/v1/measures/{measure['id']}/progress/"
    first = staff.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="nap-2024-03")
    again = staff.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="nap-2024-03")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert ProgressUpdate.objects.count() == 2  # the measure's and the recommendation's, once


def test_links_added_and_removed(staff, world, client_for):
    measure = create_measure(staff, world).json()
    url = f"/api/v1/measures/{measure['id']}/links/"
    added = staff.post(url, {"recommendations": [world["spare"]]}, format="json", HTTP_IF_MATCH=measure["etag"])
    assert added.status_code == 200, added.json()
    assert [row["recommendation"] for row in added.json()] == sorted([*world["ids"], world["spare"]])
    assert {row["source"] for row in added.json()} == {world["dol"], world["tip"]}
    removed = client_for("admin").delete(f"{url}{world['ids'][1]}/", HTTP_IF_MATCH=added["ETag"])
    assert removed.status_code == 204 and removed["ETag"] != added["ETag"]
    assert [row["recommendation"] for row in client_for("anonymous").get(url).json()] == sorted(
        [world["ids"][0], world["ids"][2], world["spare"]]
    )
    assert staff.delete(f"{url}{world['ids'][1]}/").status_code == 404
    # A withdrawn recommendation's id is not listed to those who may not open it.
    recommendation_withdraw(recommendation_id=world["spare"], reason="Səhvən idxal edilib", user=None)
    assert [row["recommendation"] for row in client_for("anonymous").get(url).json()] == [
        world["ids"][0],
        world["ids"][2],
    ]
    detail = f"/api/v1/measures/{measure['id']}/"
    assert world["spare"] not in client_for("anonymous").get(detail).json()["recommendations"]
    assert world["spare"] in client_for("analyst").get(detail).json()["recommendations"]
    assert world["spare"] in [row["recommendation"] for row in client_for("analyst").get(url).json()]
    recommendation_restore(recommendation_id=world["spare"], reason="Bərpa", user=None)
    # Listed whole: paging or filtering parameters are not taken (a 400 naming them).
    refused = client_for("anonymous").get(url, {"page_size": 2})
    assert refused.status_code == 400 and "page_size" in refused.json()
    assert staff.post(url, {"recommendations": []}, format="json").status_code == 400
    assert staff.post(url, {"recommendations": [987654321]}, format="json").json().keys() >= {"recommendations"}
    history = client_for("analyst").get(f"/api/v1/recommendations/{world['ids'][1]}/history/").json()["results"]
    assert [row["object_type"] for row in history if row["object_type"] == "measurelink"] == ["measurelink"] * 2


def test_the_list_filters_and_the_recommendations_filter(staff, world, client_for):
    measure = create_measure(staff, world).json()
    anonymous = client_for("anonymous")
    assert [row["id"] for row in anonymous.get("/api/v1/measures/", {"q": "NAZIRLER kabineti"}).json()["results"]] == [
        measure["id"]
    ]
    by_recommendation = anonymous.get("/api/v1/measures/", {"recommendation": world["spare"]}).json()["results"]
    assert len(by_recommendation) == 3 and measure["id"] not in [row["id"] for row in by_recommendation]
    assert len(anonymous.get("/api/v1/measures/", {"country": "ge"}).json()["results"]) == 2
    assert len(anonymous.get("/api/v1/measures/", {"kind": "budget,action_plan"}).json()["results"]) == 4
    for query, field in (("kind=decree", "kind"), ("status=done", "status"), ("colour=red", "colour")):
        refused = anonymous.get(f"/api/v1/measures/?{query}")
        assert refused.status_code == 400 and field in refused.json()
    answered = anonymous.get("/api/v1/recommendations/", {"measure": measure["id"], "count": "true"}).json()
    assert answered["count"] == 3
    assert anonymous.get("/api/v1/stats/", {"measure": measure["id"]}).json()["total"] == 3


def test_query_counts_do_not_grow_with_the_rows(staff, world, client_for, django_assert_max_num_queries):
    measure = create_measure(staff, world).json()
    staff.post(
        f"/api/v1/measures/{measure['id']}/progress/",
        {"status": "in_progress", "recommendations": [{"recommendation": pk} for pk in world["ids"]]},
        format="json",
    )
    analyst = client_for("analyst")
    # A session-less client authenticated in the test: the role lookup is one query.
    with django_assert_max_num_queries(4):
        assert analyst.get("/api/v1/measures/").status_code == 200
    with django_assert_max_num_queries(4):
        assert analyst.get(f"/api/v1/measures/{measure['id']}/").status_code == 200
    with django_assert_max_num_queries(5):
        assert analyst.get(f"/api/v1/measures/{measure['id']}/progress/").status_code == 200
    with django_assert_max_num_queries(3):
        assert analyst.get(f"/api/v1/measures/{measure['id']}/links/").status_code == 200
    with CaptureQueriesContext(connection) as listed:
        analyst.get("/api/v1/measures/?page_size=500")
    assert len(listed.captured_queries) <= 4
