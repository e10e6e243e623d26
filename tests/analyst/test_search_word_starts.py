"""A search still finds exactly the rows whose words start with it after rows are added in
bulk, edited, moved to another country and deleted (issue 23). PostgreSQL finds a search's
candidates through a table of the starts of every row's words that its triggers keep
(migration 0026); SQLite reads the search text itself. The same answers on both."""

import pytest
from rest_framework.test import APIClient

from recommendations.catalog import services as catalog
from recommendations.models import Recommendation
from recommendations.search import fold

from ..factories import RecommendationFactory, SourceFactory, UserFactory

LIST = "/api/v1/recommendations/"

TEXTS = [
    ("AZ", "Pambıq yığımında uşaq əməyinin monitorinqini gücləndirin."),
    ("GE", "Qurbanlar üçün sığınacaqları maliyyələşdirin."),
    ("AZ", "Müstəqil monitorinqlə sığınacaqların sayını artırın."),
    ("GE", "Monitoring of child labor in the cotton harvest."),
    ("AZ", "Prokurorlar üçün təlim proqramları keçirin."),
    ("GE", "Pambıq sahələrində müstəqil monitorinq aparın."),
    ("AZ", "Şəki və Gəncə bölgələrində monitorinq."),
    ("GE", "Funding for shelters for victims in the cotton regions."),
]

# Each query with the texts (by index) it finds: words long enough to be looked up by their
# start (with and without a check of the rest), short ones, phrases, OR and exclusions.
QUERIES = [
    ("monitorinq", {0, 2, 5, 6}),
    ("moni", {0, 2, 3, 5, 6}),
    ("monitorinqini", {0}),
    ("mon", {0, 2, 3, 5, 6}),
    ("pambıq", {0, 5}),
    ("pamb", {0, 5}),
    ("cotton", {3, 7}),
    ("shelters", {7}),
    ("sığınacaq", {1, 2}),
    ("Şəki", {6}),
    ("prokurorlar", {4}),
    ("əki", set()),
    ("onitorinq", set()),
    ('"müstəqil monitorinq"', {2, 5}),
    ('"monitorinq aparın"', {5}),
    ("monitorinq sığınacaq", {2}),
    ("monitorinq -pambıq", {2, 6}),
    ("monitorinq OR cotton", {0, 2, 3, 5, 6, 7}),
    ("pambıq OR prokurorlar monitorinq", {0, 5}),
    ("-monitorinq", {1, 3, 4, 7}),
    ("zzzz", set()),
]


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def imported(db) -> list[int]:
    """The texts as two reports imported at once (one INSERT each), interleaved in id order
    by importing them alternately a row at a time after a first bulk of each."""
    sources = {country: SourceFactory(country=country) for country in ("AZ", "GE")}
    ids = []
    for position, (country, text) in enumerate(TEXTS, start=1):
        row = {"action": text, "year_start": 2014, "year_end": 2015, "position": position}
        ids += [created.pk for created in catalog.recommendations_create_many(source=sources[country], rows=[row])]
    return ids


def found(client: APIClient, query: str, **filters: str) -> list[int]:
    """Every page of the search, two rows a page: the ids in the order the pages give them."""
    ids: list[int] = []
    response = client.get(LIST, {"q": query, "page_size": "2", **filters})
    while True:
        assert response.status_code == 200, response.content[:300]
        ids += [row["id"] for row in response.json()["results"]]
        if not response.json()["next"]:
            return ids
        response = client.get(response.json()["next"])


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_a_search_pages_through_every_row_it_finds_in_order(client, imported, query, expected):
    assert found(client, query) == [imported[index] for index in sorted(expected)]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
@pytest.mark.parametrize("country", ["AZ", "GE"])
def test_a_search_within_a_country_finds_that_countrys_rows(client, imported, query, expected, country):
    within = [index for index in sorted(expected) if TEXTS[index][0] == country]
    assert found(client, query, country=country) == [imported[index] for index in within]


def test_the_count_and_the_stats_agree_with_the_pages(client, imported):
    for query, expected in QUERIES:
        response = client.get(LIST, {"q": query, "count": "true"})
        assert response.json()["count"] == len(expected), query
        assert client.get("/api/v1/stats/", {"q": query}).json()["total"] == len(expected), query


def test_an_edited_text_is_found_by_its_new_words_and_not_its_old(client, db):
    recommendation = RecommendationFactory(action="Pambıq yığımında uşaq əməyini yoxlayın.")
    admin = APIClient()
    admin.force_authenticate(UserFactory(role="admin"))

    edited = admin.patch(
        f"/api/v1/recommendations/{recommendation.pk}/", {"action": "Sığınacaqları maliyyələşdirin."}, format="json"
    )

    assert edited.status_code == 200, edited.content[:300]
    for gone in ("pambıq", "pamb", "yığımında", '"uşaq əməyini"'):
        assert found(client, gone) == [], gone
    for present in ("sığınacaqları", "siginacaq", "sığı", "maliyyə"):
        assert found(client, present) == [recommendation.pk], present


def test_a_report_moved_to_another_country_is_searched_there(client, imported):
    source = Recommendation.objects.get(pk=imported[3]).source  # the GE report
    catalog.source_update(source_id=source.pk, data={"country": "AM"}, user=UserFactory(role="admin"))

    moved = [imported[index] for index, (country, _text) in enumerate(TEXTS) if country == "GE"]
    assert found(client, "cotton", country="AM") == [imported[3], imported[7]]
    assert found(client, "cotton", country="GE") == []
    assert found(client, "monitorinq", country="AM") == [imported[5]]
    assert set(found(client, "-zzzz", country="AM")) == set(moved)


def test_deleted_rows_are_not_found_and_new_ones_are(client, imported):
    Recommendation.objects.filter(pk__in=[imported[0], imported[5]]).delete()
    assert found(client, "pambıq") == []

    added = RecommendationFactory(action="Pambıq tarlalarında yoxlamalar aparın.")
    assert found(client, "pambıq") == [added.pk]
    assert found(client, "pamb", country="AZ") == [added.pk]


def test_every_text_is_found_by_each_of_its_words(client, imported):
    """Each word of each text, and its first four letters, find at least that text."""
    for index, (_country, text) in enumerate(TEXTS):
        for word in fold(text).replace(".", "").split():
            for query in {word, word[:4]}:
                assert imported[index] in found(client, query), (text, query)


@pytest.mark.parametrize("query", ["monitorinq", "moni", '"müstəqil monitorinq"', "monitorinq -pambıq", "mon"])
def test_a_search_pages_back_through_the_same_rows(client, imported, query):
    pages = [client.get(LIST, {"q": query, "page_size": "1"}).json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    back = [pages[-1]]
    while back[-1]["previous"]:
        back.append(client.get(back[-1]["previous"]).json())

    forward = [row["id"] for page in pages for row in page["results"]]
    assert [row["id"] for page in reversed(back) for row in page["results"]] == forward
    assert forward == found(client, query)
