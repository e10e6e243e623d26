"""The dashboard over time, on a progress log written out of order (the `history` fixture):
as_of, the share implemented per area, the progress-over-time chart."""

import re

from .test_pages import bars, found, table_ids


def test_dashboard_as_of_answers_what_was_implemented_by_a_date_by_area(history, client):
    html = client.get("/?as_of=2019-12-31&status=implemented").content.decode()

    assert bars(html, "chart-area") == {"enforcement": 1}
    assert table_ids(html) == [history["A"]]
    assert 'datetime="2019-12-31"' in html
    assert "export.csv?as_of=2019-12-31&amp;status=implemented" in html
    before = client.get("/?as_of=2016-12-31").content.decode()
    assert 'class="badge status-in_progress"' in before  # A, as it stood then
    assert 'class="badge status-implemented"' not in before


def test_dashboard_shows_the_share_implemented_per_area(history, client):
    html = client.get("/?as_of=2019-12-31").content.decode()
    chart = found(r'<figure class="chart" id="chart-area".*?</figure>', html, re.S)[0]
    # enforcement: A implemented, E not assessed.
    assert re.search(r'<tr data-key="enforcement"[^>]*>.*?<td>50%</td>', chart, re.S)


def test_dashboard_draws_progress_over_time_with_its_numbers(history, client):
    html = client.get("/?interval=year&country=AZ").content.decode()
    chart = found(r'<figure class="chart chart-over-time" id="chart-timeline".*?</figure>', html, re.S)[0]
    rows = dict(re.findall(r'<tr data-key="(\d{4}-\d{2}-\d{2})" data-total="(\d+)"', chart))
    assert rows["2015-12-31"] == "3"
    assert rows["2022-12-31"] == "4"
    assert "<polygon" in chart
    quarterly = client.get("/?interval=quarter").content.decode()
    assert 'data-key="2017-06-30"' in quarterly
    assert client.get("/?interval=week").status_code == 400
