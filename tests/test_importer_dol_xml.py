"""DOL's data file for its app (tests/fixtures/dol-2014-countries-for-app.xml, the Department's
own `countries_for_app.xml`) imported as a report format of its own: one source per country,
read exactly from the elements, repeats linked to the same country's chapters of other years,
the advancement level kept per country and year, idempotent."""

import xml.etree.ElementTree as ET
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from recommendations.models import ChangeRecord, Recommendation, Source
from tests.shared_data import shared_data

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
        code = element.findtext("ISO2")
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
    assert whole_file["history"] == 149 + 1593  # one history row per source and recommendation, once
