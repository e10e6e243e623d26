"""Indicators through the import's dry run and confirm, and staff corrections with history."""

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from recommendations.importing.services import report_import
from recommendations.indicators.models import Indicator, IndicatorValue
from recommendations.indicators.services import indicator_value_add, indicator_value_correct
from recommendations.indicators.vocabulary import INDICATORS
from recommendations.models import ChangeRecord, Recommendation, Source

ROOT = Path(__file__).resolve().parent.parent
TIP_SEED = ROOT / "seeds" / "tip-2022-azerbaijan-trafficking-in-persons.az.txt"
DOL_AZ = ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.az.txt"
DOL_EN = ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.en.pdf"
DOL_2018 = ROOT / "tests" / "fixtures" / "dol-2018-azerbaijan.en.pdf"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_tip(**options):
    return report_import(data=TIP_SEED.read_bytes(), kind="tip", country="AZ", report_year=2022, **options)


@pytest.mark.django_db
def test_the_vocabulary_is_seeded_by_the_migration():
    assert set(Indicator.objects.values_list("code", flat=True)) == {definition.code for definition in INDICATORS}
    worksite = Indicator.objects.get(code="dol_labor_inspections_worksite")
    assert worksite.parent is not None and worksite.parent.code == "dol_labor_inspections"
    assert worksite.name_en == "Number Conducted at Worksite"


@pytest.mark.django_db
def test_dry_run_json_lists_values_and_unread_figures_and_stores_nothing():
    out, err = run(
        "import_report", str(TIP_SEED), "--kind", "tip", "--country", "AZ", "--year", "2022", "--dry-run",
        "--indicators-json",
    )  # fmt: skip
    plan = json.loads(out)
    cases = [value for value in plan["values"] if value["code"] == "tip_cases_investigated"]
    assert {(value["year"], value["number"], value["operation"]) for value in cases} == {
        (2020, "18", "create"),
        (2021, "15", "create"),
    }
    assert all(value["quote"].startswith("Hüquq mühafizə orqanları") for value in cases)
    unread = {figure["printed"]: figure for figure in plan["unread"]}
    assert "refers back" in unread["30,000 manat (17,650 ABŞ dolları)"]["reason"]
    assert unread["30,000 manat (17,650 ABŞ dolları)"]["quote"].startswith("Bu məbləğ 2020-ci ildə")
    assert "indicator tip_hotline_calls 2021: 4506 (lines 430–438): would create" in err
    assert "indicator values: would create 20" in err
    assert (Source.objects.count(), IndicatorValue.objects.count(), ChangeRecord.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_confirm_stores_the_values_with_the_recommendations_and_history():
    report = import_tip()

    source = Source.objects.get(slug="tip-2022-az")
    assert source.recommendations.count() == 11
    stored = IndicatorValue.objects.filter(source=source)
    assert stored.count() == 20
    hotline = stored.get(indicator__code="tip_hotline_calls", year=2020)
    assert (hotline.number, hotline.country, hotline.language, hotline.confirmed) == (Decimal(5705), "AZ", "az", False)
    assert hotline.location == {"lines": [430, 438]} and "qaynar xətt" in hotline.quote
    assert hotline.as_read == {"state": "number", "number": "5705", "currency": "", "converted_usd": None}
    history = ChangeRecord.objects.filter(object_type__model="indicatorvalue", object_id=hotline.pk).get()
    assert (history.action, history.username, (history.after or {})["number"]) == ("create", "system", "5705")
    assert "indicator values: created 20" in report.summary_lines()[-1]

    again = import_tip()
    assert again.indicators.operations == ["unchanged"] * 20
    assert ChangeRecord.objects.filter(object_type__model="indicatorvalue").count() == 20


@pytest.mark.django_db
def test_a_refused_import_stores_no_value(monkeypatch):
    def fail(**kwargs):
        raise ValidationError("disk full")

    monkeypatch.setattr("recommendations.importing.services.recommendations_create_many", fail)
    with pytest.raises(ValidationError):
        import_tip()
    assert (Source.objects.count(), IndicatorValue.objects.count(), Recommendation.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_the_english_dol_pdf_imported_as_a_translation_brings_its_tables_onto_the_source():
    report_import(data=DOL_AZ.read_bytes(), kind="dol", country="AZ", report_year=2015)
    assert IndicatorValue.objects.count() == 0  # the Azerbaijani text holds only the suggested actions

    report_import(data=DOL_EN.read_bytes(), kind="dol", country="AZ", report_year=2015, language="en")

    values = IndicatorValue.objects.filter(source__slug="dol-2015-az")
    assert values.count() == 52
    inspections = values.get(indicator__code="dol_labor_inspections", year=2014)
    assert (inspections.number, inspections.citations, inspections.language) == (Decimal(11345), "33", "en")
    assert inspections.location == {
        "table": "Table 6",
        "row": "Number of Labor Inspections",
        "column": "2014",
        "page": 3,
    }
    unknown = values.get(indicator__code="dol_labor_funding", year=2014)
    assert (unknown.state, unknown.number) == ("unknown", None)


@pytest.mark.django_db
def test_two_reports_stating_the_same_year_keep_a_value_each():
    report_import(
        data=DOL_EN.read_bytes(), kind="dol", country="AZ", report_year=2015, language="en", slug="dol-2015-az"
    )
    report_import(data=DOL_2018.read_bytes(), kind="dol", country="AZ", report_year=2018, language="en")
    inspectors = IndicatorValue.objects.filter(indicator__code="dol_labor_inspectors").order_by("year")
    assert [(value.year, value.number, value.source.slug) for value in inspectors] == [
        (2014, 214, "dol-2015-az"),
        (2015, 214, "dol-2015-az"),
        (2017, 232, "dol-2018-az"),
        (2018, 232, "dol-2018-az"),
    ]


@pytest.mark.django_db
def test_a_correction_keeps_the_value_as_read_and_a_new_import_does_not_undo_it(users):
    import_tip()
    value = IndicatorValue.objects.get(indicator__code="tip_hotline_calls", year=2021)

    indicator_value_correct(
        value_id=value.pk, data={"number": "4507", "note": "Baş İdarənin hesabatı"}, user=users["ngo_staff"]
    )

    value.refresh_from_db()
    assert (value.number, value.as_read["number"], value.corrected) == (Decimal(4507), "4506", True)
    change = ChangeRecord.objects.filter(object_id=value.pk, object_type__model="indicatorvalue", action="update").get()
    assert (change.before, (change.after or {})["number"], change.username) == (
        {"note": "", "number": "4506"},
        "4507",
        users["ngo_staff"].username,
    )
    again = import_tip()
    assert "kept" not in again.indicators.operations  # the document did not change: nothing to keep or update
    value.refresh_from_db()
    assert value.number == Decimal(4507)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"state": "yes"}, "state"),
        ({"state": "number", "number": None}, "number"),
        ({"number": "many"}, "number"),
        ({"state": "sometimes"}, "state"),
        ({"year": 2019}, "year"),
    ],
)
def test_a_bad_correction_names_its_field_and_changes_nothing(users, data, field):
    import_tip()
    value = IndicatorValue.objects.get(indicator__code="tip_hotline_calls", year=2021)
    with pytest.raises(ValidationError) as error:
        indicator_value_correct(value_id=value.pk, data=data, user=users["admin"])
    assert field in error.value.message_dict
    value.refresh_from_db()
    assert value.number == Decimal(4506)


