import datetime

import pytest

from recommendations.choices import SourceKind, Status
from recommendations.progress.services import progress_record
from tests.factories import RecommendationFactory, SourceFactory, UserFactory
from tests.shared_data import shared_data

from .reports import build_reports

D = datetime.date


@shared_data
def reports():
    """The Azerbaijani report data every analyst-side test reads, built once per module."""
    return build_reports()


@pytest.fixture
def history(db):
    """Recommendations whose log was written out of order.

    A (2015 report): in progress on 2016-05-01, implemented on 2019-01-10, and — recorded
    last, backdated — partially implemented on 2017-06-01.
    B (2015): two entries for the same day 2020-03-01; the one recorded later (in progress) wins.
    C (2022 report): implemented on 2023-06-01.
    D (2024 report): nothing logged; not counted before 2024.
    E (2015): nothing logged.
    """
    staff = UserFactory(username="işçi", role="ngo_staff")
    dol = SourceFactory(slug="dol-2015-az", kind=SourceKind.DOL, report_year=2015)
    tip_2022 = SourceFactory(slug="tip-2022-az", kind=SourceKind.TIP, report_year=2022)
    tip_2024 = SourceFactory(slug="tip-2024-az", kind=SourceKind.TIP, report_year=2024)
    items = {
        "A": RecommendationFactory(source=dol, area="enforcement", position=1, year_start=2014, year_end=2015),
        "B": RecommendationFactory(source=dol, area="legal_framework", position=2, year_start=2015, year_end=2015),
        "E": RecommendationFactory(source=dol, area="enforcement", position=3, year_start=2015, year_end=2015),
        "C": RecommendationFactory(source=tip_2022, area="protection", position=1, year_start=2022, year_end=2022),
        "D": RecommendationFactory(source=tip_2024, area="protection", position=1, year_start=2024, year_end=2024),
    }

    def log(key, status, day):
        progress_record(recommendation_id=items[key].pk, status=status, note="", occurred_on=day, user=staff)

    log("A", Status.IN_PROGRESS, D(2016, 5, 1))
    log("A", Status.IMPLEMENTED, D(2019, 1, 10))
    log("A", Status.PARTIALLY_IMPLEMENTED, D(2017, 6, 1))  # recorded late, about the past
    log("B", Status.NOT_STARTED, D(2020, 3, 1))
    log("B", Status.IN_PROGRESS, D(2020, 3, 1))
    log("C", Status.IMPLEMENTED, D(2023, 6, 1))
    return {key: item.pk for key, item in items.items()}
