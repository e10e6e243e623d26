"""Tags suggested for a text (issue 29 §4), learnt from the tags stored: `POST
/api/v1/tags/suggest/` answers what it would suggest, stores nothing, and answers the same for
the same stored tags. Scores on unseen rows: bench/tag_suggestions.py, BENCHMARKS.md."""

import pytest

from recommendations.importing.services import report_import
from recommendations.tags.models import Tag

from .shared_data import shared_data
from .upr_documents import CYCLE_3

URL = "/api/v1/tags/suggest/"
PROSECUTE = "Vigorously investigate and prosecute trafficking crimes, and convict and sentence traffickers."


@shared_data
def cycle_3():
    report_import(data=CYCLE_3.read_bytes(), kind="upr", country="SI", report_year=2019, language="en")


def test_a_tip_recommendation_to_prosecute_traffickers_gets_sdg_16_and_8(client_for, cycle_3):
    links = Tag.recommendations.through.objects.count()
    response = client_for("analyst").post(URL, {"text": PROSECUTE, "language": "en"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    goals = [item["goal"] for item in body["sdgs"]]
    assert goals[:2] == [16, 8]
    assert all(0 < item["score"] <= 1 for item in body["sdgs"])
    assert body["themes"][0]["code"] == "prohibition-of-slavery-trafficking"
    assert body["themes"][0]["name"] == "Prohibition of slavery, trafficking"
    # Only suggested: nothing stored.
    assert Tag.recommendations.through.objects.count() == links


def test_the_same_stored_tags_give_the_same_suggestions(client_for, cycle_3):
    client = client_for("analyst")
    first = client.post(URL, {"text": PROSECUTE, "language": "en"}, format="json").json()
    second = client.post(URL, {"text": PROSECUTE, "language": "en"}, format="json").json()
    assert first == second and first["model_version"]


def test_a_text_unlike_any_gets_no_suggestion(client_for, cycle_3):
    body = client_for("analyst").post(URL, {"text": "Zyx qwv", "language": "en"}, format="json").json()
    assert (body["sdgs"], body["themes"], body["groups"]) == ([], [], [])


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"language": "en"}, "text"),
        ({"text": "x", "language": "fr"}, "language"),
        ({"text": "x", "language": "en", "sdgs": [16]}, "sdgs"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client_for, cycle_3, payload, field):
    response = client_for("analyst").post(URL, payload, format="json")
    assert response.status_code == 400 and field in response.json()


def test_anonymous_users_may_not_ask(api_client, cycle_3):
    assert api_client.post(URL, {"text": PROSECUTE, "language": "en"}, format="json").status_code in (401, 403)
