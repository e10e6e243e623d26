"""The recommendation list's filters, as an analyst calls them: alone, combined, and refused
with a 400 naming the parameter when malformed, never answered with an unfiltered list."""

import pytest

from recommendations.choices import SourceKind, Status
from recommendations.listing.filters import RecommendationFilterSet
from recommendations.models import Recommendation
from recommendations.progress import services as progress_services

from .factories import RecommendationFactory, ResponsibleBodyFactory, SourceFactory
from .shared_data import shared_data

LIST_URL = "/api/v1/recommendations/"


@shared_data
def catalogue():
    """Five recommendations from three reports, chosen so that every filter splits them."""
    dol_az = SourceFactory(slug="dol-2015-az", kind=SourceKind.DOL, country="AZ", report_year=2015)
    tip_az = SourceFactory(slug="tip-2022-az", kind=SourceKind.TIP, country="AZ", report_year=2022)
    dol_uz = SourceFactory(slug="dol-2010-uz", kind=SourceKind.DOL, country="UZ", report_year=2010)
    ministry = ResponsibleBodyFactory(name="Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi")
    rows = {
        "law": RecommendationFactory(
            source=dol_az,
            area="legal_framework",
            action="Uşaq əməyi haqqında qanunu dəyişdirin.",
            year_start=2011,
            year_end=2015,
            responsible_bodies=[ministry],
        ),
        "inspectors": RecommendationFactory(
            source=dol_az,
            area="enforcement",
            action="Əmək müfəttişlərinin sayını artırın.",
            year_start=2014,
            year_end=2014,
        ),
        "prosecute": RecommendationFactory(
            source=tip_az,
            area="prosecution",
            action="İnsan alverçilərini məhkəmə qarşısına çıxarın.",
            year_start=2020,
            year_end=2022,
            priority=True,
        ),
        "identify": RecommendationFactory(
            source=tip_az, area=None, action="Qurbanları müəyyənləşdirin.", year_start=2016, year_end=2016
        ),
        "cotton": RecommendationFactory(
            source=dol_uz,
            area="enforcement",
            action="Pambıq yığımında məcburi əməyi dayandırın.",
            year_start=2009,
            year_end=2010,
            responsible_bodies=[ministry],
        ),
    }
    statuses = {
        "law": Status.NOT_STARTED,
        "inspectors": Status.IN_PROGRESS,
        "prosecute": Status.IMPLEMENTED,
        "cotton": Status.PARTIALLY_IMPLEMENTED,
    }
    for label, status in statuses.items():
        progress_services.progress_record(recommendation_id=rows[label].pk, status=status, user=None)
    rows["ministry"] = ministry
    return rows