@pytest.mark.django_db
def test_staff_file_an_unread_figure_by_hand(users):
    import_tip()
    source = Source.objects.get(slug="tip-2022-az")
    indicator = Indicator.objects.get(code="tip_victims_identified")
    with pytest.raises(ValidationError) as error:
        indicator_value_add(
            indicator=indicator, source=source, year=2021, state="number", number="1", user=users["admin"]
        )
    assert "year" in error.value.message_dict  # the reader stored 2021 already

    added = indicator_value_add(
        indicator=indicator, source=source, year=2019, state="unknown", user=users["admin"], note="not stated"
    )
    assert (added.confirmed, added.as_read, added.country) == (True, {}, "AZ")
    assert ChangeRecord.objects.filter(object_type__model="indicatorvalue", object_id=added.pk).count() == 1


@pytest.mark.django_db
def test_a_new_text_of_the_report_updates_values_nobody_corrected_and_keeps_corrections(users):
    import_tip()
    hotline = IndicatorValue.objects.get(indicator__code="tip_hotline_calls", year=2021)
    victims = IndicatorValue.objects.get(indicator__code="tip_victims_identified", year=2021)
    indicator_value_correct(value_id=victims.pk, data={"number": "96"}, user=users["admin"])
    text = TIP_SEED.read_text(encoding="utf-8")
    revised = text.replace("4506 ", "4510 ").replace("sayı 95 olub", "sayı 97 olub").encode()

    report = report_import(data=revised, kind="tip", country="AZ", report_year=2022, user=users["admin"])

    operations = dict(
        zip(
            [(value.code, value.year) for value in report.indicators.reading.values],
            report.indicators.operations,
            strict=True,
        )
    )
    assert operations[("tip_hotline_calls", 2021)] == "update"
    assert operations[("tip_victims_identified", 2021)] == "kept"
    hotline.refresh_from_db()
    victims.refresh_from_db()
    assert (hotline.number, hotline.as_read["number"]) == (Decimal(4510), "4510")
    assert (victims.number, victims.as_read["number"], victims.corrected) == (Decimal(96), "97", True)
    update = ChangeRecord.objects.get(object_type__model="indicatorvalue", object_id=hotline.pk, action="update")
    assert (update.before, update.after) == ({"number": "4506"}, {"number": "4510"})
