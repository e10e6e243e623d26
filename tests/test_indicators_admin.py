"""Admins correct and add indicator values in the admin, with CSRF, through the services."""

from decimal import Decimal

import pytest
from django.test import Client

from recommendations.indicators.models import Indicator, IndicatorValue
from recommendations.indicators.services import indicator_value_add
from recommendations.models import ChangeRecord

from .factories import SourceFactory


@pytest.fixture
def world(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["admin"])
    source = SourceFactory(slug="dol-2015-az", kind="dol", country="AZ", report_year=2015)
    value = indicator_value_add(
        indicator=Indicator.objects.get(code="dol_labor_inspectors"),
        source=source,
        year=2015,
        state="number",
        number="214",
        user=users["ngo_staff"],
    )
    return client, source, value


def post_form(client, url, changes):
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {name: ("on" if value is True else value) for name, value in data.items() if value is not False}
    data.update(changes)
    data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    return client.post(url, data)


@pytest.mark.django_db
def test_an_admin_correction_keeps_history_and_a_bad_one_names_its_field(world, users):
    client, _source, value = world
    url = f"/admin/recommendations/indicatorvalue/{value.pk}/change/"

    refused = post_form(client, url, {"state": "yes", "number": ""})  # a count is not answered yes
    assert refused.status_code == 200
    assert "state" in refused.context["adminform"].form.errors
    value.refresh_from_db()
    assert value.state == "number"

    saved = post_form(client, url, {"number": "215", "confirmed": "on", "note": "Nazirliyin məlumatı"})
    assert saved.status_code == 302
    value.refresh_from_db()
    assert (value.number, value.confirmed) == (Decimal(215), True)
    change = ChangeRecord.objects.filter(object_type__model="indicatorvalue", object_id=value.pk, action="update").get()
    assert change.username == users["admin"].username and (change.after or {})["number"] == "215"


@pytest.mark.django_db
def test_an_admin_adds_a_value_and_cannot_add_an_indicator(world):
    client, source, _value = world
    indicator = Indicator.objects.get(code="dol_labor_inspections")
    page = client.get("/admin/recommendations/indicatorvalue/add/")
    response = client.post(
        "/admin/recommendations/indicatorvalue/add/",
        {
            "indicator": indicator.pk,
            "source": source.pk,
            "year": 2014,
            "state": "number",
            "number": "11345",
            "currency": "",
            "note": "",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert page.status_code == 200 and response.status_code == 302
    added = IndicatorValue.objects.get(indicator=indicator, year=2014)
    assert (added.number, added.country, added.confirmed) == (Decimal(11345), "AZ", True)
    assert client.get("/admin/recommendations/indicator/add/").status_code == 403
