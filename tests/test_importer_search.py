"""`?q=` finds Azerbaijani text however it is typed (runs on SQLite and on PostgreSQL)."""

import pytest

from .factories import RecommendationFactory
from .shared_data import shared_data

TEXTS = {
    "trafficking": "İnsan alveri ilə Mübarizə Milli Fəaliyyət Planını təmin edin.",
    "shelters": "QHT-lərin idarəsindəki sığınacaqların maliyyələşdirilməsini təmin edin.",
    "inspectors": "Əmək müfəttişlərinin yetərli treninq keçməsini təminat altına alın.",
    "ministry": "Daxili İşlər Nazirliyinin ISTINTAQ şöbəsini gücləndirin.",
}


@shared_data
def recommendations():
    return {key: RecommendationFactory(action=text).pk for key, text in TEXTS.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("insan alveri", {"trafficking"}),
        ("İNSAN ALVERİ", {"trafficking"}),
        ("siginacaq", {"shelters"}),
        ("SIĞINACAQ", {"shelters"}),
        ("muffettis", {"inspectors"}),
        ("müfəttiş", {"inspectors"}),
        ("emek", {"inspectors"}),
        ("ƏMƏK", {"inspectors"}),
        ("daxili isler", {"ministry"}),
        ("istintaq", {"ministry"}),
        ("temin edin", {"trafficking", "shelters"}),
        ("sığınacaq insan", set()),
    ],
)
def test_search_forgives_case_and_missing_azerbaijani_letters(api_client, recommendations, query, expected):
    response = api_client.get("/api/v1/recommendations/", {"q": query})

    assert response.status_code == 200
    found = {item["id"] for item in response.json()["results"]}
    assert found == {recommendations[key] for key in expected}


def test_admin_search_uses_the_same_folding(client, users, recommendations):
    client.force_login(users["admin"])

    response = client.get("/admin/recommendations/recommendation/", {"q": "siginacaq"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list.values_list("pk", flat=True)) == [recommendations["shelters"]]
