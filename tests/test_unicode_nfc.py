"""Text in decomposed form (NFD) is stored in NFC, whichever way it arrives (API, admin,
services), so equal texts are equal in the database; search folds both forms and the
look-alike "ǝ" (U+01DD) as "ə"."""

import unicodedata

import pytest
from django.test import Client
from rest_framework.test import APIClient

from recommendations.models import Evidence, ProgressUpdate, Recommendation, ResponsibleBody

from .factories import RecommendationFactory, ResponsibleBodyFactory, SourceFactory, UserFactory

ACTION = "Əmək müfəttişlərinin sayını artırın və uşaq əməyini yoxlayın"
NFD = unicodedata.normalize("NFD", ACTION)
TURNED_E = ACTION.replace("ə", "ǝ").replace("Ə", "Ǝ")  # U+01DD / U+018E look-alikes


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_the_test_text_really_differs_in_nfd():
    assert NFD != ACTION and nfc(NFD) == ACTION


@pytest.fixture
def admin_api(users):
    client = APIClient()
    client.force_authenticate(users["admin"])
    return client


def test_api_edit_in_nfd_is_stored_and_returned_in_nfc(db, admin_api):
    recommendation = RecommendationFactory()
    response = admin_api.patch(f"/api/v1/recommendations/{recommendation.pk}/", {"action": NFD}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["action"] == ACTION
    assert Recommendation.objects.values_list("action", flat=True).get(pk=recommendation.pk) == ACTION
    assert Recommendation.objects.filter(action=ACTION).count() == 1
    assert Recommendation.objects.filter(action=NFD).count() == 1  # a query in NFD is compared in NFC


def test_translations_in_nfd_are_stored_and_returned_in_nfc(db, admin_api):
    recommendation = RecommendationFactory(source=SourceFactory(language="en"))  # its "az" text a translation
    key = unicodedata.normalize("NFD", "az")  # keys too, though a language code has no marks
    response = admin_api.patch(
        f"/api/v1/recommendations/{recommendation.pk}/",
        {"action_translations": {key: NFD}},
        format="json",
    )
    assert response.status_code == 200, response.content
    stored = Recommendation.objects.values_list("action_translations", flat=True).get(pk=recommendation.pk)
    assert stored == {"az": ACTION}
    detail = admin_api.get(f"/api/v1/recommendations/{recommendation.pk}/", HTTP_ACCEPT_LANGUAGE="az").json()
    assert detail["action"] == ACTION


def test_progress_note_and_evidence_in_nfd_are_stored_in_nfc(db, users):
    recommendation = RecommendationFactory()
    staff = APIClient()
    staff.force_authenticate(users["ngo_staff"])
    progress = staff.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/",
        {"status": "in_progress", "note": NFD},
        format="json",
    )
    assert progress.status_code == 201, progress.content
    assert progress.json()["note"] == ACTION
    assert ProgressUpdate.objects.values_list("note", flat=True).get() == ACTION
    evidence = staff.post(
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        {"kind": "excerpt", "title": unicodedata.normalize("NFD", "Müfəttiş hesabatı"), "excerpt": NFD},
        format="json",
    )
    assert evidence.status_code == 201, evidence.content
    assert Evidence.objects.values_list("title", "excerpt").get() == ("Müfəttiş hesabatı", ACTION)


def test_admin_edit_in_nfd_is_stored_in_nfc(db, users):
    recommendation = RecommendationFactory()
    client = Client()
    client.force_login(users["admin"])
    page = client.get(f"/admin/recommendations/recommendation/{recommendation.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"action": NFD, "_save": "Save"})
    data = {key: value for key, value in data.items() if value != []}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    response = client.post(f"/admin/recommendations/recommendation/{recommendation.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert Recommendation.objects.values_list("action", flat=True).get(pk=recommendation.pk) == ACTION


def test_a_name_in_nfd_is_the_same_name(db, users):
    """Responsible body names are unique: the NFD spelling of a stored name is a duplicate."""
    ResponsibleBodyFactory(name="Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi")
    client = Client()
    client.force_login(users["admin"])
    response = client.post(
        "/admin/recommendations/responsiblebody/add/",
        {"name": unicodedata.normalize("NFD", "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi"), "abbreviation": ""},
    )
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["name"]
    assert ResponsibleBody.objects.count() == 1
    # And the admin's search finds it with an NFD query.
    found = client.get("/admin/recommendations/responsiblebody/", {"q": unicodedata.normalize("NFD", "Müdafiəsi")})
    assert found.context["cl"].result_count == 1


QUERIES = [
    pytest.param("müfəttişlərinin", id="NFC"),
    pytest.param(unicodedata.normalize("NFD", "müfəttişlərinin"), id="NFD"),
    pytest.param("müfǝttişlǝrinin", id="turned e"),
    pytest.param("ƎMƎK", id="turned E, capitals"),
    pytest.param("ǝmǝyini", id="turned e, other word"),
]


@pytest.fixture
def stored(db):
    return {
        "plain": RecommendationFactory(action=ACTION),
        "decomposed": RecommendationFactory(action=NFD),
        "turned": RecommendationFactory(action=TURNED_E),
        "other": RecommendationFactory(action="Tamamilə başqa tövsiyə"),
    }


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_every_form_with_every_form(stored, query):
    expected = {stored[name].pk for name in ("plain", "decomposed", "turned")}
    listed = APIClient().get("/api/v1/recommendations/", {"q": query})
    assert listed.status_code == 200
    assert {row["id"] for row in listed.json()["results"]} == expected
    assert APIClient().get("/api/v1/stats/", {"q": query}).json()["total"] == 3
    dashboard = Client().get("/", {"q": query})
    assert dashboard.status_code == 200
    assert dashboard.context["stats"]["total"] == 3


@pytest.mark.parametrize("query", QUERIES)
def test_admin_search_finds_every_form(stored, query):
    client = Client()
    client.force_login(UserFactory(role="admin"))
    response = client.get("/admin/recommendations/recommendation/", {"q": query})
    assert response.context["cl"].result_count == 3
