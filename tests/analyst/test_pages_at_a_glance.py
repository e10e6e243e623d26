"""Pages worth looking at (issue 24 §2): the dashboard's numbers and charts before its
filters, the active filters as chips that each drop one parameter, a heat table of the share
implemented by area and year, date labels that never run into each other, a recommendation's
page that leads with its status, a report's status as a chart, and a page per country."""

import datetime
import itertools
import re

import pytest
from django.test import Client

from recommendations.analytics.charts import stacked_area_chart
from recommendations.choices import SourceKind, Status
from recommendations.progress.services import progress_record
from tests.factories import RecommendationFactory, SourceFactory, UserFactory

STATUSES = [(status, status) for status in Status.values]


def _spans(chart) -> list[tuple[float, float]]:
    """Each date label's extent, 13 px text at up to 0.62 em a character."""
    spans = []
    for label in chart.date_labels:
        x, width = float(label.x), len(label.text) * 13 * 0.62
        spans.append((x - width, x) if label.anchor == "end" else (x - width / 2, x + width / 2))
    return spans


@pytest.mark.parametrize("interval", ["year", "quarter", "month"])
def test_the_date_labels_over_time_never_touch(interval):
    """Before, twelve years 2015–2026 were labelled 2015, 2017, … 2025 and 2026: the last two
    overlapped ("2025 2026")."""
    for count in range(1, 60):
        if interval == "year":
            labels = [str(2015 + index) for index in range(count)]
        elif interval == "quarter":
            labels = [f"{2015 + index // 4} Q{index % 4 + 1}" for index in range(count)]
        else:
            labels = [f"{2015 + index // 12}-{index % 12 + 1:02d}" for index in range(count)]
        chart = stacked_area_chart([(label, label, {"implemented": 1}) for label in labels], STATUSES)
        spans = _spans(chart)
        assert chart.date_labels[-1].text == labels[-1], count  # the latest period is always named
        assert len(spans) >= min(count, 3), count
        for (_start, end), (next_start, _end) in itertools.pairwise(spans):
            assert end + 4 <= next_start, (interval, count, [label.text for label in chart.date_labels])


@pytest.fixture
def glance(db):
    staff = UserFactory(role="ngo_staff")
    tip = SourceFactory(slug="tip-2021-az", kind=SourceKind.TIP, report_year=2021, tip_tier="Tier 2")
    tip_later = SourceFactory(slug="tip-2023-az", kind=SourceKind.TIP, report_year=2023, tip_tier="Tier 2 Watch List")
    dol = SourceFactory(slug="dol-2015-az", kind=SourceKind.DOL, report_year=2015, tip_tier="Moderate Advancement")
    made = {
        "done": RecommendationFactory(source=tip, area="protection", position=1, year_start=2021, year_end=2021),
        "open": RecommendationFactory(source=tip, area="protection", position=2, year_start=2021, year_end=2021),
        "later": RecommendationFactory(source=tip_later, area="prevention", position=1, year_start=2023, year_end=2023),
        "dol": RecommendationFactory(source=dol, area="enforcement", position=1, year_start=2014, year_end=2015),
    }
    progress_record(
        recommendation_id=made["done"].pk, status=Status.IN_PROGRESS, occurred_on=datetime.date(2022, 1, 5), user=staff
    )
    progress_record(
        recommendation_id=made["done"].pk, status=Status.IMPLEMENTED, occurred_on=datetime.date(2023, 6, 1), user=staff
    )
    SourceFactory(slug="tip-2022-us", kind=SourceKind.TIP, report_year=2022, country="US")
    return made


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_the_dashboard_shows_its_numbers_and_charts_before_the_folded_filters(glance):
    html = english().get("/").content.decode()
    # The form is one click away, folded; the summary and the charts come before the list.
    assert re.search(r'<details class="filter-panel">\s*<summary>', html)
    assert (
        html.index('id="summary-heading"') < html.index('id="chart-timeline"') < html.index('id="recommendation-table"')
    )
    # The selection by status as a bar, each segment's count written on it and in its tooltip.
    bar = html[html.index('id="chart-status"') : html.index("</figure>", html.index('id="chart-status"'))]
    assert re.search(r'data-status="implemented" data-count="1"', bar)
    assert "<title>Implemented: 1</title>" in bar
    # Countries link to their pages.
    assert 'href="/countries/AZ/"' in html


def test_a_refused_filter_opens_the_filters(glance):
    html = english().get("/?year=abc").content.decode()
    assert '<details class="filter-panel" open>' in html


def test_active_filters_are_chips_each_dropping_its_own_parameter(glance):
    response = english().get("/?status=in_progress,not_started&area=protection&interval=quarter&page=1")
    html = response.content.decode()
    chips = dict(re.findall(r'<li class="chip" data-filter="(\w+)"><a href="\?([^"]*)"', html))
    assert set(chips) == {"area", "status"}
    # Dropping the status keeps the area and the chart's interval, and goes back to the first page.
    assert chips["status"] == "area=protection&amp;interval=quarter"
    assert chips["area"] == "status=in_progress%2Cnot_started&amp;interval=quarter"
    status_chip = html[html.index('data-filter="status"') : html.index("</li>", html.index('data-filter="status"'))]
    assert "Status: In progress, Not started" in status_chip  # the values as the form names them
    assert "Remove the filter" in status_chip
    # Without filters, no chips.
    assert 'class="chips"' not in english().get("/").content.decode()


def row_of(html: str, key: str) -> str:
    found = re.search(rf'<tr data-key="{key}">(.*?)</tr>', html, re.S)
    assert found, key
    return found[1]