def labels(response, catalogue) -> set[str]:
    assert response.status_code == 200, response.content
    by_id = {row.pk: label for label, row in catalogue.items() if isinstance(row, Recommendation)}
    return {by_id[item["id"]] for item in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"law", "inspectors", "prosecute", "identify", "cotton"}),
        # area
        ("area=enforcement", {"inspectors", "cotton"}),
        ("area=none", {"identify"}),
        ("area=legal_framework,none", {"law", "identify"}),
        ("area=legal_framework&area=prosecution", {"law", "prosecute"}),
        # status
        ("status=not_assessed", {"identify"}),
        ("status=in_progress", {"inspectors"}),
        ("status=not_started&status=implemented", {"law", "prosecute"}),
        ("status=not_started,implemented,partially_implemented", {"law", "prosecute", "cotton"}),
        # source
        ("source=dol-2015-az", {"law", "inspectors"}),
        ("source=dol-2015-az,tip-2022-az", {"law", "inspectors", "prosecute", "identify"}),
        ("source=tip-2022-az&source=dol-2010-uz", {"prosecute", "identify", "cotton"}),
        # country, in either case
        ("country=UZ", {"cotton"}),
        ("country=az", {"law", "inspectors", "prosecute", "identify"}),
        ("country=az,uz", {"law", "inspectors", "prosecute", "identify", "cotton"}),
        # priority
        ("priority=true", {"prosecute"}),
        ("priority=false", {"law", "inspectors", "identify", "cotton"}),
        ("priority=1", {"prosecute"}),
        # year: suggested in that year, range edges included
        ("year=2011", {"law"}),
        ("year=2015", {"law"}),
        ("year=2014", {"law", "inspectors"}),
        ("year=2010", {"cotton"}),
        ("year=2016", {"identify"}),
        ("year=2019", set()),
        # year_from / year_to: the suggested range overlaps the asked range
        ("year_from=2015&year_to=2016", {"law", "identify"}),
        ("year_from=2021", {"prosecute"}),
        ("year_to=2010", {"cotton"}),
        ("year_from=2010&year_to=2011", {"law", "cotton"}),
        ("year_from=2017&year_to=2019", set()),
        ("year_from=2015&year_to=2015", {"law"}),
        # free text, folded: no Azerbaijani keyboard needed, any case
        ("q=emek", {"inspectors"}),
        ("q=MÜFƏTTİŞ", {"inspectors"}),
        ("q=mufetis", {"inspectors"}),
        ("q=insan alver", {"prosecute"}),
        ("q=İNSAN", {"prosecute"}),
        ("q=qanun usaq", {"law"}),
        ("q=qanun pambıq", set()),
        ("q=əməyi", {"law", "cotton"}),
        # responsible body
        ("responsible_body={ministry}", {"law", "cotton"}),
        # combined
        ("country=AZ&area=enforcement", {"inspectors"}),
        ("source=dol-2015-az&year=2015", {"law"}),
        ("status=not_started,in_progress&year=2014&area=enforcement", {"inspectors"}),
        ("country=AZ&priority=false&year_from=2015", {"law", "identify"}),
        ("q=əməyi&country=UZ", {"cotton"}),
        ("q=əməyi&status=not_started&source=dol-2015-az&area=legal_framework&year=2012&priority=false", {"law"}),
        ("area=enforcement&status=implemented", set()),
    ],
)
def test_list_filter(client_for, catalogue, query, expected):
    query = query.replace("{ministry}", str(catalogue["ministry"].pk))
    response = client_for("anonymous").get(f"{LIST_URL}?{query}")
    assert labels(response, catalogue) == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("year_start", ["cotton", "law", "inspectors", "identify", "prosecute"]),
        ("-year_start", ["prosecute", "identify", "inspectors", "law", "cotton"]),
        ("year_end,-id", ["cotton", "inspectors", "law", "identify", "prosecute"]),
    ],
)
def test_list_ordering(client_for, catalogue, ordering, expected):
    response = client_for("analyst").get(LIST_URL, {"ordering": ordering})
    assert response.status_code == 200
    by_id = {row.pk: label for label, row in catalogue.items() if isinstance(row, Recommendation)}
    assert [by_id[item["id"]] for item in response.json()["results"]] == expected


def test_filter_by_repeated_recommendation(client_for, catalogue):
    later = SourceFactory(slug="tip-2023-az", kind=SourceKind.TIP, country="AZ", report_year=2023)
    repeat = RecommendationFactory(
        source=later, area=None, repeats=catalogue["identify"], year_start=2023, year_end=2023
    )
    response = client_for("anonymous").get(LIST_URL, {"repeats": catalogue["identify"].pk})
    assert [item["id"] for item in response.json()["results"]] == [repeat.pk]


