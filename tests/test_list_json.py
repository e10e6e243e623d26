"""The list's items are written by the database (listing/json_items.py): the bytes must be
those the Python path writes (the serialized page through the API's renderer), which an
indented request still takes. Run on SQLite and on PostgreSQL (DATABASE_URL), with the
database writing them as LIST_JSON_FROM_DATABASE=true asks (off by default)."""

import datetime
import json
import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.api.renderers import dumps
from recommendations.choices import Status
from recommendations.listing.selectors import RECOMMENDATION_ORDERING_FIELDS
from recommendations.models import Recommendation
from recommendations.tags.models import Tag

from .factories import RecommendationFactory, ResponsibleBodyFactory, SourceFactory

AWKWARD = [
    'Say "no" to \\ and \\\\ backslashes',
    "Tab\there, line\nbreak, return\r, bell\x07, escape\x1b, unit\x1f, delete\x7f, form\x0c, back\x08",
    "Emoji 🙂👩🏽‍⚖️ and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "Əmək, İnsan, ıştahlı, ŞĞÖÜÇ şğöüç ə",
    "Line\u2028separator and paragraph\u2029separator",
    "</script><b>&amp;</b> 50%_ 'single' `tick`",
    "",
]


@pytest.fixture(autouse=True)
def list_json_from_database(settings):
    settings.LIST_JSON_FROM_DATABASE = True


MOMENTS = [
    datetime.datetime(2015, 7, 1, 12, 0, 0, tzinfo=datetime.UTC),  # Baku kept summer time then: +05:00
    datetime.datetime(2015, 1, 1, 19, 59, 59, 999999, tzinfo=datetime.UTC),
    datetime.datetime(2024, 2, 29, 20, 0, 0, tzinfo=datetime.UTC),  # midnight in Baku: a day later
    datetime.datetime(1995, 6, 30, 23, 30, 0, 1, tzinfo=datetime.UTC),
    datetime.datetime(2026, 12, 6, 0, 0, 0, tzinfo=datetime.UTC),
]


@pytest.fixture
def awkward_rows(db):
    """Rows whose every listed value is awkward to write as JSON somewhere."""
    english = SourceFactory(slug="tip-2020-az", kind="tip", language="en", report_year=2020)
    azerbaijani = SourceFactory(slug="dol-2020-az", language="az", report_year=2020)
    bodies = [
        ResponsibleBodyFactory(name=name, abbreviation=abbreviation)
        for name, abbreviation in [("Ədliyyə Nazirliyi", "ƏN"), ('"Quoted" \\ body', ""), ("İçişlər\u2028", "İİ")]
    ]
    tags = [
        Tag.objects.create(vocabulary="theme", code="t-1", name_en="Labour inspection", name_az="Əmək müfəttişliyi"),
        Tag.objects.create(vocabulary="theme", code="t-2", name_en="access to justice", name_az=""),
        Tag.objects.create(vocabulary="theme", code="t-3", name_en='Émigrés\\ "returning"', name_az="Qayıdan\u2029"),
        Tag.objects.create(vocabulary="group", code="g-1", name_en="Children", name_az="Uşaqlar"),
        Tag.objects.create(vocabulary="group", code="g-2", name_en="İnternally displaced", name_az="Məcburi köçkünlər"),
        Tag.objects.create(vocabulary="sdg", code="8", name_en="Decent work", name_az="Layiqli iş"),
        Tag.objects.create(vocabulary="sdg", code="16", name_en="Peace", name_az="Sülh"),
        Tag.objects.create(vocabulary="sdg", code="5", name_en="Gender equality", name_az="Gender bərabərliyi"),
        Tag.objects.create(vocabulary="recommending_state", code="TR", name_en="Türkiye", name_az="Türkiyə"),
        Tag.objects.create(vocabulary="recommending_state", code="CI", name_en="Côte d'Ivoire", name_az=""),
        Tag.objects.create(vocabulary="recommending_state", code="AT", name_en="Austria", name_az="Avstriya"),
        Tag.objects.create(vocabulary="position", code="supported", name_en="Supported", name_az="Dəstəklənib"),
    ]
    statuses = list(Status.values)
    translations_cases = [
        {},
        {"en": 'In English: "quoted" \\'},
        {"az": "Azərbaycanca \u2028 mətn", "en": ""},
        {"ru": "По-русски", "en": "English 🙂", "az": "Əsl"},
        {"en": "Only English\ttab"},
    ]
    rows: list[int] = []
    for number in range(36):
        source = english if number % 3 == 0 else azerbaijani
        recommendation = RecommendationFactory(
            source=source,
            area=[None, "enforcement", "protection", "legal_framework"][number % 4],
            priority=number % 5 == 0,
            year_start=2010 + number % 5,
            year_end=2015 + number % 3,
            responsible_bodies=bodies[: number % 4],
        )
        Recommendation.objects.filter(pk=recommendation.pk).update(
            action=f"{AWKWARD[number % len(AWKWARD)]} #{number}",
            action_translations=translations_cases[number % len(translations_cases)],
            status=statuses[number % len(statuses)],
            status_changed_at=MOMENTS[number % len(MOMENTS)],
            due_on=None if number % 2 else datetime.date(2020 + number % 9, 1 + number % 12, 1 + number % 28),
            number=["", "121.1", 'para "7"\\'][number % 3],
            repeats_id=rows[-1] if number % 6 == 5 else None,
        )
        for index, tag in enumerate(tags):
            if (number + index) % 3 == 0:
                tag.recommendations.add(recommendation)
        rows.append(recommendation.pk)
    return rows


