"""Never-stale caching of public reads (issue 23, "Performance, round 3"): an anonymous or
API-token read is answered from the cache while the data version is unchanged, and never after
a write — through the API, a command, or raw SQL — nor to a reader of another class."""

import pytest
from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from recommendations.caching.triggers import SHOWN_TABLES, TRIGGER_NAME, UNSHOWN_TABLES
from recommendations.models import Recommendation
from recommendations.users.tokens import token_create
from recommendations.withdrawal.services import recommendation_withdraw

from .factories import RecommendationFactory, SourceFactory

LIST = "/api/v1/recommendations/?ordering=id"
CACHED_READS = (
    LIST,
    "/api/v1/stats/",
    "/api/v1/stats/timeline/",
    "/api/v1/stats/changes/?from=2000-01-01",
    "/api/v1/sources/",
    "/api/v1/responsible-bodies/",
    "/api/v1/measures/",
    "/api/v1/indicators/",
    "/api/v1/indicator-values/",
)


@pytest.fixture
def world(db, users):
    source = SourceFactory(slug="dol-2016-az", report_year=2016)
    years = {"year_start": 2016, "year_end": 2016}
    first = RecommendationFactory(source=source, action="Əmək müfəttişliyini gücləndirin.", **years)
    second = RecommendationFactory(source=source, action="İşçi hüquqlarını qoruyun.", **years)
    return {"source": source, "first": first, "second": second}


def token_client(user, language: str = "az") -> APIClient:
    _token, key = token_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE=language)
    return client


def statuses(response) -> dict[int, str]:
    return {item["id"]: item["status"] for item in response.json()["results"]}


@pytest.mark.parametrize("path", CACHED_READS)
def test_a_cached_answer_is_the_fresh_one_and_runs_only_the_version_read(world, path, django_assert_num_queries):
    from django.core.cache import caches

    client = APIClient()
    fresh = client.get(path)
    assert fresh.status_code == 200
    with django_assert_num_queries(1):  # the data version, nothing else
        cached = client.get(path)
    assert cached.status_code == 200
    assert cached.content == fresh.content
    assert cached["Content-Type"] == fresh["Content-Type"]
    caches["public_reads"].clear()
    assert client.get(path).content == fresh.content


def test_an_api_token_read_is_cached_for_its_role(world, users, django_assert_max_num_queries):
    client = token_client(users["analyst"])
    fresh = client.get(LIST)
    # The version, the token and the reader's role: no list query.
    with django_assert_max_num_queries(4) as captured:
        cached = client.get(LIST)
    assert not any("recommendations_recommendation" in query["sql"] for query in captured.captured_queries)
    assert cached.content == fresh.content


def test_each_language_and_query_has_its_own_answer(world):
    client = APIClient()
    azerbaijani = client.get("/api/v1/stats/", HTTP_ACCEPT_LANGUAGE="az").json()
    english = client.get("/api/v1/stats/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert azerbaijani["by_status"] == english["by_status"]
    assert [label["label"] for label in azerbaijani["statuses"]] != [label["label"] for label in english["statuses"]]
    one = client.get(f"{LIST}&q=gücləndirin").json()["results"]
    assert [item["id"] for item in one] == [world["first"].pk]
    assert len(client.get(LIST).json()["results"]) == 2


def test_a_write_through_the_api_is_in_the_next_read(world, users):
    anonymous = APIClient()
    before = anonymous.get(LIST)
    assert statuses(before)[world["first"].pk] == "not_assessed"
    staff = token_client(users["ngo_staff"])
    written = staff.patch(f"/api/v1/recommendations/{world['first'].pk}/", {"status": "implemented"}, format="json")
    assert written.status_code == 200
    assert statuses(anonymous.get(LIST))[world["first"].pk] == "implemented"
    stats = anonymous.get("/api/v1/stats/").json()
    assert stats["by_status"]["implemented"] == 1


def test_an_import_command_is_in_the_next_read(world):
    from django.core.management import call_command

    from .test_importer_commands import DOL_SEED

    client = APIClient()
    assert client.get("/api/v1/stats/").json()["total"] == 2
    assert len(client.get("/api/v1/sources/").json()["results"]) == 1
    call_command("import_report", str(DOL_SEED), "--kind", "dol", "--country", "AZ", "--year", "2015", verbosity=0)
    assert client.get("/api/v1/stats/").json()["total"] == 2 + 10
    assert len(client.get("/api/v1/sources/").json()["results"]) == 2


def test_raw_sql_is_in_the_next_read(world):
    client = APIClient()
    assert statuses(client.get(LIST))[world["second"].pk] == "not_assessed"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Recommendation._meta.db_table} SET status = %s WHERE id = %s",  # noqa: S608
            ["implemented", world["second"].pk],
        )
    assert statuses(client.get(LIST))[world["second"].pk] == "implemented"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SHOWN_TABLES[-2]}")  # noqa: S608 - the tags' links: the version moves
    assert statuses(client.get(LIST))[world["second"].pk] == "implemented"