def test_the_heat_table_gives_the_share_implemented_by_area_and_year(glance):
    html = english().get("/").content.decode()
    table = html[html.index('id="heat-table"') : html.index("</table>", html.index('id="heat-table"'))]
    assert re.findall(r"<th scope=\"col\">(\d{4})</th>", table) == ["2014", "2015", "2021", "2023"]
    protection = row_of(table, "protection")
    cells = re.findall(r"<td class=\"(heat-[\w-]+)\"(?: title=\"([^\"]*)\")?>(.*?)</td>", protection)
    assert [cell[2] for cell in cells][2] == "50%"
    assert cells[2][:2] == ("heat-2", "1 of 2 implemented")
    assert cells[0][0] == "heat-none"
    # As of a day before the implementation, none is implemented yet.
    html = english().get("/?as_of=2022-12-31").content.decode()
    protection = row_of(html, "protection")
    assert ">0%<" in protection and "50%" not in protection


def test_a_recommendation_page_leads_with_its_status_since_when_and_the_last_change(glance):
    html = english().get(f"/recommendations/{glance['done'].pk}/").content.decode()
    lead = html[html.index('id="status-lead"') : html.index("</dl>", html.index('id="status-lead"'))]
    assert html.index('id="status-lead"') < html.index('class="action"')
    assert "Implemented" in lead and "since June 1, 2023" in lead
    assert re.search(r'href="#entry-\d+"><time datetime="2023-06-01">', lead)
    assert "(2 progress entries in all)" in lead
    untouched = english().get(f"/recommendations/{glance['open'].pk}/").content.decode()
    lead = untouched[
        untouched.index('id="status-lead"') : untouched.index("</dl>", untouched.index('id="status-lead"'))
    ]
    assert "as in the report of 2021" in lead and "No progress has been recorded yet." in lead


def test_a_source_page_shows_its_recommendations_by_status_as_a_chart(glance):
    html = english().get("/sources/tip-2021-az/").content.decode()
    bar = html[html.index('id="chart-status"') : html.index("</figure>", html.index('id="chart-status"'))]
    assert re.findall(r'data-status="(\w+)" data-count="(\d+)"', bar) == [("not_assessed", "1"), ("implemented", "1")]
    assert 'href="/countries/AZ/"' in html


def test_the_country_page_shows_its_reports_ratings_and_progress(glance, django_assert_num_queries):
    client = english()
    client.get("/countries/AZ/")  # sessions, translations: warm
    with django_assert_num_queries(COUNTRY_QUERIES):
        response = client.get("/countries/az/")
    assert response.status_code == 200
    html = response.content.decode()
    tiers = html[html.index('id="tip-tiers"') : html.index("</table>", html.index('id="tip-tiers"'))]
    assert re.findall(r">(\d{4})</a></th><td>([^<]+)</td>", tiers) == [
        ("2021", "Tier 2"),
        ("2023", "Tier 2 Watch List"),
    ]
    levels = html[html.index('id="dol-levels"') : html.index("</table>", html.index('id="dol-levels"'))]
    assert "Moderate Advancement" in levels
    # Its reports, newest first, with their recommendations by status; the other country's not.
    assert re.findall(r'<g class="bar" data-key="([\w-]+)" data-total="(\d+)"', html) == [
        ("tip-2023-az", "1"),
        ("tip-2021-az", "2"),
        ("dol-2015-az", "1"),
    ]
    assert "tip-2022-us" not in html
    # Over the years: the timeline's last year counts all four.
    assert re.search(r'<tr data-key="\d{4}-12-31" data-total="4">|<tr data-key="[\d-]+" data-total="4">', html)
    # More data, the same number of queries.
    for position in range(2, 12):
        RecommendationFactory(source=glance["later"].source, position=position, year_start=2023, year_end=2023)
    with django_assert_num_queries(COUNTRY_QUERIES):
        client.get("/countries/AZ/")


# The reports; the counts by report and the reports counted (stats); the timeline (two).
COUNTRY_QUERIES = 6


def test_the_country_page_refuses_what_it_does_not_take(glance):
    client = english()
    refused = client.get("/countries/AZ/?year=2021")
    assert refused.status_code == 400 and "year" in refused.content.decode()
    assert client.get("/countries/FR/").status_code == 404  # no report held
    assert client.get("/countries/XX/").status_code == 404  # no such country
    assert client.post("/countries/AZ/").status_code in (403, 405)


def test_the_history_says_where_it_was_read_in_the_readers_language(db):
    """Issue 24 §3: the history page in Azerbaijani said "az: lines 33–37; en: table Table 11,
    pages 6–6"."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import translation

    from recommendations.history.readable import field_changes
    from recommendations.models import ChangeRecord, Recommendation

    record = ChangeRecord(
        object_type=ContentType.objects.get_for_model(Recommendation),
        action=ChangeRecord.Action.UPDATE,
        before={"provenance": {"az": {"lines": [33, 37], "row": 1}}},
        after={"provenance": {"az": {"lines": [33, 37], "row": 1}, "en": {"table": "Table 11", "pages": [6, 6]}}},
    )
    with translation.override("az"):
        (change,) = field_changes(record)
    assert change.before == "Azərbaycanca mətn: cərgə 1, sətirlər 33–37"
    assert change.after == "Azərbaycanca mətn: cərgə 1, sətirlər 33–37; İngiliscə mətn: cədvəl 11, səhifə 6"
    with translation.override("en"):
        (change,) = field_changes(record)
    assert change.after == "Azerbaijani text: row 1, lines 33–37; English text: table 11, page 6"
