"""The list runs its own SQL (list_query.py); stats, exports and pages run `filterset.qs`.
These tests pin the two together: a filter means the same rows wherever it is used."""

import datetime
from typing import Any

import pytest
from django.http import QueryDict
from django.utils import timezone

from recommendations.listing import selectors
from recommendations.listing.filters import RecommendationFilterSet
from recommendations.listing.query import FILTER_CONDITIONS
from recommendations.progress.services import progress_record

from .factories import MeasureFactory, RecommendationFactory, ResponsibleBodyFactory, SourceFactory, UserFactory
from .shared_data import shared_data


def test_every_filter_of_the_filter_set_has_a_sql_condition():
    assert set(FILTER_CONDITIONS) == set(RecommendationFilterSet.base_filters)
    missing = sorted(name for name, condition in FILTER_CONDITIONS.items() if not callable(condition))
    assert missing == [], f"declare sql= beside these filters in listing/filters.py: {missing}"


def test_the_django_filter_internals_the_shims_rely_on_still_hold():
    """listing/shims.py copies filters shallowly and shares form fields, leaning on
    django-filter's `base_filters`, `FilterMethod` and the form's `base_fields`: an upgrade
    that changes them must fail here, not answer one request with another's filter set."""
    from recommendations.models import Recommendation

    first = RecommendationFilterSet(data={}, queryset=Recommendation.objects.none())
    second = RecommendationFilterSet(data={}, queryset=Recommendation.objects.none())
    for name, declared in RecommendationFilterSet.base_filters.items():
        mine: Any = first.filters[name]
        theirs: Any = second.filters[name]
        assert mine is not declared and mine is not theirs, name
        assert mine.parent is first and theirs.parent is second, name
        if declared.method is not None:
            # The bound FilterMethod calls the method of this filter set, not another's.
            assert mine.filter.f is mine and mine.filter.method.__self__ is first, name
    assert first.form.fields["area"] is second.form.fields["area"]
    assert first.form is not second.form


def test_list_serializer_export_and_statement_read_the_one_column_declaration():
    from recommendations.analytics.exports import EXPORT_FIELDS
    from recommendations.api.serializers import RecommendationSerializer
    from recommendations.listing import columns
    from recommendations.listing.query import COLUMNS as SELECTED

    assert list(RecommendationSerializer().fields) == list(columns.LIST_FIELDS)
    assert tuple(EXPORT_FIELDS) == tuple(column.name for column in columns.EXPORT_COLUMNS if column.shown)
    stored = [column.name for column in columns.LIST_COLUMNS if column.sql]
    assert [name for name, _sql in SELECTED][: len(stored)] == stored
    for column in columns.COLUMNS:
        # Every column says where its value comes from (responsible bodies, tags: a query per page).
        assert column.sql or column.orm or column.derive or column.filled_by, column.name


@shared_data
def varied():
    """Rows that differ in every filtered column, so each filter keeps some and drops some."""
    dol = SourceFactory(slug="dol-2015-az", country="AZ")
    tip = SourceFactory(slug="tip-2022-ge", kind="tip", country="GE", report_year=2022)
    ministry, agency = ResponsibleBodyFactory(name="Əmək Nazirliyi"), ResponsibleBodyFactory(name="DİN")
    today = timezone.localdate()
    first = RecommendationFactory(
        source=dol, area="legal_framework", year_start=2011, year_end=2015, due_on=today - datetime.timedelta(days=3)
    )
    RecommendationFactory(
        source=dol, area="enforcement", year_start=2014, year_end=2015, responsible_bodies=[ministry, agency]
    )
    RecommendationFactory(source=dol, area=None, year_start=2015, year_end=2015, action="İnsan alverinə qarşı 50%_")
    RecommendationFactory(
        source=SourceFactory(slug="dol-2016-az", country="AZ", report_year=2016),
        area="legal_framework",
        year_start=2009,
        year_end=2012,
        repeats=first,
        due_on=datetime.date(2031, 1, 1),
    )
    RecommendationFactory(source=dol, area="social_programs", year_start=2009, year_end=2012)
    shelters = RecommendationFactory(
        source=tip,
        area="protection",
        priority=True,
        year_start=2022,
        year_end=2022,
        action="Sığınacaqları artırın.",
        due_on=today - datetime.timedelta(days=400),
        status="implemented",
    )
    RecommendationFactory(
        source=tip, area="prevention", priority=True, year_start=2021, year_end=2022, responsible_bodies=[agency]
    )
    staff = UserFactory(role="ngo_staff")
    progress_record(recommendation_id=first.pk, status="in_progress", note="", occurred_on=None, user=staff)
    # A measure answering a recommendation of each report; another answering none yet.
    plan = MeasureFactory(recommendations=[first, shelters], user=staff)
    MeasureFactory(user=staff)
    return {"first": first.pk, "ministry": ministry.pk, "agency": agency.pk, "plan": plan.pk}


