"""`/api/v1/stats/?by=…`: cross tables an analyst checks against the list, and `/stats/` and
the timeline as CSV and XLSX holding the JSON answer's numbers."""

import csv
import io
from collections import Counter

import pytest
from openpyxl import load_workbook

from recommendations.choices import Status

QUERIES = ["", "country=AZ", "source=dol-2015-az", "as_of=2023-12-31", "status=not_started,in_progress", "q=usaq"]


def listed(client, query: str) -> list[dict]:
    rows, url = [], f"/api/v1/recommendations/?page_size=7&{query}"
    while url:
        page = client.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


def status_of(row: dict, query: str) -> str:
    return row["status_as_of"] if "as_of=" in query else row["status"]


def cells(table: dict) -> dict:
    return {
        (row["key"], column): count
        for row in table["cells"]
        for column, count in zip(table["column_keys"], row["counts"], strict=True)
    }


@pytest.mark.parametrize("query", QUERIES)
def test_area_by_year_counts_what_the_list_lists(reports, api_client, query):
    response = api_client.get(f"/api/v1/stats/?by=area,year&{query}")

    assert response.status_code == 200, response.json()
    table = response.json()["table"]
    assert (table["rows"], table["columns"]) == ("area", "year")
    expected = Counter(
        (row["area"], year)
        for row in listed(api_client, query)
        for year in range(row["year_start"], row["year_end"] + 1)
    )
    assert {pair: count for pair, count in cells(table).items() if count} == dict(expected)
    assert table["column_keys"] == sorted(table["column_keys"])


@pytest.mark.parametrize("query", QUERIES)
def test_area_by_status_counts_what_the_list_lists_and_agrees_with_by_area(reports, api_client, query):
    body = api_client.get(f"/api/v1/stats/?by=area,status&{query}").json()

    table = body["table"]
    assert table["column_keys"] == Status.values  # every status, in workflow order
    expected = Counter((row["area"], status_of(row, query)) for row in listed(api_client, query))
    assert {pair: count for pair, count in cells(table).items() if count} == dict(expected)
    by_area = {row["area"]: row["by_status"] for row in body["by_area"]}
    for row in table["cells"]:
        assert dict(zip(table["column_keys"], row["counts"], strict=True)) == by_area[row["key"]]
        assert row["label"] == next(area["area_name"] for area in body["by_area"] if area["area"] == row["key"])


def test_status_by_source_rows_are_labelled_and_sources_are_slugs(reports, api_client):
    table = api_client.get("/api/v1/stats/?by=status,source", HTTP_ACCEPT_LANGUAGE="en").json()["table"]

    assert [row["key"] for row in table["cells"]] == Status.values
    assert table["cells"][0]["label"] == "Not assessed"
    assert set(table["column_keys"]) == {"dol-2015-az", "tip-2021-az", "tip-2022-az"}
    assert sum(sum(row["counts"]) for row in table["cells"]) == api_client.get("/api/v1/stats/").json()["total"]


@pytest.mark.parametrize("by", ["area", "area,area", "area,year,status", "country,year", "", "area;year"])
def test_a_cross_table_not_taken_is_a_400_naming_by(reports, api_client, by):
    response = api_client.get("/api/v1/stats/", {"by": by})

    assert response.status_code == 400
    assert "by" in response.json()


def test_by_given_twice_is_a_400(reports, api_client):
    assert api_client.get("/api/v1/stats/?by=area,year&by=area,status").status_code == 400


def read_csv(response, delimiter=",") -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=delimiter))


def test_stats_as_csv_hold_the_json_numbers(reports, api_client):
    query = "country=AZ&as_of=2023-12-31"
    data = api_client.get(f"/api/v1/stats/?{query}").json()
    header, *rows = read_csv(api_client.get(f"/api/v1/stats/?{query}&format=csv&delimiter=;"), delimiter=";")

    assert header == ["breakdown", "key", "label", "total", *Status.values]
    by_part = {(row[0], row[1]): row for row in rows}
    assert by_part[("all", "")][3:] == [str(data["total"]), *(str(data["by_status"][s]) for s in Status.values)]
    for area in data["by_area"]:
        row = by_part[("area", area["area"] or "")]
        assert row[2] == area["area_name"] and int(row[3]) == area["total"]
    assert {int(key) for part, key in by_part if part == "year"} == {year["year"] for year in data["by_year"]}
    assert {key for part, key in by_part if part == "source"} == {source["source"] for source in data["by_source"]}


def test_a_cross_table_as_csv_is_the_matrix(reports, api_client):
    table = api_client.get("/api/v1/stats/?by=area,year").json()["table"]
    header, *rows = read_csv(api_client.get("/api/v1/stats/?by=area,year&format=csv"))

    assert header == ["area", "label", *(str(year) for year in table["column_keys"])]
    assert [[int(count) for count in row[2:]] for row in rows] == [row["counts"] for row in table["cells"]]


def test_stats_as_xlsx_have_the_table_the_stats_and_what_was_asked(reports, api_client):
    response = api_client.get("/api/v1/stats/?by=area,status&as_of=2023-12-31&format=xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="stats-')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["table", "stats", "filters"]
    table = api_client.get("/api/v1/stats/?by=area,status&as_of=2023-12-31").json()["table"]
    header, *rows = workbook["table"].iter_rows(values_only=True)
    assert list(header) == ["area", "label", *Status.values]
    assert [list(row[2:]) for row in rows] == [row["counts"] for row in table["cells"]]
    stated = {row[0]: row[1] for row in workbook["filters"].iter_rows(min_row=2, values_only=True)}
    assert stated["by"] == "area,status" and str(stated["as_of"])[:10] == "2023-12-31"


@pytest.mark.parametrize(
    ("path", "query", "named"),
    [
        ("/api/v1/stats/", "format=pdf", "format"),
        ("/api/v1/stats/", "format=", "format"),
        ("/api/v1/stats/timeline/", "format=docx", "format"),
        ("/api/v1/stats/", "format=xlsx&delimiter=;", "delimiter"),
        ("/api/v1/stats/", "delimiter=;", "delimiter"),
        ("/api/v1/stats/timeline/", "format=csv&delimiter=x", "delimiter"),
        ("/api/v1/stats/", "format=csv&area=nowhere", "area"),
    ],
)
def test_bad_spreadsheet_parameters_are_a_json_400_naming_them(reports, api_client, path, query, named):
    response = api_client.get(f"{path}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert named in response.json()
