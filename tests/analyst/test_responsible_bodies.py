"""`/api/v1/responsible-bodies/`: the ids the list's `responsible_body` filter takes can be
looked up; and `/api/v1/` lists every endpoint for anyone."""

import pytest

from tests.factories import RecommendationFactory, ResponsibleBodyFactory, UserFactory


@pytest.fixture
def bodies(db):
    ministry = ResponsibleBodyFactory(
        name="Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi", abbreviation="ƏƏSMN", country="AZ"
    )
    police = ResponsibleBodyFactory(name="Daxili İşlər Nazirliyi", abbreviation="DİN", country="AZ")
    elsewhere = ResponsibleBodyFactory(name="Ministry of Labour", country="GE")
    first, second = RecommendationFactory(), RecommendationFactory()
    first.responsible_bodies.add(ministry, police)
    second.responsible_bodies.add(ministry)
    return {"ministry": ministry, "police": police, "elsewhere": elsewhere, "first": first, "second": second}


def test_an_analyst_finds_a_body_and_filters_the_list_by_its_id(bodies, api_client):
    listed = api_client.get("/api/v1/responsible-bodies/", {"country": "az"})

    assert listed.status_code == 200
    rows = listed.json()["results"]
    # In name order, Azerbaijani letters intact, with how many recommendations each has.
    assert [(row["abbreviation"], row["recommendation_count"]) for row in rows] == [("DİN", 1), ("ƏƏSMN", 2)]
    ministry = next(row for row in rows if row["abbreviation"] == "ƏƏSMN")
    assert ministry["name"] == "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi"

    matching = api_client.get("/api/v1/recommendations/", {"responsible_body": ministry["id"]}).json()["results"]
    assert sorted(row["id"] for row in matching) == sorted([bodies["first"].pk, bodies["second"].pk])
    one = api_client.get(f"/api/v1/responsible-bodies/{ministry['id']}/").json()
    assert one == ministry


def test_every_body_without_a_country_filter_and_pages_walk(bodies, api_client):
    first = api_client.get("/api/v1/responsible-bodies/", {"page_size": 2}).json()
    second = api_client.get(first["next"]).json()

    names = [row["name"] for row in first["results"] + second["results"]]
    assert names == sorted(names) and len(names) == 3
    assert second["next"] is None


@pytest.mark.parametrize(
    ("params", "named"),
    [({"country": "Azerbaijan"}, "country"), ({"kind": "dol"}, "kind"), ({"country": "AZ", "q": "x"}, "q")],
)
def test_bad_parameters_are_a_400_naming_them(bodies, api_client, params, named):
    response = api_client.get("/api/v1/responsible-bodies/", params)

    assert response.status_code == 400
    assert named in response.json()


@pytest.mark.parametrize("role", ["anonymous", "analyst", "ngo_staff", "admin"])
def test_the_api_root_lists_every_endpoint_for_every_role(db, api_client, role):
    if role != "anonymous":
        api_client.force_authenticate(UserFactory(role=role))

    response = api_client.get("/api/v1/")

    assert response.status_code == 200
    listed = response.json()
    for name in ("recommendations", "sources", "areas", "responsible-bodies", "stats", "stats/timeline"):
        assert listed[name].startswith("http://testserver/api/v1/"), name
        assert api_client.get(listed[name]).status_code == 200, name
