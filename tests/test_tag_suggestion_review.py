"""Suggested tags for every recommendation (issue 29 §4): computed by the background job from
the tags already stored, shown as suggestions, a tag only once NGO staff accept it; both the
suggestion and the decision kept in history."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.models import ChangeRecord, Recommendation
from recommendations.tags.models import TagSuggestion
from recommendations.tags.services import tags_replace

from .factories import RecommendationFactory, SourceFactory
from .jobs import queued_tasks, run_jobs

REFRESH = "recommendations.tags.tasks.tag_suggestions_refresh"
TRAFFICKING = (
    "Vigorously investigate and prosecute trafficking offenders, including complicit officials, and convict them",
    "Increase investigations and prosecutions of trafficking cases and sentence convicted traffickers adequately",
    "Prosecute traffickers and convict them with sentences proportionate to the crime of trafficking",
    "Strengthen prosecution of trafficking crimes and ensure convicted traffickers serve sentences",
)
SCHOOL = (
    "Ensure that all children have access to free primary education and school enrolment",
    "Increase school enrolment of children in rural areas and provide free education",
    "Improve access to education for children with disabilities in every school",
)


@pytest.fixture
def tagged(db):
    """Seven English recommendations tagged as a UPR list tags them, and two not tagged: a
    DOL one in English and an Azerbaijani one with its English translation."""
    source = SourceFactory(language="en", slug="upr-2019-si", report_year=2019)
    terms = {}
    for text in TRAFFICKING:
        terms[RecommendationFactory(source=source, action=text).pk] = {"sdg": ("16", "8"), "theme": ("Trafficking",)}
    for text in SCHOOL:
        terms[RecommendationFactory(source=source, action=text).pk] = {"sdg": ("4",), "theme": ("Right to education",)}
    tags_replace(terms_by_recommendation=terms)
    english = RecommendationFactory(
        source=SourceFactory(language="en"),
        action="Investigate and prosecute traffickers and convict trafficking offenders",
    )
    azerbaijani = RecommendationFactory(
        action="Bütün uşaqların pulsuz ibtidai təhsilə çıxışını təmin edin",
        action_translations={"en": "Ensure free primary education and school access for all children"},
    )
    return {"english": english, "azerbaijani": azerbaijani}


def _suggested(recommendation: Recommendation) -> dict[tuple[str, str], TagSuggestion]:
    return {
        (suggestion.tag.vocabulary, suggestion.tag.code): suggestion
        for suggestion in TagSuggestion.objects.filter(recommendation=recommendation).select_related("tag")
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_job_suggests_from_the_stored_tags_and_reads_azerbaijani_through_english(tagged):
    # The import of tags queued a refresh when it committed; nothing is suggested before it runs.
    assert queued_tasks(REFRESH)
    assert not TagSuggestion.objects.exists()
    run_jobs()
    english = _suggested(tagged["english"])
    assert {("sdg", "16"), ("sdg", "8"), ("theme", "trafficking")} <= set(english)
    assert ("sdg", "4") not in english
    assert all(0 < suggestion.score <= 1 for suggestion in english.values())
    # Azerbaijani text, compared through its English translation.
    assert ("sdg", "4") in _suggested(tagged["azerbaijani"])
    # A recommendation is never suggested a tag it carries.
    carried = Recommendation.objects.filter(tags__isnull=False).distinct()
    assert not TagSuggestion.objects.filter(recommendation__in=carried, tag__recommendations=carried[0]).filter(
        recommendation=carried[0]
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_accept_and_reject_through_the_api_with_history(tagged, client_for):
    run_jobs()
    recommendation = tagged["english"]
    listed = client_for("analyst").get(f"/api/v1/recommendations/{recommendation.pk}/tag-suggestions/").json()
    by_key = {(item["vocabulary"], item["code"]): item for item in listed}
    assert by_key[("sdg", "16")]["state"] == "suggested"
    assert by_key[("sdg", "16")]["name"]
    before = client_for("analyst").get(f"/api/v1/recommendations/{recommendation.pk}/")
    assert 16 not in before.json()["sdgs"]

    url = f"/api/v1/recommendations/{recommendation.pk}/tag-suggestions/{by_key[('sdg', '16')]['id']}/"
    staff = client_for("ngo_staff")
    assert client_for("analyst").post(url, {"decision": "accept"}, format="json").status_code == 403
    assert client_for("anonymous").get(url).status_code in (401, 403)
    assert staff.post(url, {"decision": "maybe"}, format="json").status_code == 400
    assert staff.post(url, {"decision": "accept", "tag": 3}, format="json").json()["tag"]
    accepted = staff.post(url, {"decision": "accept"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert accepted.json()["decided_by"]
    again = staff.post(url, {"decision": "reject"}, format="json")
    assert again.status_code == 409 and "state" in again.json()

    after = client_for("analyst").get(f"/api/v1/recommendations/{recommendation.pk}/")
    assert 16 in after.json()["sdgs"]
    assert after["ETag"] != before["ETag"]

    theme_url = f"/api/v1/recommendations/{recommendation.pk}/tag-suggestions/{by_key[('theme', 'trafficking')]['id']}/"
    assert staff.post(theme_url, {"decision": "reject"}, format="json").json()["state"] == "rejected"
    assert "trafficking" not in [
        term["code"] for term in client_for("analyst").get(after.wsgi_request.path).json()["themes"]
    ]

    records = ChangeRecord.objects.filter(related_object_id=recommendation.pk, object_type__model="tagsuggestion")
    assert sorted((record.after or {})["state"] for record in records) == ["accepted", "rejected"]
    # The suggestion kept beside the decision: its score and the model version (in the
    # language of the staff member's interface).
    assert all(re.search(r"[01]\.\d\d\b.*\(model \d+\.\d+\)", record.message) for record in records)
    history = client_for("analyst").get(f"/api/v1/recommendations/{recommendation.pk}/history/").json()
    assert len([row for row in history["results"] if "(model " in (row.get("message") or "")]) == 2

    # The accepted tag changed the stored tags: a new refresh, which keeps both decisions.
    run_jobs()
    suggested = _suggested(recommendation)
    assert suggested[("sdg", "16")].state == TagSuggestion.State.ACCEPTED
    assert suggested[("theme", "trafficking")].state == TagSuggestion.State.REJECTED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_page_shows_suggestions_as_such_to_signed_in_roles_only(tagged, client, users):
    run_jobs()
    recommendation = tagged["english"]
    page = f"/recommendations/{recommendation.pk}/"
    assert "Suggested tags" not in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    client.force_login(users["analyst"])
    shown = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Suggested tags" in shown and 'value="accept"' not in shown
    suggestion = _suggested(recommendation)[("sdg", "16")]
    decide = f"/recommendations/{recommendation.pk}/tag-suggestions/{suggestion.pk}/"
    assert client.post(decide, {"decision": "accept"}).status_code == 403

    client.force_login(users["ngo_staff"])
    shown = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="accept"' in shown
    answer = client.post(decide, {"decision": "accept"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "was added" in answer.content.decode()
    assert recommendation.tags.filter(vocabulary="sdg", code="16").exists()
    # A second click on the same (now decided) suggestion says so, and changes nothing.
    answer = client.post(decide, {"decision": "reject"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "already accepted" in answer.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_page_reads_its_suggestions_in_one_query(tagged, client, users):
    run_jobs()
    client.force_login(users["analyst"])
    page = f"/recommendations/{tagged['english'].pk}/"
    client.get(page)
    with CaptureQueriesContext(connection) as queries:
        client.get(page)
    assert len([query for query in queries if "tagsuggestion" in query["sql"]]) == 1
