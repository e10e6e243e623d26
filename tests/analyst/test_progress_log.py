"""`/api/v1/progress/`: the progress log across recommendations, with the list's filters;
notes, authors and evidence only for analysts and above."""

import io

import pytest
from openpyxl import load_workbook

from recommendations.choices import Status

from .reports import SECRET_EVIDENCE_TITLE, SECRET_NOTE


def walk(client, query: str) -> list[dict]:
    rows, url = [], f"/api/v1/progress/?page_size=2&{query}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


def per_recommendation(client, recommendation_ids) -> list[dict]:
    rows = []
    for pk in recommendation_ids:
        rows += client.get(f"/api/v1/recommendations/{pk}/progress/?page_size=500").json()["results"]
    return rows


@pytest.mark.parametrize(
    "query", ["", "source=dol-2015-az", "area=enforcement,protection", "status=implemented", "q=usaq", "year=2013"]
)
def test_the_log_is_every_entry_of_the_recommendations_the_filters_choose(reports, client_for, query):
    analyst = client_for("analyst")
    chosen = [row["id"] for row in analyst.get(f"/api/v1/recommendations/?page_size=500&{query}").json()["results"]]

    rows = walk(analyst, query)

    expected = per_recommendation(analyst, chosen)
    assert sorted(row["id"] for row in rows) == sorted(row["id"] for row in expected)
    by_id = {row["id"]: row for row in expected}
    for row in rows:
        entry = by_id[row["id"]]
        for name in ("recommendation", "status_before", "status_after", "occurred_on", "note", "author_username"):
            assert row[name] == entry[name], name
    # The timeline's order: by the day it happened, then when recorded.
    assert [(row["occurred_on"], row["created_at"]) for row in rows] == sorted(
        (row["occurred_on"], row["created_at"]) for row in rows
    )


def test_anonymous_users_see_the_changes_never_the_notes(reports, client_for):
    anonymous = walk(client_for("anonymous"), "")
    analyst = walk(client_for("analyst"), "")

    assert [row["id"] for row in anonymous] == [row["id"] for row in analyst] and anonymous
    for row in anonymous:
        assert not {"note", "author_username", "evidence_count"} & set(row)
        assert row["status_after_label"] in dict(Status.choices).values()
    assert any(row["note"] == SECRET_NOTE for row in analyst)
    assert all(isinstance(row["evidence_count"], int) for row in analyst)
    response = client_for("anonymous").get("/api/v1/progress/?page_size=500")
    assert SECRET_NOTE not in response.content.decode()
    assert SECRET_EVIDENCE_TITLE not in response.content.decode()


def test_from_and_to_keep_what_happened_between(reports, client_for):
    analyst = client_for("analyst")
    every = walk(analyst, "")
    days = sorted({row["occurred_on"] for row in every})
    start, end = days[0], days[-1]
    middle = walk(analyst, f"from={start}&to={start}")

    assert {row["occurred_on"] for row in middle} == {start}
    assert len(walk(analyst, f"from={end}")) == sum(row["occurred_on"] >= end for row in every)


def test_newest_first_and_pages_walk_back(reports, client_for):
    client = client_for("analyst")
    rows = walk(client, "ordering=-occurred_on,-created_at")
    assert [row["id"] for row in rows] == [row["id"] for row in reversed(walk(client, ""))]
    first = client.get("/api/v1/progress/?page_size=2").json()
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert back["results"] == first["results"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("as_of=2023-01-01", "as_of"),
        ("from=2023-13-01", "from"),
        ("from=2024-01-01&to=2023-01-01", "from"),
        ("area=nowhere", "area"),
        ("ordering=note", "ordering"),
        ("year=2010&year=2012", "year"),
        ("notes=true", "notes"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(reports, api_client, query, named):
    response = api_client.get(f"/api/v1/progress/?{query}")

    assert response.status_code == 400
    assert named in response.json()


def progress_sheet(response) -> list[dict]:
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, *rows = workbook["progress"].iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.parametrize("query", ["", "area=enforcement,protection", "source=tip-2022-az"])
def test_the_xlsx_export_has_the_log_as_a_sheet(reports, client_for, query):
    analyst = client_for("analyst")
    sheet = progress_sheet(analyst.get(f"/api/v1/recommendations/export.xlsx?{query}"))

    logged = {row["id"]: row for row in walk(analyst, query)}
    assert sorted(row["id"] for row in sheet) == sorted(logged)
    for row in sheet:
        assert row["note"] or logged[row["id"]]["note"] == ""
        assert row["status_after"] == logged[row["id"]]["status_after"]
        assert row["occurred_on"].date().isoformat() == logged[row["id"]]["occurred_on"]
    if not query:
        assert any(row["note"] == SECRET_NOTE for row in sheet)


def test_the_anonymous_export_sheet_has_no_notes(reports, client_for):
    sheet = progress_sheet(client_for("anonymous").get("/api/v1/recommendations/export.xlsx"))

    assert sheet and not {"note", "author_username", "evidence_count"} & set(sheet[0])
