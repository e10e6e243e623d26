"""Search that finds what was meant (issue 27, section 2), asked as an analyst would: words
match at the start of a word, web-search syntax, what English keyboards type, invisible
characters from PDFs, and a 400 for a search or filter that asks for nothing.

Runs on SQLite and, with DATABASE_URL set, on PostgreSQL: the same answers on both."""

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ..factories import RecommendationFactory
from ..shared_data import shared_data

LIST = "/api/v1/recommendations/"
STATS = "/api/v1/stats/"
CSV = "/api/v1/recommendations/export.csv"
XLSX = "/api/v1/recommendations/export.xlsx"

TEXTS = {
    "ministry": "DİN-in istintaq şöbəsini gücləndirin.",
    "law": "Uşaq əməyi haqqında qanunu təsdiq edin.",
    "inspectors": "Əmək müfəttişlərinin sayını artırın.",
    "shelters": "Qurbanlar üçün sığınacaqların maliyyəsini təmin edin.",
    "work": "Uşaqların çalışmasını qadağan edən qanunu tətbiq edin.",
    # A soft hyphen and a zero-width space left by a PDF's line breaks, inside words.
    "pdf": "Mü\u00adfət\u00adtiş\u200blərin hesabatlarını dərc edin.",
    # The Cyrillic ә (U+04D9) Latin-script text often carries.
    "cyrillic": "Әmәk bazarında zorla işlədilməni araşdırın.",
}


@pytest.fixture
def client() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@shared_data
def texts():
    return {key: RecommendationFactory(action=text).pk for key, text in TEXTS.items()}


def _found(client: APIClient, query: str) -> set[int]:
    response = client.get(LIST, {"q": query, "page_size": "500"})
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # At the start of a word: the ministry, not every verb ending in "-edin" / "-din".
        ("DİN", {"ministry"}),
        ("din", {"ministry"}),
        ("edin", {"law", "shelters", "work", "pdf"}),
        ("qanun", {"law", "work"}),
        ("anun", set()),
        ("mək", set()),
        # A run of one letter is not that letter (it found every row with the letter).
        ("aaaa", set()),
        ("zzzz", set()),
        # Today's folding and spellings still find it.
        ("usaq emeyi", {"law"}),
        ("ƏMƏK", {"inspectors", "cyrillic"}),
        ("muffettis", {"inspectors", "pdf"}),
        ("MÜFƏTTİŞ", {"inspectors", "pdf"}),
        # What English keyboards give for ş, ç, ğ; the Cyrillic ә either way.
        ("ushaq", {"law", "work"}),
        ("mufettish", {"inspectors", "pdf"}),
        ("chalishmasini", {"work"}),
        ("sighinacaq", {"shelters"}),
        ("әmәk", {"inspectors", "cyrillic"}),
        # A soft hyphen or format character in the query is not a word break either.
        ("mü\u00adfəttiş", {"inspectors", "pdf"}),
        ("\u200bqanun\u200b", {"law", "work"}),
        # Web-search syntax.
        ('"uşaq əməyi"', {"law"}),
        ('"əməyi uşaq"', set()),
        ('"qanunu təsdiq"', {"law"}),
        ('"qanunu tət"', {"work"}),
        ("qanun OR sığınacaq", {"law", "work", "shelters"}),
        ("edin qanun OR sığınacaq", {"law", "work", "shelters"}),
        ("qanun or sığınacaq", set()),  # `or` in lower case is a word to find, as in FTS5
        ("qanun -uşaq", set()),
        ("qanun -təsdiq", {"work"}),
        ('edin -"uşaq əməyi"', {"shelters", "work", "pdf"}),
        ("-edin", {"ministry", "inspectors", "cyrillic"}),
        ('"uşaq əməyi" OR müfəttiş -hesabat', {"law", "inspectors"}),
        ("100% qanun", set()),
        ("qanun_uşaq", {"law", "work"}),  # "_" separates words as other punctuation does
    ],
)
def test_search_matches_words_at_their_start_with_web_search_syntax(client, texts, query, expected):
    assert _found(client, query) == {texts[key] for key in expected}


@pytest.mark.parametrize(
    "query", ["😀", "§", "%", "*", "—", "…", "\u202e", "\u00ad", '""', "-", "OR", "- OR -", "_", "% *"]
)
@pytest.mark.parametrize("path", [LIST, STATS, CSV, XLSX])
def test_a_search_with_no_letter_or_digit_is_a_400_naming_q(client, texts, path, query):
    response = client.get(path, {"q": query})
    assert response.status_code == 400, response.content[:300]
    assert "Nothing to search for" in response.json()["q"][0]


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        *((LIST, name) for name in ("area", "year", "status", "source", "country", "q", "as_of", "overdue")),
        *((LIST, name) for name in ("priority", "year_from", "responsible_body", "due_before", "ordering")),
        (STATS, "area"),
        (STATS, "year"),
        (STATS, "breakdown"),
        (CSV, "area"),
        (XLSX, "year"),
        ("/api/v1/stats/timeline/", "from"),
    ],
)
@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_filter_value_is_a_400_naming_it(client, texts, path, parameter, value):
    response = client.get(path, {parameter: value})
    assert response.status_code == 400, response.content[:300]
    assert response.json()[parameter] == ["Empty; give a value, or leave the parameter out."]


@pytest.mark.parametrize("parameter", ["area", "status", "source", "country", "responsible_body"])
@pytest.mark.parametrize("value", [",", " , ", ",,"])
def test_a_list_of_no_values_is_a_400_naming_it(client, texts, parameter, value):
    response = client.get(LIST, {parameter: value})
    assert response.status_code == 400, response.content[:300]
    assert response.json()[parameter] == ["Empty; give a value, or leave the parameter out."]


def test_an_empty_part_of_a_list_is_left_out_as_before(client, texts):
    assert client.get(LIST, {"area": "enforcement,"}).status_code == 200


def test_the_list_stats_and_exports_find_the_same_rows(client, texts):
    query = {"q": '"uşaq əməyi" OR müfəttiş -hesabat'}
    listed = _found(client, query["q"])
    assert client.get(STATS, query).json()["total"] == len(listed) == 2
    lines = b"".join(client.get(CSV, query).streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + len(listed)
    workbook = b"".join(client.get(XLSX, query).streaming_content)
    sheet = load_workbook(io.BytesIO(workbook)).worksheets[0]
    assert sheet.max_row == 1 + len(listed)


def test_the_admin_search_takes_the_same_words_and_syntax(texts):
    from django.test import Client

    from ..factories import UserFactory

    admin = Client()
    admin.force_login(UserFactory(role="admin"))
    response = admin.get("/admin/recommendations/recommendation/", {"q": "ushaq -təsdiq"})
    assert list(response.context["cl"].result_list.values_list("pk", flat=True)) == [texts["work"]]


def test_the_dashboard_and_the_feed_say_what_is_wrong_with_a_search(texts):
    from django.test import Client

    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/", {"q": "—"})
    assert page.status_code == 400 and "Nothing to search for" in page.content.decode()
    feed = Client(HTTP_ACCEPT_LANGUAGE="en").get("/feeds/changes/", {"q": "%"})
    assert feed.status_code == 400 and feed.content.decode().startswith("q: Nothing to search for")
    # The dashboard's form sends every field, the empty ones too: those are not filters.
    assert Client().get("/", {"q": "ushaq", "area": "", "year": ""}).status_code == 200
