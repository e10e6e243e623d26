"""DOL's data file for its app (tests/fixtures/dol-2014-countries-for-app.xml, the Department's
own `countries_for_app.xml`) imported as a report format of its own: one source per country,
read exactly from the elements, repeats linked to the same country's chapters of other years,
the advancement level kept per country and year, idempotent."""

import xml.etree.ElementTree as ET
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from recommendations.indicators.models import IndicatorValue
from recommendations.models import ChangeRecord, Recommendation, Source
from tests.shared_data import shared_data

# The whole file: 149 sources, 1,593 recommendations and their history take about 25 s here
# (the everyday run reads a few countries of it: test_importer_dol_xml_countries.py).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA_FILE = FIXTURES / "dol-2014-countries-for-app.xml"
DOL_2015_PDF = ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.en.pdf"
DOL_2018_PDF = FIXTURES / "dol-2018-azerbaijan.en.pdf"
# The file's own codes that ISO 3166-1 does not have, and the country each names.
FILE_CODES = {"BU": "MM", "KS": "XK", "KV": "KG", "WB": "PS"}


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def file_countries() -> list[dict]:
    """What the file says, counted with the standard library's own parser (not the importer's)."""
    countries = []
    for element in ET.parse(DATA_FILE).getroot().iter("Country"):  # noqa: S314
        code = element.findtext("ISO2") or ""
        countries.append(
            {
                "code": FILE_CODES.get(code, code),
                "actions": len(element.findall("Suggested_Actions/*/Action")),
                "level": (element.findtext("Advancement_Level") or "").strip(),
                "first_action": " ".join((element.findtext("Suggested_Actions/*/Action/Name") or "").split()),
            }
        )
    return countries


@shared_data
def whole_file():
    started = ChangeRecord.objects.count()
    out, err = run("import_report", str(DATA_FILE), "--kind", "dol-xml")
    return {"out": out, "err": err, "history": ChangeRecord.objects.count() - started}


def test_every_country_is_a_source_with_as_many_recommendations_as_the_file_has_actions(whole_file):
    countries = file_countries()
    assert len(countries) == 149 and sum(country["actions"] for country in countries) == 1593
    sources = {str(source.country): source for source in Source.objects.filter(report_year=2014, kind="dol")}
    assert len(sources) == 149
    for country in countries:
        source = sources[country["code"]]
        assert source.slug == f"dol-2014-{country['code'].lower()}"
        assert source.recommendations.count() == country["actions"], country["code"]
        assert source.tip_tier == country["level"], country["code"]
        assert source.language == "en"
        if country["actions"]:
            assert source.recommendations.get(position=1).action == country["first_action"]
    assert "2014 findings: 149 countries, 0 refused; actions 1593; created 1593" in whole_file["out"]


def test_areas_and_years_are_read_from_the_elements(whole_file):
    azerbaijan = list(Recommendation.objects.filter(source__slug="dol-2014-az").order_by("position"))
    assert [(rec.area, rec.year_start, rec.year_end) for rec in azerbaijan] == [
        ("legal_framework", 2011, 2014),
        ("enforcement", 2014, 2014),
        ("enforcement", 2011, 2014),
        ("enforcement", 2014, 2014),
        ("enforcement", 2014, 2014),
        ("government_policies", 2014, 2014),  # the file's <Policies>
        ("social_programs", 2013, 2014),
        ("social_programs", 2011, 2014),
        ("social_programs", 2009, 2014),
    ]
    assert azerbaijan[5].provenance == {"en": {"table": "/Countries/Country[8]/Suggested_Actions/Policies/Action[1]"}}
    # "2012 -- 2014" in Uzbekistan's entry, "2009 – 2014 2009 – 2014" (the cell printed twice) in Nepal's.
    assert Recommendation.objects.get(source__slug="dol-2014-uz", position=8).year_start == 2012
    assert "“2009 – 2014 2009 – 2014” read as “2009 – 2014”" in whole_file["err"]
    assert "the file's code “KV” for Kyrgyz Republic is KG in ISO 3166-1" in whole_file["err"]


