"""A property (hypothesis): for any combination of filters — repeated or comma-separated
values, `as_of`, `distinct`, `overdue`, an ordering — the paginated list, `/stats/`, the CSV
and the XLSX give the same recommendations, in the same order, with the same statuses; and a
single-value parameter given twice, or any parameter given empty, is a 400 naming it on all
four. The search takes its web-search syntax (phrases, OR, -word) on all four alike."""

import csv
import datetime
import io
from urllib.parse import urlencode

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from rest_framework.test import APIClient

from recommendations.choices import Status
from recommendations.models import Recommendation
from tests.shared_data import shared_data

from .reports import build_reports

AREAS = ["legal_framework", "enforcement", "coordination", "protection", "prosecution", "prevention", "none"]
SOURCES = ["dol-2015-az", "tip-2021-az", "tip-2022-az"]
ORDERINGS = ["id", "-id", "-year_start", "status_changed_at,-position", "year_end,status"]


@shared_data
def agreeing():
    reports = build_reports()
    # Due dates on either side of the days asked about, so `overdue` splits the rows.
    for number, pk in enumerate(sorted(item.pk for item in reports.recommendations.values())):
        if number % 3:
            Recommendation.objects.filter(pk=pk).update(due_on=datetime.date(2016 + number, 6, 30))
    return reports


def several(values: list[str]):
    """A subset of `values`, sent repeated (`?x=a&x=b`) or comma-separated (`?x=a,b`)."""
    return st.tuples(st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True), st.booleans()).map(
        lambda chosen: [(value,) for value in chosen[0]] if chosen[1] else [(",".join(chosen[0]),)]
    )


def _parameter(name: str, values):
    return values.map(
        lambda chosen: [(name, value[0]) for value in chosen] if isinstance(chosen, list) else [(name, chosen)]
    )


DAYS = st.dates(min_value=datetime.date(2014, 1, 1), max_value=datetime.date(2027, 12, 31)).map(datetime.date.isoformat)
FILTERS = {
    "area": _parameter("area", several(AREAS)),
    "status": _parameter("status", several(list(Status.values))),
    "source": _parameter("source", several(SOURCES)),
    "year": _parameter("year", st.integers(2010, 2023).map(str)),
    "year_from": _parameter("year_from", st.integers(2010, 2023).map(str)),
    "priority": _parameter("priority", st.sampled_from(["true", "false"])),
    "q": _parameter(
        "q",
        st.sampled_from(
            [
                "emek",
                "insan alveri",
                "müfəttiş",
                "USAQ",
                "qurban",
                '"insan alveri"',
                "emek OR qurban",
                "usaq -emeyi",
                "-qurban",
                '"uşaq əməyi" OR mufettish -insan',
                "ushaq",
            ]
        ),
    ),
    "as_of": _parameter("as_of", DAYS),
    "distinct": _parameter("distinct", st.just("latest")),
    "overdue": _parameter("overdue", st.sampled_from(["true", "false"])),
    "country": _parameter("country", st.sampled_from(["AZ", "az"])),
}
SINGLE = ["year", "year_from", "priority", "q", "as_of", "distinct", "overdue"]


@st.composite
def queries(draw):
    names = draw(st.lists(st.sampled_from(sorted(FILTERS)), max_size=5, unique=True))
    pairs = [pair for name in names for pair in draw(FILTERS[name])]
    repeated = draw(st.sampled_from([None, *[name for name in names if name in SINGLE]]))
    if repeated:
        pairs.append(next(pair for pair in reversed(pairs) if pair[0] == repeated))
    emptied = None if repeated else draw(st.sampled_from([None, None, *names]))
    if emptied:
        pairs = [pair for pair in pairs if pair[0] != emptied] + [(emptied, draw(st.sampled_from(["", " "])))]
    ordering = draw(st.sampled_from([None, *ORDERINGS]))
    return pairs, ordering, repeated, emptied


def _query(pairs: list[tuple[str, str]]) -> str:
    return urlencode(pairs)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _list(client: APIClient, query: str) -> list[dict]:
    rows, url = [], f"/api/v1/recommendations/?page_size=4&{query}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows.extend(response.json()["results"])
        url = response.json()["next"]
    return rows


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(asked=queries())
def test_list_stats_csv_and_xlsx_agree(agreeing, asked):
    pairs, ordering, repeated, emptied = asked
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    query = _query(pairs + ([("ordering", ordering)] if ordering else []))
    stats_query = _query(pairs)
    paths = {
        "list": f"/api/v1/recommendations/?{query}",
        "stats": f"/api/v1/stats/?{stats_query}",
        "csv": f"/api/v1/recommendations/export.csv?{query}",
        "xlsx": f"/api/v1/recommendations/export.xlsx?{query}",
    }
    if repeated:
        for path in paths.values():
            response = client.get(path)
            assert response.status_code == 400, (path, response.status_code)
            assert response.json()[repeated] == ["Given more than once; this parameter takes one value."]
        return
    if emptied:
        for path in paths.values():
            response = client.get(path)
            assert response.status_code == 400, (path, response.status_code)
            assert response.json()[emptied] == ["Empty; give a value, or leave the parameter out."]
        return

    listed = _list(client, query)
    as_of = any(name == "as_of" for name, _value in pairs)
    statuses = [row["status_as_of"] if as_of else row["status"] for row in listed]
    stats = client.get(paths["stats"]).json()
    assert stats["total"] == len(listed)
    assert stats["by_status"] == {status: statuses.count(status) for status in Status.values}

    body = _body(client.get(paths["csv"]))
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [int(row["id"]) for row in rows] == [row["id"] for row in listed]
    assert [row["status_as_of"] or row["status"] for row in rows] == statuses

    body = _body(client.get(paths["xlsx"]))
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    _header, *cells = list(workbook["recommendations"].iter_rows(values_only=True))
    assert [int(str(row[0])) for row in cells] == [row["id"] for row in listed]
    stated = {row[0]: row[1] for row in list(workbook["filters"].iter_rows(values_only=True))[1:]}
    for name, _value in pairs:
        given = ",".join(value for other, value in pairs if other == name)
        if name == "as_of":  # a date cell: the day the data are of (today for a later one)
            assert str(stated[name])[:10] == min(datetime.date.fromisoformat(given), timezone.localdate()).isoformat()
        else:
            assert stated[name] == given
