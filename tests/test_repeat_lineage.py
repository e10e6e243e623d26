""" "The same recommendation in other report years" for a branching chain, answered one way by
the API, the recommendation page and the import preview (catalog/repeats.py decides it)."""

import pytest

from recommendations.importing import services as importing_services

from .factories import RecommendationFactory, SourceFactory

ACTION_A = "Əmək müfəttişlərinin uşaq əməyi ilə bağlı qanunların tətbiqi üzrə treninq keçməsini təmin edin."
ACTION_D = "Uşaq əməyi ilə bağlı cinayət işlərinin sayını və nəticələrini hər il ictimaiyyətə açıqlayın."


@pytest.fixture
def branching_chain(db):
    """B and D (2014) both repeat A (2013); C (2015) repeats B."""
    sources = {year: SourceFactory(kind="dol", country="AZ", report_year=year) for year in (2013, 2014, 2015)}
    years = {"area": "enforcement", "year_start": 2013}
    a = RecommendationFactory(source=sources[2013], action=ACTION_A, **years, year_end=2013)
    b = RecommendationFactory(source=sources[2014], action=ACTION_A, repeats=a, **years, year_end=2014)
    d = RecommendationFactory(source=sources[2014], action=ACTION_D, repeats=a, **years, year_end=2014)
    c = RecommendationFactory(source=sources[2015], action=ACTION_A, repeats=b, **years, year_end=2015)
    return {"A": a, "B": b, "C": c, "D": d}


EXPECTED = {"A": ["B", "D", "C"], "B": ["A", "C"], "C": ["A", "B"], "D": ["A"]}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_api_and_page_list_the_same_lineage(api_client, branching_chain, name):
    recommendation = branching_chain[name]
    ids = {rec.pk: key for key, rec in branching_chain.items()}
    detail = api_client.get(f"/api/v1/recommendations/{recommendation.pk}/").json()
    assert [ids[item["id"]] for item in detail["also_suggested_in"]] == EXPECTED[name]

    page = api_client.get(f"/recommendations/{recommendation.pk}/").content.decode()
    linked = [key for key, rec in branching_chain.items() if f'href="/recommendations/{rec.pk}/"' in page]
    assert sorted(linked) == sorted(EXPECTED[name])


def test_import_preview_shows_the_lineage_the_new_row_joins(branching_chain):
    a, b, c = branching_chain["A"], branching_chain["B"], branching_chain["C"]
    text = f"Sahə Məsləhət Bilinən Tədbir Məsləhət Bilinən İl(lər)\nTətbiqat {ACTION_A}\n2013 – 2016\n"
    report = importing_services.report_import(
        data=text.encode(), kind="dol", country="AZ", report_year=2016, dry_run=True
    )
    (item,) = report.items
    assert item.repeats.recommendation_id == c.pk
    # What C's page and API show for C, plus C itself: the 2014 branch D is not in it.
    assert item.lineage == [(2013, a.pk), (2014, b.pk), (2015, c.pk)]
    assert f"same recommendation in 2013 #{a.pk}, 2014 #{b.pk}, 2015 #{c.pk}" in "\n".join(report.summary_lines())