def test_importing_the_file_again_changes_nothing(whole_file):
    before = (Source.objects.count(), Recommendation.objects.count(), ChangeRecord.objects.count())
    out, _err = run("import_report", str(DATA_FILE), "--kind", "dol-xml")
    assert (Source.objects.count(), Recommendation.objects.count(), ChangeRecord.objects.count()) == before
    assert "created 0, linked 0 to earlier and 0 of later reports" in out
    # One history row per source, recommendation and indicator value, once.
    assert whole_file["history"] == 149 + 1593 + IndicatorValue.objects.filter(source__report_year=2014).count()


STATISTICS = {
    "Children_Work_Statistics/Total_Percentage_of_Working_Children": "dol_working_children",
    "Children_Work_Statistics/Total_Working_Population": "dol_working_children_number",
    "Children_Work_Statistics/Agriculture": "dol_working_agriculture",
    "Children_Work_Statistics/Services": "dol_working_services",
    "Children_Work_Statistics/Industry": "dol_working_industry",
    "Education_Statistics_Attendance_Statistics/Percentage": "dol_school_attendance",
    "Children_Working_and_Studying_7-14_yrs_old/Total": "dol_working_and_studying",
    "UNESCO_Primary_Completion_Rate/Rate": "dol_primary_completion",
}


def test_azerbaijans_statistics_are_values_with_their_year_age_range_and_element(whole_file):
    values = {
        row.indicator.code: row
        for row in IndicatorValue.objects.filter(source__slug="dol-2014-az").select_related("indicator")
    }
    shown = {code: (row.year, str(row.number), row.location.get("age_range")) for code, row in values.items()}
    assert shown == {
        "dol_working_children": (2005, "4.50", "5-14"),
        "dol_working_children_number": (2005, "70033.50", "5-14"),
        "dol_working_agriculture": (2005, "91.90", "5-14"),
        "dol_working_services": (2005, "7.20", "5-14"),
        "dol_working_industry": (2005, "0.80", "5-14"),
        "dol_school_attendance": (2005, "94.30", "6-14"),
        "dol_working_and_studying": (2005, "4.85", "7-14"),
        "dol_primary_completion": (2012, "92.00", None),
    }
    attendance = values["dol_school_attendance"]
    assert attendance.location["element"] == (
        "/Countries/Country[ISO2='AZ']/Country_Statistics/Education_Statistics_Attendance_Statistics/Percentage"
    )
    assert attendance.printed == "94.3" and attendance.language == "en" and attendance.indicator.unit == "percent"
    # The working children's figures have no year of their own: the survey's, which both others name.
    assert values["dol_working_children"].location["year_element"] == (
        "/Countries/Country[ISO2='AZ']/Country_Statistics/Education_Statistics_Attendance_Statistics/Year = "
        "/Countries/Country[ISO2='AZ']/Country_Statistics/Children_Working_and_Studying_7-14_yrs_old/Year"
    )


def test_every_statistic_with_one_year_is_a_value_and_the_others_are_unread(whole_file):
    """Counted from the file with the standard library: a figure is stored when its year is one
    year ("2005.0"); a survey spanning two ("2010-11") leaves it unread."""
    expected = {}
    for element in ET.parse(DATA_FILE).getroot().iter("Country"):  # noqa: S314
        code = FILE_CODES.get(element.findtext("ISO2") or "", element.findtext("ISO2") or "")
        statistics = element.find("Country_Statistics")
        if statistics is None:
            continue
        for path, indicator in STATISTICS.items():
            printed = (statistics.findtext(path) or "").strip()
            group = path.split("/")[0]
            year = statistics.findtext(
                "Education_Statistics_Attendance_Statistics/Year"
                if group == "Children_Work_Statistics"
                else f"{group}/Year"
            )
            if printed and year and year.endswith(".0"):
                expected[(code, indicator)] = (int(year[:4]), Decimal(printed).quantize(Decimal("0.01")), printed)
    stored = {
        (str(row.country), row.indicator.code): (row.year, row.number, row.printed)
        for row in IndicatorValue.objects.filter(source__report_year=2014).select_related("indicator")
    }
    assert stored == expected
    assert len(stored) > 500
    assert "AF: unread figure “41.8”" in whole_file["err"] and "the year “2010-11” is not one year" in whole_file["err"]