def test_list_items_carry_the_contract_fields(client_for, catalogue):
    response = client_for("anonymous").get(LIST_URL, {"source": "tip-2022-az", "priority": "true"})
    (item,) = response.json()["results"]
    assert {"next", "previous", "results"} <= set(response.json())
    assert item["source"] == "tip-2022-az"
    assert item["country"] == "AZ"
    assert item["area"] == "prosecution"
    assert item["year_start"] == 2020 and item["year_end"] == 2022
    assert item["priority"] is True
    assert item["status"] == "implemented"
    assert item["status_changed_at"]
    assert item["action"] == "İnsan alverçilərini məhkəmə qarşısına çıxarın."


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year=abc", "year"),
        ("year=2011.5", "year"),
        ("year=1800", "year"),
        ("year_from=abc", "year_from"),
        ("year_to=99999", "year_to"),
        ("year_from=2016&year_to=2015", "year_to"),
        ("status=done", "status"),
        ("status=not_started,done", "status"),
        ("status=implemented&status=done", "status"),
        ("area=nope", "area"),
        ("area=enforcement,nope", "area"),
        ("source=no-such-report", "source"),
        ("country=XX", "country"),
        ("priority=maybe", "priority"),
        ("repeats=abc", "repeats"),
        ("responsible_body=abc", "responsible_body"),
        ("responsible_body=999999", "responsible_body"),
        ("measure=abc", "measure"),
        ("measure=999999", "measure"),
        ("measure=1%00", "measure"),
        (f"q={'x' * 201}", "q"),
        ("q=%00", "q"),
        ("source=dol-2015-az%00", "source"),
        ("stauts=done", "stauts"),
        ("page=2", "page"),
        ("ordering=nope", "ordering"),
        ("ordering=-action", "ordering"),
        ("ordering=year_start,bogus", "ordering"),
        ("page_size=0", "page_size"),
        ("page_size=-1", "page_size"),
        ("page_size=1000000000", "page_size"),
        ("page_size=501", "page_size"),
        ("page_size=ten", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=!!!", "cursor"),
    ],
)
def test_malformed_parameter_is_a_400_naming_it(client_for, catalogue, query, parameter):
    response = client_for("anonymous").get(f"{LIST_URL}?{query}")
    assert response.status_code == 400, response.content
    assert parameter in response.json()


def test_page_size_limits_are_inclusive(client_for, catalogue):
    client = client_for("anonymous")
    assert len(client.get(LIST_URL, {"page_size": 1}).json()["results"]) == 1
    assert len(client.get(LIST_URL, {"page_size": 500}).json()["results"]) == 5


# Recommendation fields nobody filters the list by, each with the reason. A new model field
# must either get a filter in RecommendationFilterSet or be added here on purpose.
DELIBERATELY_UNFILTERED = {
    "id": "an item is fetched by /recommendations/{id}/",
    "action_search": "internal folded copy that `q` searches",
    "position": "an ordering key (`ordering=position`), meaningless across sources",
    "status_changed_at": "an ordering key (`ordering=status_changed_at`)",
    "version": "internal optimistic-locking counter, exposed as the ETag",
    "created_at": "bookkeeping; an ordering key",
    "updated_at": "bookkeeping",
    "provenance": "where the importer read the row (pages, lines); shown on the recommendation page",
    "indicators": "named by admins on a few recommendations, shown on its page and detail; no list filter yet",
    "number": "the paragraph number the report prints (UPR's 121.1), shown beside the text",
    "withdrawal_reason": "why it was withdrawn (`withdrawn` filters on the moment); shown on its page and detail",
}
# Filters that cover a field under another name.
FILTER_FOR_FIELD = {
    "action": "q",
    "action_translations": "q",
    "year_start": "year",
    "year_end": "year",
    "responsible_bodies": "responsible_body",
}


def test_missing_filters():
    filters = RecommendationFilterSet.base_filters
    filtered_fields = {name for name, flt in filters.items()} | {
        flt.field_name.split("__")[0] for flt in filters.values() if flt.field_name
    }
    model_fields = [
        field.name
        for field in Recommendation._meta.get_fields()
        if (field.concrete or field.many_to_many) and not field.auto_created
    ] + ["id"]
    missing = [
        name
        for name in model_fields
        if name not in DELIBERATELY_UNFILTERED
        and name not in filtered_fields
        and FILTER_FOR_FIELD.get(name) not in filters
    ]
    assert not missing, f"Recommendation fields without a filter: {missing}"
    stale = [name for name in DELIBERATELY_UNFILTERED if name not in model_fields]
    assert not stale, f"DELIBERATELY_UNFILTERED names fields the model no longer has: {stale}"