# A cursor's signature holds the second it was signed: the two requests may straddle one.
SIGNED_AT = re.compile(rb"(eyJ[A-Za-z0-9_-]*)(?:%3A|:)[0-9A-Za-z]+(?:%3A|:)[A-Za-z0-9_-]+")


def unsigned(body: bytes) -> bytes:
    return SIGNED_AT.sub(rb"\1", body)


def compact_and_indented(client, url: str, language: str) -> tuple[bytes, bytes, list[str]]:
    """The compact body (the database's), the indented one's data rendered compact (Python's),
    and the SQL of the compact request."""
    with CaptureQueriesContext(connection) as queries:
        compact = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    statements = [query["sql"] for query in queries.captured_queries]  # before the next request resets them
    indented = client.get(url, HTTP_ACCEPT_LANGUAGE=language, HTTP_ACCEPT="application/json; indent=2")
    assert compact.status_code == indented.status_code == 200, compact.content
    assert compact["Content-Type"] == indented["Content-Type"] == "application/json"
    assert b"\n  " in indented.content  # the Python path's own renderer
    return unsigned(compact.content), unsigned(dumps(json.loads(indented.content))), statements


def written_by_database(statements: list[str]) -> bool:
    return any("json_object(" in sql or "to_json(" in sql for sql in statements)


def walk(client, url: str, language: str) -> int:
    """Follow `next` links to the end and back one `previous`, comparing every page; the pages seen."""
    pages = 0
    while url:
        # The page computed first (a second read of it is answered from the cache: caching/).
        database, python, statements = compact_and_indented(client, url, language)
        current = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content
        assert written_by_database(statements)
        assert database == python, url
        body = json.loads(current)
        pages += 1
        if body["previous"] and pages == 2:
            back, back_python, _statements = compact_and_indented(client, body["previous"], language)
            assert back == back_python
        url = json.loads(current)["next"] and urlsplit(body["next"])._replace(scheme="", netloc="").geturl()
    return pages


@pytest.mark.parametrize("language", ["az", "en"])
def test_every_ordering_writes_the_python_bytes(api_client, awkward_rows, language):
    for field in RECOMMENDATION_ORDERING_FIELDS:
        for ordering in (field, f"-{field}"):
            as_of = "&as_of=2025-01-01" if "as_of" in field else ""
            pages = walk(api_client, f"/api/v1/recommendations/?ordering={ordering}&page_size=7{as_of}", language)
            assert pages == 6 or as_of, ordering


@pytest.mark.parametrize(
    "query",
    [
        "count=true",
        "count=true&page_size=500",
        "country=XK&count=true",  # an empty page
        "area=none&count=true&page_size=3",
        "as_of=2016-01-01&page_size=11",
        "priority=true&ordering=-status_changed_at",
    ],
)
@pytest.mark.parametrize("language", ["az", "en"])
def test_filters_counts_and_empty_pages_write_the_python_bytes(api_client, awkward_rows, query, language):
    database, python, statements = compact_and_indented(api_client, f"/api/v1/recommendations/?{query}", language)
    assert written_by_database(statements)
    assert database == python
    assert b"\\u2028" in database or b'"results":[]' in database or "area=none" in query or "priority" in query


def test_the_database_bytes_hold_the_awkward_text_unescaped(api_client, awkward_rows):
    body = api_client.get("/api/v1/recommendations/?page_size=500", HTTP_ACCEPT_LANGUAGE="az").content
    assert "Əmək, İnsan, ıştahlı".encode() in body
    assert "👩🏽‍⚖️".encode() in body
    assert b"\\u2028" in body and "\u2028".encode() not in body
    assert b'"status_changed_at":"2015-07-01T17:00:00+05:00"' in body
    assert b'"status_changed_at":"2015-01-01T23:59:59.999999+04:00"' in body
    assert b"\\t" in body and b"\\u001f" in body and b"\\u001b" in body


def test_a_zone_without_offset_writes_z(api_client, awkward_rows, settings):
    settings.TIME_ZONE = "UTC"
    database, python, statements = compact_and_indented(api_client, "/api/v1/recommendations/?page_size=20", "en")
    assert written_by_database(statements)
    assert database == python
    assert b'"status_changed_at":"2015-07-01T12:00:00Z"' in database


def test_a_tag_name_only_python_orders_still_gives_the_python_bytes(api_client, awkward_rows):
    # "ß" casefolds to "ss": "Straße" before "Strasse b" in Python, after it by a lowercase.
    for code, name in [("t-4", "Straße"), ("t-5", "Strasse b"), ("t-6", "Strt")]:
        Tag.objects.create(vocabulary="theme", code=code, name_en=name).recommendations.add(awkward_rows[0])
    database, python, _statements = compact_and_indented(api_client, "/api/v1/recommendations/?page_size=5", "en")
    assert database == python
    first = json.loads(database)["results"][0]
    assert [theme["name"] for theme in first["themes"]][-3:] == ["Straße", "Strasse b", "Strt"]
