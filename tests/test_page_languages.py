"""Each page in its language: the English text on English pages where the report is there in
English, the Azerbaijani on Azerbaijani ones; a text only in the other language carries its
`lang` and a visible "original" mark in the page's language."""

import pytest
from django.test import Client

from recommendations.choices import SourceKind

from .factories import RecommendationFactory, SourceFactory

AZ = "Əmək müfəttişlərinin treninqini təmin edin."
EN = "Ensure that labor inspectors are trained."
ONLY_AZ = "İnsan alveri işlərini araşdırın və cinayət məsuliyyətinə cəlb edin."


@pytest.fixture
def both_and_one(db):
    translated = RecommendationFactory(action=AZ, action_translations={"en": EN})
    tip = SourceFactory(kind=SourceKind.TIP, slug="tip-2022-az", report_year=2022)
    only_az = RecommendationFactory(source=tip, action=ONLY_AZ, area="prosecution", year_start=2022, year_end=2022)
    return translated, only_az


def page(users, path: str, language: str) -> str:
    client = Client()
    client.force_login(users["analyst"])
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def shown(html: str) -> str:
    """The page less its history entries (which show each change's stored values as they were)."""
    return html.split('class="history', 1)[0]


@pytest.mark.parametrize(
    "path",
    ["/recommendations/{id}/history/", "/recommendations/{id}/", "/", "/sources/{slug}/"],
)
def test_english_pages_show_the_english_text_and_azerbaijani_pages_the_azerbaijani(both_and_one, users, path):
    translated, _only_az = both_and_one
    path = path.format(id=translated.pk, slug=translated.source.slug)

    english = shown(page(users, path, "en"))
    assert f'lang="en">{EN}' in english
    assert AZ not in english

    azerbaijani = shown(page(users, path, "az"))
    assert f'lang="az">{AZ}' in azerbaijani and EN not in azerbaijani


@pytest.mark.parametrize(
    "path", ["/recommendations/{id}/history/", "/recommendations/{id}/", "/", "/sources/tip-2022-az/"]
)
def test_text_only_in_azerbaijani_is_marked_on_english_pages(both_and_one, users, path):
    _translated, only_az = both_and_one
    path = path.format(id=only_az.pk)

    english = page(users, path, "en")
    assert f'lang="az">{ONLY_AZ}' in english
    assert "(Azerbaijani original)" in english

    azerbaijani = page(users, path, "az")
    assert ONLY_AZ in azerbaijani
    assert "orijinal)" not in azerbaijani  # in its own language: nothing to mark


def test_exports_say_which_language_each_action_is_in(both_and_one, api_client):
    import csv
    import io

    translated, only_az = both_and_one
    response = api_client.get("/api/v1/recommendations/export.csv", HTTP_ACCEPT_LANGUAGE="en")
    rows = {
        int(row["id"]): row
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    }

    assert (rows[translated.pk]["action"], rows[translated.pk]["action_language"]) == (EN, "en")
    assert (rows[only_az.pk]["action"], rows[only_az.pk]["action_language"]) == (ONLY_AZ, "az")
    response = api_client.get("/api/v1/recommendations/export.csv", HTTP_ACCEPT_LANGUAGE="az")
    rows = {
        int(row["id"]): row
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    }
    assert (rows[translated.pk]["action"], rows[translated.pk]["action_language"]) == (AZ, "az")
