"""What a spreadsheet user meets first: the CSV's separator (`delimiter`), moments in one ISO
form a parser reads as a column, and a `filters` sheet that says truly what was exported."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")


def body_of(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize(("given", "separator"), [(";", ";"), (",", ","), ("tab", "\t")])
def test_a_csv_with_the_separator_asked_for_reads_back_whole(reports, api_client, given, separator):
    plain = list(csv.DictReader(io.StringIO(body_of(api_client.get("/api/v1/recommendations/export.csv")))))
    response = api_client.get("/api/v1/recommendations/export.csv", {"delimiter": given})

    assert response.status_code == 200
    text = body_of(response)
    assert text.splitlines()[0].split(separator)[:3] == ["id", "source", "country"]
    # Text holding the separator (Azerbaijani actions hold commas and semicolons) is quoted.
    assert list(csv.DictReader(io.StringIO(text), delimiter=separator)) == plain


def test_the_negotiated_export_takes_the_delimiter_too(reports, api_client):
    response = api_client.get("/api/v1/recommendations/export/", {"format": "csv", "delimiter": ";"})

    assert response.status_code == 200
    assert body_of(response).splitlines()[0].startswith("id;source;country;")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("export.csv", {"delimiter": "|"}),
        ("export.csv", {"delimiter": ""}),
        ("export.csv", {"delimiter": ";;"}),
        ("export.xlsx", {"delimiter": ";"}),
        ("export/", {"format": "xlsx", "delimiter": ";"}),
    ],
)
def test_a_delimiter_not_taken_is_a_400_naming_it(reports, api_client, path, params):
    response = api_client.get(f"/api/v1/recommendations/{path}", params)

    assert response.status_code == 400
    assert "delimiter" in response.json()


def test_every_moment_in_the_csv_has_one_iso_form(reports, api_client):
    rows = list(csv.DictReader(io.StringIO(body_of(api_client.get("/api/v1/recommendations/export.csv")))))

    moments = [row["status_changed_at"] for row in rows]
    # Recorded progress (a moment with its microseconds) beside imported rows and backdated
    # entries (midnight): one form, to the second, one offset style.
    assert moments and all(MOMENT.fullmatch(moment) for moment in moments), moments
    parsed = [datetime.datetime.fromisoformat(moment) for moment in moments]
    assert {moment.utcoffset() for moment in parsed} == {datetime.timedelta(hours=4)}  # Asia/Baku
    api = {item["id"]: item for item in api_client.get("/api/v1/recommendations/?page_size=500").json()["results"]}
    for row, moment in zip(rows, parsed, strict=True):
        assert moment == datetime.datetime.fromisoformat(api[int(row["id"])]["status_changed_at"]).replace(
            microsecond=0
        )


def filters_sheet(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook["filters"].iter_rows(min_row=2, values_only=True))


def test_a_future_as_of_is_stated_as_the_day_the_data_are_of(reports, api_client):
    lines = filters_sheet(api_client.get("/api/v1/recommendations/export.xlsx", {"as_of": "2999-01-01"}))

    as_of = [line for line in lines if line[0] == "as_of"]
    assert len(as_of) == 1
    _name, day, note = as_of[0]
    assert day.date() == timezone.localdate()
    assert "2999-01-01" in note


def test_without_as_of_the_sheet_says_the_current_status_and_when(reports, api_client):
    lines = {line[0]: line[1:] for line in filters_sheet(api_client.get("/api/v1/recommendations/export.xlsx"))}

    assert lines["as_of"][0].date() == timezone.localdate()
    assert isinstance(lines["exported_at"][0], datetime.datetime)  # a date-time cell, not text
    assert lines["time_zone"][0].startswith("Asia/Baku")
