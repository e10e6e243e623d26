"""A recommendation names the indicators that measure it; its page and the API show their trends.

"Vigorously investigate and prosecute…" is judged by the TIP chapter's own figures: cases
investigated, defendants prosecuted, traffickers convicted. An admin names them once; from then
on anyone reading the recommendation sees those figures over the years beside it."""

from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from recommendations.importing.services import report_import
from recommendations.models import ChangeRecord, Recommendation

from .factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
TIP_SEED = ROOT / "seeds" / "tip-2022-azerbaijan-trafficking-in-persons.az.txt"
MEASURES = ["tip_cases_investigated", "tip_defendants_prosecuted"]


@pytest.fixture
def tip(db):
    report_import(data=TIP_SEED.read_bytes(), kind="tip", country="AZ", report_year=2022)
    return Recommendation.objects.filter(source__kind="tip").order_by("position").first()


def _patch(client, recommendation, body, *, language="en"):
    etag = client.get(f"/api/v1/recommendations/{recommendation.pk}/", HTTP_ACCEPT_LANGUAGE=language)["ETag"]
    return client.patch(
        f"/api/v1/recommendations/{recommendation.pk}/",
        body,
        format="json",
        HTTP_IF_MATCH=etag,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_an_admin_names_the_indicators_and_the_detail_links_their_values(client_for, tip):
    admin = client_for("admin")
    before = admin.get(f"/api/v1/recommendations/{tip.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert before.json()["indicators"] == []

    response = _patch(admin, tip, {"indicators": MEASURES})

    assert response.status_code == 200, response.content
    assert response["ETag"] != before["ETag"]  # a new version: caches see the change
    named = response.json()["indicators"]
    assert [item["code"] for item in named] == MEASURES
    assert named[0]["name"] == "Cases investigated"
    values = client_for("anonymous").get(named[0]["values"]).json()["results"]
    assert [(row["year"], row["number"]) for row in values] == [(2020, "18.00"), (2021, "15.00")]


def test_the_change_is_kept_in_history_with_the_indicators_names(client_for, users, tip):
    _patch(client_for("admin"), tip, {"indicators": MEASURES})

    record = ChangeRecord.objects.filter(object_id=tip.pk, object_type__model="recommendation").latest("id")
    assert record.before == {"indicators": []}
    assert record.after is not None and len(record.after["indicators"]) == 2
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(users["analyst"])
    html = browser.get(f"/recommendations/{tip.pk}/history/").content.decode()
    assert "Cases investigated" in html and "Defendants prosecuted" in html


def test_an_unknown_indicator_is_a_400_naming_the_field_and_nothing_changes(client_for, tip):
    response = _patch(client_for("admin"), tip, {"indicators": ["tip_cases_investigated", "no_such_indicator"]})

    assert response.status_code == 400
    assert "no_such_indicator" in str(response.json()["indicators"])
    assert not tip.indicators.exists()


def test_staff_may_not_name_indicators(client_for, tip):
    response = _patch(client_for("ngo_staff"), tip, {"status": "in_progress", "indicators": MEASURES})

    assert response.status_code == 400
    assert "indicators" in str(response.json())
    assert not tip.indicators.exists()


def test_the_recommendation_page_shows_each_trend_to_anyone(tip, django_assert_max_num_queries):
    tip.indicators.set([])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_max_num_queries(40) as unnamed:
        client.get(f"/recommendations/{tip.pk}/")
    without = len(unnamed)  # read now: the next request resets the connection's query log
    _patch_as_admin(tip, MEASURES)

    # The trends cost one query, whatever the number of indicators and values.
    with django_assert_max_num_queries(without + 1):
        html = client.get(f"/recommendations/{tip.pk}/").content.decode()

    assert "Indicators that measure it" in html
    section = html[html.index('id="indicators"') :]
    assert section.count('class="trend-point"') == 4  # two indicators, two years each
    assert 'data-year="2020"' in section and 'data-year="2021"' in section
    # The numbers as a table for screen readers, with the report each came from.
    assert "<caption>Cases investigated: the numbers</caption>" in section


def test_a_named_indicator_with_no_value_yet_is_listed_not_drawn(tip):
    _patch_as_admin(tip, ["dol_labor_inspections"])  # a DOL figure: no DOL chapter imported

    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/recommendations/{tip.pk}/").content.decode()

    section = html[html.index('id="indicators"') :]
    assert "Number of Labor Inspections: no value read yet" in section
    assert 'class="trend-point"' not in section


def test_a_page_without_indicators_has_no_empty_section(tip):
    html = Client().get(f"/recommendations/{tip.pk}/").content.decode()
    assert 'id="indicators"' not in html


def _patch_as_admin(recommendation, codes):
    client = APIClient()
    client.force_authenticate(UserFactory(role="admin"))
    response = _patch(client, recommendation, {"indicators": codes})
    assert response.status_code == 200, response.content
