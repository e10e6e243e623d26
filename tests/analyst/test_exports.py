"""CSV and XLSX exports of the filtered list: they parse back to what the API lists."""

import csv
import datetime
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from recommendations.listing.columns import EXPORT_FIELDS

from .reports import SECRET_EVIDENCE_TITLE, SECRET_NOTE

FILTERS = [
    "",
    "source=tip-2022-az",
    "year=2013",
    "area=enforcement,protection&status=not_started",
    "q=muffettis",
    "priority=true&country=AZ",
    "area=none",
]


def api_rows(client, query: str) -> list[dict]:
    response = client.get(f"/api/v1/recommendations/?page_size=500&{query}")
    assert response.status_code == 200
    return response.json()["results"]


def read_csv(response) -> tuple[bytes, list[dict]]:
    body = b"".join(response.streaming_content)
    return body, list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response) -> list[dict]:
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(header) == EXPORT_FIELDS
    # Trailing empty cells are not stored in the file.
    return [dict(zip(header, row + [None] * (len(header) - len(row)), strict=True)) for row in rows]


def expected_from_api(item: dict) -> dict:
    return {
        "id": item["id"],
        "source": item["source"],
        "country": item["country"],
        "area": item["area"] or "",
        "area_name": item["area_name"] or "",
        "action": item["action"],
        "year_start": item["year_start"],
        "year_end": item["year_end"],
        "priority": item["priority"],
        "status": item["status"],
        "status_label": item["status_label"],
        # Exports write moments to the second (one form for every one of them).
        "status_changed_at": datetime.datetime.fromisoformat(item["status_changed_at"]).replace(microsecond=0),
        "responsible_bodies": "; ".join(body["name"] for body in item["responsible_bodies"]),
    }


def csv_typed(row: dict) -> dict:
    return {
        **{key: row[key] for key in ("source", "country", "area", "area_name", "action", "status", "status_label")},
        "id": int(row["id"]),
        "year_start": int(row["year_start"]),
        "year_end": int(row["year_end"]),
        "priority": {"true": True, "false": False}[row["priority"]],
        "status_changed_at": datetime.datetime.fromisoformat(row["status_changed_at"]),
        "responsible_bodies": row["responsible_bodies"],
    }


def xlsx_typed(row: dict) -> dict:
    # Excel stores local time without a zone and to the millisecond.
    changed = row["status_changed_at"]
    return {
        **{key: row[key] or "" for key in ("source", "country", "area", "area_name", "action", "status")},
        "status_label": row["status_label"],
        "id": row["id"],
        "year_start": row["year_start"],
        "year_end": row["year_end"],
        "priority": row["priority"],
        "status_changed_at": changed,
        "responsible_bodies": row["responsible_bodies"] or "",
    }


@pytest.mark.parametrize("query", FILTERS)
def test_csv_export_round_trips_to_the_api_list(reports, api_client, query):
    response = api_client.get(f"/api/v1/recommendations/export.csv?{query}")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="recommendations-')
    body, rows = read_csv(response)
    assert body.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    expected = [expected_from_api(item) for item in api_rows(api_client, query)]
    assert expected, "each filter selects something"
    assert [csv_typed(row) for row in rows] == expected


