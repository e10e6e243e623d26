"""`/api/v1/stats/timeline/?format=csv|xlsx`: the JSON answer's periods as a spreadsheet."""

import io

from openpyxl import load_workbook

from recommendations.choices import Status

from .test_stats_tables import read_csv


def test_the_timeline_as_csv_and_xlsx(history, api_client):
    query = "interval=quarter&to=2024-06-15"
    periods = api_client.get(f"/api/v1/stats/timeline/?{query}").json()["periods"]
    header, *rows = read_csv(api_client.get(f"/api/v1/stats/timeline/?{query}&format=csv"))

    assert header == ["end", "partial", "total", *Status.values]
    assert rows == [
        [p["end"], str(p["partial"]).lower(), str(p["total"]), *(str(p["by_status"][s]) for s in Status.values)]
        for p in periods
    ]
    response = api_client.get(f"/api/v1/stats/timeline/?{query}&format=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["timeline", "filters"]
    _header, *cells = workbook["timeline"].iter_rows(values_only=True)
    assert [(str(row[0])[:10], row[2]) for row in cells] == [(p["end"], p["total"]) for p in periods]
    stated = [row[0] for row in workbook["filters"].iter_rows(min_row=2, values_only=True)]
    assert "as_of" not in stated and "interval" in stated  # its days are `from` and `to`
