"""`repeats` links only the same recommendation made in an earlier report (same country, kind
of report and area): refused by the API, the admin's form and imports alike, and found by
`check_repeats` when stored before the rule. And what `distinct=latest` means beside a filter."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from recommendations.choices import SourceKind
from recommendations.models import ChangeRecord, Recommendation

from .factories import RecommendationFactory, SourceFactory

RULE = "A recommendation repeats one of the same country, kind of report and area, made in an earlier report"


@pytest.fixture
def series(db):
    """DOL reports of Azerbaijan 2015, 2018 and 2022 (the 2018 row repeats the 2015 one), and
    rows that must never be linked to them: a TIP row, another area, another country."""
    dol = {
        year: SourceFactory(slug=f"dol-{year}-az", kind=SourceKind.DOL, report_year=year) for year in (2015, 2018, 2022)
    }
    tip = SourceFactory(slug="tip-2014-az", kind=SourceKind.TIP, report_year=2014)
    dol_uz = SourceFactory(slug="dol-2014-uz", kind=SourceKind.DOL, report_year=2014, country="UZ")
    rows = {
        "2015": RecommendationFactory(source=dol[2015], area="enforcement", year_start=2014, year_end=2015),
        "2022": RecommendationFactory(source=dol[2022], area="enforcement", year_start=2022, year_end=2022),
        "tip": RecommendationFactory(source=tip, area="enforcement", year_start=2014, year_end=2014),
        "other_area": RecommendationFactory(source=dol[2015], area="legal_framework", year_start=2015, year_end=2015),
        "uz": RecommendationFactory(source=dol_uz, area="enforcement", year_start=2014, year_end=2014),
    }
    rows["2018"] = RecommendationFactory(
        source=dol[2018], area="enforcement", year_start=2017, year_end=2018, repeats=rows["2015"]
    )
    return rows


@pytest.fixture
def admin_api(users) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(users["admin"])
    return client


# (recommendation, the one it is made to repeat, the end of the message)
REFUSED = [
    ("2018", "2018", "A recommendation cannot repeat itself."),
    ("2015", "2018", "is of the report of 2018, not of one before 2015."),  # a cycle: 2018 repeats 2015
    ("2015", "2022", "is of the report of 2022, not of one before 2015."),
    ("2022", "tip", "is of another kind of report."),
    ("2022", "other_area", "is of another area."),
    ("2022", "uz", "is of another country."),
]


@pytest.mark.parametrize(("key", "target", "reason"), REFUSED)
def test_the_api_refuses_a_link_that_breaks_the_rule(series, admin_api, key, target, reason):
    recommendation = series[key]
    response = admin_api.patch(
        f"/api/v1/recommendations/{recommendation.pk}/", {"repeats": series[target].pk}, format="json"
    )
    assert response.status_code == 400
    (message,) = response.json()["repeats"]
    assert message.endswith(reason)
    if target != key:
        assert message.startswith(RULE)
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert stored.repeats_id == recommendation.repeats_id and stored.version == recommendation.version
    assert not ChangeRecord.objects.filter(object_id=recommendation.pk, action="update").exists()


def test_the_api_accepts_a_link_that_keeps_the_rule(series, admin_api):
    response = admin_api.patch(
        f"/api/v1/recommendations/{series['2022'].pk}/", {"repeats": series["2018"].pk}, format="json"
    )
    assert response.status_code == 200
    assert Recommendation.objects.get(pk=series["2022"].pk).repeats_id == series["2018"].pk


def test_the_admin_form_shows_the_rule_as_an_error_of_the_field(series, users):
    site = Client()
    site.force_login(users["admin"])
    url = f"/admin/recommendations/recommendation/{series['2015'].pk}/change/"
    form = site.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data["responsible_bodies"] = []
    data["repeats"] = str(series["2022"].pk)
    response = site.post(url, {key: value for key, value in data.items() if value != []})
    assert response.status_code == 200  # shown again, not saved
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["repeats"]
    assert Recommendation.objects.get(pk=series["2015"].pk).repeats_id is None


def test_check_repeats_finds_links_stored_before_the_rule(series):
    out = io.StringIO()
    call_command("check_repeats", stdout=out)
    assert "Every repeats link keeps the rule." in out.getvalue()
    # Stored as older versions did, without validation.
    Recommendation.objects.filter(pk=series["2015"].pk).update(repeats=series["2018"].pk)
    Recommendation.objects.filter(pk=series["uz"].pk).update(repeats=series["uz"].pk)
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 repeats link"):
        call_command("check_repeats", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"#{series['2015'].pk} repeats #{series['2018'].pk}: ")
    assert lines[1].startswith(f"#{series['uz'].pk} repeats #{series['uz'].pk}: ")


def ids(client, query: str) -> set[int]:
    response = client.get(f"/api/v1/recommendations/?{query}")
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_distinct_latest_keeps_the_latest_version_then_applies_the_other_filters(series):
    """The decided meaning (README, "Repeated recommendations"): `distinct=latest` first keeps
    each recommendation in its latest report, then the filters choose among those. The 2015
    row that the 2018 row repeats is represented by the 2018 row (years 2017–2018), so with
    `year=2015` neither is listed; without `distinct` the 2015 row is."""
    client = APIClient()
    first, repeated = series["2015"].pk, series["2018"].pk
    assert first in ids(client, "year=2015&area=enforcement&country=AZ&source=dol-2015-az")
    assert first not in ids(client, "distinct=latest&year=2015")
    assert repeated in ids(client, "distinct=latest&year=2017")
    # As of a day before the 2018 report existed, the 2015 row was the latest version.
    assert first in ids(client, "distinct=latest&year=2015&as_of=2016-12-31")
    stats = client.get("/api/v1/stats/?distinct=latest&year=2015").json()
    assert stats["total"] == len(ids(client, "distinct=latest&year=2015"))