def test_a_staff_answer_never_reaches_an_anonymous_reader_nor_the_reverse(world, users):
    recommendation_withdraw(recommendation_id=world["second"].pk, reason="Səhv idxal", user=users["admin"])
    path = f"{LIST}&withdrawn=true"
    staff = token_client(users["analyst"])
    listed = staff.get(path)
    assert [item["id"] for item in listed.json()["results"]] == [world["second"].pk]
    assert "public" not in listed.get("Cache-Control", "")
    refused = APIClient().get(path)
    assert refused.status_code == 403
    # The reverse: the public's list, cached first, is not a staff reader's (of another class).
    public = APIClient().get(LIST)
    assert [item["id"] for item in public.json()["results"]] == [world["first"].pk]
    admin = token_client(users["admin"])
    assert admin.get(f"{LIST}&withdrawn=true").json()["results"][0]["id"] == world["second"].pk


def test_throttles_count_cached_answers_and_send_their_headers(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "1000/minute"},
    }
    client = APIClient()
    answers = [client.get(LIST) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert '"anon";r=1' in answers[1]["RateLimit"]
    assert '"anon";r=0' in answers[2]["RateLimit"]


def test_the_anonymous_answer_may_be_kept_by_a_proxy_only_if_it_asks_again(world, users):
    client = APIClient()
    first = client.get(LIST)
    cache_control = {part.strip() for part in first["Cache-Control"].split(",")}
    assert {"public", "no-cache"} <= cache_control
    assert {"Accept-Language", "Cookie", "Authorization"} <= {part.strip() for part in first["Vary"].split(",")}
    again = client.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    staff = token_client(users["ngo_staff"])
    staff.patch(f"/api/v1/recommendations/{world['first'].pk}/", {"status": "implemented"}, format="json")
    changed = client.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_a_signed_in_browser_read_stays_private_and_uncached(world, users, django_assert_max_num_queries):
    client = APIClient()
    client.force_login(users["analyst"])
    client.get(LIST)
    second = client.get(LIST)
    assert "public" not in second.get("Cache-Control", "")
    with django_assert_max_num_queries(20) as captured:
        client.get(LIST)
    assert any("recommendations_recommendation" in query["sql"] for query in captured.captured_queries)


def test_every_table_is_declared_shown_or_not_and_every_shown_one_moves_the_version(db):
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    assert tables - set(SHOWN_TABLES) - UNSHOWN_TABLES == set()
    if connection.vendor == "postgresql":
        sql = "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s"
        operations: tuple[str, ...] = ("",)
    else:
        sql = "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%%' || %s || '%%'"
        operations = ("insert", "update", "delete")
    with connection.cursor() as cursor:
        cursor.execute(sql, [TRIGGER_NAME])
        triggered = [table for (table,) in cursor.fetchall()]
    assert sorted(triggered) == sorted(table for table in SHOWN_TABLES for _operation in operations)


def test_the_browsable_page_is_never_cached_nor_public(world, django_assert_max_num_queries):
    client = APIClient()
    client.get(f"{LIST}&format=api")
    with django_assert_max_num_queries(30) as captured:
        page = client.get(f"{LIST}&format=api")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "public" not in page.get("Cache-Control", "")
    assert any("recommendations_recommendation" in query["sql"] for query in captured.captured_queries)