QUERIES = [
    "area=enforcement",
    "area=none",
    "area=none,protection",
    "area=legal_framework&area=social_programs",
    "status=in_progress",
    "status=not_assessed,in_progress",
    "source=tip-2022-ge",
    "source=dol-2015-az,tip-2022-ge",
    "country=GE",
    "country=az",
    "priority=true",
    "priority=false",
    "year=2011",
    "year=2015",
    "year=2016",
    "year_from=2013",
    "year_to=2012",
    "year_from=2012&year_to=2014",
    "q=insan alveri",
    "q=SIGINACAQ",
    "q=50%_",
    "q=%22insan alveri%22",
    "q=insan OR emek",
    "q=-insan",
    "q=emek -%22insan alveri%22 OR artirin",
    "q=ushaq",
    "q=müfəttiş emek",
    "repeats={first}",
    "responsible_body={agency}",
    "responsible_body={ministry},{agency}",
    "measure={plan}",
    "measure={plan}&country=GE",
    "measure={plan}&status=in_progress",
    "country=AZ&area=enforcement&year=2015&priority=false&status=not_assessed",
    "country=GE&year_from=2022&q=artirin&responsible_body={agency},{ministry}",
    "source=dol-2015-az&area=none,enforcement&year_to=2015&q=e",
    "as_of=2015-12-31",
    "as_of=2021-12-31",
    "as_of=2020-01-01&status=not_assessed",
    "as_of=2020-01-01&status=in_progress",
    "status=in_progress&as_of={today}",
    "distinct=latest",
    "distinct=latest&as_of=2014-06-01&country=AZ",
    "due_before=2030-12-31",
    "due_after=2030-12-31",
    "due_after=2020-01-01&due_before=2031-01-01",
    "overdue=true",
    "overdue=false",
    "overdue=true&country=AZ",
]


@pytest.mark.parametrize("query", QUERIES)
def test_list_returns_exactly_the_rows_the_filter_set_returns(api_client, varied, query):
    query = query.format(**varied, today=timezone.localdate().isoformat())
    response = api_client.get(f"/api/v1/recommendations/?{query}&page_size=500")
    assert response.status_code == 200, response.json()
    expected = selectors.recommendation_list(params=QueryDict(query)).order_by("id").values_list("id", flat=True)
    assert [item["id"] for item in response.json()["results"]] == list(expected)


@pytest.mark.parametrize("query", QUERIES)
def test_the_measures_answering_a_selection_are_those_of_its_rows(varied, query):
    """The dashboard's measures answering the list's selection: the list's own conditions."""
    from recommendations.listing.query import measures_answering
    from recommendations.measures.models import MeasureLink

    query = query.format(**varied, today=timezone.localdate().isoformat())
    params = QueryDict(query)
    rows = set(selectors.recommendation_list(params=params).values_list("id", flat=True))
    expected: dict[int, int] = {}
    for measure_id, recommendation_id in MeasureLink.objects.values_list("measure_id", "recommendation_id"):
        if recommendation_id in rows:
            expected[measure_id] = expected.get(measure_id, 0) + 1
    filters = selectors.recommendation_filter_values(params=params)
    assert {item.measure.pk: item.answered for item in measures_answering(filters=filters, limit=20)} == expected


@pytest.mark.parametrize("ordering", ["-year_start", "status_changed_at,-position", "-created_at", "year_end,status"])
def test_keyset_pages_follow_the_orm_order_both_ways(api_client, varied, ordering):
    url = f"/api/v1/recommendations/?ordering={ordering}&page_size=2"
    pages, seen = [], []
    while url:
        body = api_client.get(url).json()
        pages.append([item["id"] for item in body["results"]])
        seen += pages[-1]
        url = body["next"]
    expected = selectors.recommendation_order(selectors.recommendation_list(params=QueryDict()), ordering)
    assert seen == list(expected.values_list("id", flat=True))
    # ...and back from the last page through the `previous` links.
    url, back = body["previous"], [pages[-1]]
    while url:
        body = api_client.get(url).json()
        back.append([item["id"] for item in body["results"]])
        url = body["previous"]
    assert back[::-1] == pages