@pytest.mark.parametrize("query", FILTERS)
def test_xlsx_export_round_trips_to_the_api_list(reports, api_client, query):
    response = api_client.get(f"/api/v1/recommendations/export.xlsx?{query}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = [xlsx_typed(row) for row in read_xlsx(response)]
    expected = []
    for item in api_rows(api_client, query):
        row = expected_from_api(item)
        changed = row["status_changed_at"]
        row["status_changed_at"] = changed.replace(tzinfo=None, microsecond=changed.microsecond // 1000 * 1000)
        expected.append(row)
    assert [row["id"] for row in rows] == [row["id"] for row in expected]
    for got, want in zip(rows, expected, strict=True):
        assert abs(got.pop("status_changed_at") - want.pop("status_changed_at")) < datetime.timedelta(seconds=1)
        assert got == want


def test_azerbaijani_letters_survive_both_formats(reports, api_client):
    action = reports["hazardous_work_law"].action
    assert set("əışğƏ") <= set(action)

    _body, csv_rows = read_csv(api_client.get("/api/v1/recommendations/export.csv?area=legal_framework"))
    xlsx_rows = read_xlsx(api_client.get("/api/v1/recommendations/export.xlsx?area=legal_framework"))

    assert csv_rows[0]["action"] == xlsx_rows[0]["action"] == action
    assert csv_rows[0]["area_name"] == xlsx_rows[0]["area_name"] == "Qanun və Nizamnamələr"
    assert csv_rows[0]["responsible_bodies"] == "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi"


def test_export_counts_evidence_and_dates_the_last_progress(reports, api_client):
    _body, rows = read_csv(api_client.get("/api/v1/recommendations/export.csv?source=tip-2022-az"))
    by_id = {int(row["id"]): row for row in rows}

    victims = by_id[reports["victim_identification"].pk]
    assert victims["evidence_count"] == "1"
    assert victims["last_progress_on"] == "2023-03-15"
    untouched = by_id[reports["recruitment_oversight"].pk]
    assert (untouched["evidence_count"], untouched["last_progress_on"]) == ("0", "")


def test_export_names_areas_in_the_request_language(reports, api_client):
    _body, english = read_csv(
        api_client.get("/api/v1/recommendations/export.csv?area=enforcement", HTTP_ACCEPT_LANGUAGE="en")
    )
    _body, azerbaijani = read_csv(
        api_client.get("/api/v1/recommendations/export.csv?area=enforcement", HTTP_ACCEPT_LANGUAGE="az")
    )

    assert {row["area_name"] for row in english} == {"Enforcement"}
    assert {row["area_name"] for row in azerbaijani} == {"Tətbiqat"}
    assert {row["status_label"] for row in english} == {"In progress", "Not started"}
    assert {row["status_label"] for row in azerbaijani} == {"İcra olunur", "Başlanmayıb"}


def test_anonymous_export_holds_no_notes_or_evidence(reports, api_client):
    csv_body = b"".join(api_client.get("/api/v1/recommendations/export.csv").streaming_content).decode("utf-8-sig")
    xlsx_rows = read_xlsx(api_client.get("/api/v1/recommendations/export.xlsx"))
    xlsx_text = " ".join(str(value) for row in xlsx_rows for value in row.values())

    for text in (csv_body, xlsx_text):
        assert SECRET_NOTE not in text
        assert SECRET_EVIDENCE_TITLE not in text
        assert "Monitorinq" not in text


def test_format_parameter_chooses_the_format(reports, api_client):
    xlsx = api_client.get("/api/v1/recommendations/export/?format=xlsx&year=2011")
    csv_response = api_client.get("/api/v1/recommendations/export/?format=csv&year=2011")

    assert len(read_xlsx(xlsx)) == 1
    assert len(read_csv(csv_response)[1]) == 1


def test_export_orders_like_the_list(reports, api_client):
    _body, rows = read_csv(api_client.get("/api/v1/recommendations/export.csv?ordering=-year_start"))
    listed = api_rows(api_client, "ordering=-year_start")

    assert [int(row["id"]) for row in rows] == [item["id"] for item in listed]


@pytest.mark.parametrize("path", ["export.csv", "export.xlsx", "export/"])
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year=abc", "year"),
        ("status=done", "status"),
        ("area=nope", "area"),
        ("source=nowhere", "source"),
        ("stauts=done", "stauts"),
        ("ordering=action", "ordering"),
        ("format=pdf", "format"),
    ],
)
def test_bad_export_parameters_are_a_json_400_naming_them(reports, api_client, path, query, parameter):
    response = api_client.get(f"/api/v1/recommendations/{path}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert parameter in response.json()


def test_export_query_count_does_not_grow_with_rows(reports, api_client, django_assert_max_num_queries):
    # The rows, the responsible bodies for the chunk; nothing per row.
    with django_assert_max_num_queries(2):
        read_csv(api_client.get("/api/v1/recommendations/export.csv"))


def test_xlsx_has_an_autofilter_a_filter_sheet_and_links_to_each_page(reports, api_client):
    query = "area=enforcement,protection&as_of=2023-12-31&q=e"
    response = api_client.get(f"/api/v1/recommendations/export.xlsx?{query}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["recommendations", "progress", "indicators", "filters"]
    sheet = workbook["recommendations"]
    header = [cell.value for cell in sheet[1]]
    assert tuple(header) == EXPORT_FIELDS
    rows = [dict(zip(header, [cell.value for cell in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    listed = api_rows(api_client, query)
    assert [row["id"] for row in rows] == [item["id"] for item in listed]
    assert [row["status_as_of"] for row in rows] == [item["status_as_of"] for item in listed]
    # The autofilter covers the header and every row.
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    # Each row links to its recommendation's page, which answers.
    url_column = header.index("url") + 1
    for number, row in enumerate(rows, start=2):
        assert row["url"] == f"http://testserver/recommendations/{row['id']}/"
        link = sheet.cell(number, url_column).hyperlink
        assert link is not None and link.target == row["url"]
        assert api_client.get(str(row["url"]).removeprefix("http://testserver")).status_code == 200
    # The second sheet says what was exported, and when.
    lines = list(workbook["filters"].iter_rows(min_row=2, values_only=True))
    stated: dict[Any, Any] = {row[0]: row[1] for row in lines}
    assert [row[0] for row in lines].count("as_of") == 1
    assert stated["area"] == "enforcement,protection"
    assert stated["q"] == "e"
    assert stated["as_of"] == datetime.datetime(2023, 12, 31)  # a date cell
    # A date-time cell in local time, the zone stated beside it.
    assert stated["time_zone"] == "Asia/Baku (UTC+04:00)"
    exported_at = stated["exported_at"].replace(tzinfo=datetime.timezone(datetime.timedelta(hours=4)))
    assert abs((exported_at - datetime.datetime.now(datetime.UTC)).total_seconds()) < 300
    assert stated["rows"] == len(rows)


def test_csv_and_xlsx_have_the_same_columns_and_values(reports, api_client):
    query = "as_of=2023-03-14&ordering=id"
    _body, csv_rows = read_csv(api_client.get(f"/api/v1/recommendations/export.csv?{query}"))
    xlsx_rows = read_xlsx(api_client.get(f"/api/v1/recommendations/export.xlsx?{query}"))
    assert list(csv_rows[0]) == list(EXPORT_FIELDS)
    for csv_row, xlsx_row in zip(csv_rows, xlsx_rows, strict=True):
        for name in ("id", "status", "status_as_of", "status_as_of_label", "url"):
            assert str(xlsx_row[name] or "") == csv_row[name], name
    # The progress was recorded as of 2023-03-15: the day before, nothing had been assessed.
    assert {row["status_as_of"] for row in csv_rows} == {"not_assessed"}
