"""The two OHCHR thematic lists of Slovenia's review (cycle 2, UPR 20; cycle 3, UPR 34), as the
UN publishes them: every row read, with its number, States, themes, groups and SDGs."""

import collections
import json
from io import StringIO

import pytest
from django.core.management import call_command

from recommendations.importing.parsers.upr import parse_docx
from recommendations.models import Recommendation, Source
from recommendations.tags.models import Tag

from .upr_documents import CYCLE_2, CYCLE_3


@pytest.fixture(scope="module")
def cycle_2():
    return parse_docx(CYCLE_2.read_bytes(), year=2014)


@pytest.fixture(scope="module")
def cycle_3():
    return parse_docx(CYCLE_3.read_bytes(), year=2019)


def by_number(result):
    return {record.number: record for record in result.records}


def positions(result) -> collections.Counter:
    return collections.Counter(record.tags["position"][0] for record in result.records)


def test_cycle_2_reads_163_rows_142_supported_21_noted(cycle_2):
    assert not cycle_2.refusals
    assert len(cycle_2.records) == 163
    assert positions(cycle_2) == {"supported": 142, "noted": 21}
    assert cycle_2.country_name == "Slovenia"
    assert len({record.number for record in cycle_2.records}) == 163
    assert all(record.area and record.tags["recommending_state"] for record in cycle_2.records)


def test_cycle_3_reads_215_rows_182_supported_33_noted(cycle_3):
    assert not cycle_3.refusals
    assert len(cycle_3.records) == 215
    assert positions(cycle_3) == {"supported": 182, "noted": 33}
    assert cycle_3.country_name == "Slovenia"
    assert len({record.number for record in cycle_3.records}) == 215
    assert all(record.area and record.tags["recommending_state"] for record in cycle_3.records)


def test_cycle_2_rows_spot_checked(cycle_2):
    rows = by_number(cycle_2)
    first = rows["115.3"]
    assert first.action.startswith("Ratify the Optional Protocol to the Rights of the Child")
    assert first.tags["recommending_state"] == ("PT", "SK")
    assert first.tags["theme"] == ("Acceptance of international norms",)
    assert first.tags["group"] == ("children",)
    assert first.tags["sdg"] == ()
    assert first.position_source == "A/HRC/28/15/Add.1 - Para. 3"
    assert first.area == "upr_international_norms"

    racial = rows["115.2"]
    assert racial.tags["theme"] == (
        "Acceptance of international norms",
        "Racial discrimination",
        "Members of minorities",
    )
    assert racial.tags["recommending_state"] == ("BE",)

    assert rows["115.4"].tags["recommending_state"] == ("ES", "TN", "PT")
    last = rows["115.163"]
    assert (last.area, last.tags["position"], last.tags["recommending_state"]) == ("upr_migrants", ("noted",), ("NG",))


def test_cycle_3_rows_spot_checked(cycle_3):
    rows = by_number(cycle_3)
    first = rows["121.1"]
    assert first.tags == {
        "theme": ("Acceptance of international norms", "Enforced disappearances"),
        "group": ("Disappeared persons",),
        "sdg": ("16",),
        "recommending_state": ("FR", "LT"),
        "position": ("supported",),
    }
    assert first.position_source == "A/HRC/43/15 - Para 121"
    # One row, two States' wordings, each with its State.
    assert rows["121.2"].tags["recommending_state"] == ("UA", "SK")
    # "(No. 29)" is the convention's number, not a State.
    assert rows["121.3"].tags["recommending_state"] == ("GB",)
    assert rows["121.3"].tags["sdg"] == ("8",)
    assert rows["122.155"].tags["group"] == ("stateless persons", "non-citizens")
    assert rows["122.155"].tags["position"] == ("noted",)
    assert rows["122.155"].area == "upr_name_identity"


def test_every_sdg_of_cycle_3_is_one_of_the_17(cycle_3):
    goals = collections.Counter(goal for record in cycle_3.records for goal in record.tags["sdg"])
    assert set(goals) <= {str(goal) for goal in range(1, 18)}
    # 122.127 lists goal 10 twice: counted once.
    assert goals["16"] == 92 and goals["10"] == 100


@pytest.mark.django_db
def test_both_lists_import_through_the_command_with_their_tags():
    for path, year in ((CYCLE_2, 2014), (CYCLE_3, 2019)):
        out = StringIO()
        call_command(
            "import_report", str(path), "--kind", "upr", "--country", "SI", "--year", str(year), "--language", "en",
            stdout=out, stderr=StringIO(),
        )  # fmt: skip

    assert Source.objects.get(slug="upr-2019-si").kind == "upr"
    assert Recommendation.objects.filter(source__slug="upr-2014-si").count() == 163
    assert Recommendation.objects.filter(source__slug="upr-2019-si").count() == 215
    noted = Tag.objects.get(vocabulary="position", code="noted")
    assert noted.recommendations.count() == 21 + 33
    assert Tag.objects.get(vocabulary="sdg", code="16").name_az == "Sülh, ədalət və güclü institutlar"
    stored = Recommendation.objects.get(source__slug="upr-2019-si", number="121.1")
    assert sorted(stored.tags.filter(vocabulary="recommending_state").values_list("code", flat=True)) == ["FR", "LT"]
    assert stored.provenance["en"] == {"row": 3, "position_source": "A/HRC/43/15 - Para 121"}


@pytest.mark.django_db
def test_dry_run_json_lists_the_records_with_their_tags_and_writes_nothing():
    out = StringIO()
    call_command(
        "import_report", str(CYCLE_3), "--kind", "upr", "--country", "SI", "--year", "2019", "--language", "en",
        "--dry-run", "--json", stdout=out, stderr=StringIO(),
    )  # fmt: skip

    records = json.loads(out.getvalue())
    assert len(records) == 215
    assert records[0]["number"] == "121.1" and records[0]["tags"]["sdg"] == ["16"]
    assert Recommendation.objects.count() == 0 and Tag.objects.count() == 0


@pytest.mark.django_db
def test_cycle_3_over_cycle_2_links_the_four_clear_repeats_and_lists_the_five_unclear():
    """By text alone (UPR has no years), within the theme heading (the repeat rule's area),
    one to one and only when clear (catalog/matching.py). The five unclear ones each repeat a
    recommendation several States made in cycle 2 in as many rows (115.14–115.16 enforced
    disappearance, 115.6/115.11/115.12 migrant workers): a person chooses."""
    from recommendations.importing.services import report_import

    report_import(data=CYCLE_2.read_bytes(), kind="upr", country="SI", report_year=2014, language="en")
    plan = report_import(
        data=CYCLE_3.read_bytes(), kind="upr", country="SI", report_year=2019, language="en", dry_run=True
    )

    number_of = dict(Recommendation.objects.filter(source__slug="upr-2014-si").values_list("pk", "number"))
    linked = {item.record.number: number_of[item.repeats.recommendation_id] for item in plan.items if item.repeats}
    assert linked == {"122.1": "115.4", "122.32": "115.85", "121.15": "115.106", "122.10": "115.133"}
    unclear = {
        item.record.number: sorted(number_of[scored.row.recommendation_id] for scored in item.repeat_candidates[:2])
        for item in plan.items
        if item.repeat_candidates
    }
    assert unclear == {
        "121.1": ["115.14", "115.16"],
        "121.2": ["115.14", "115.16"],
        "122.2": ["115.11", "115.6"],
        "122.3": ["115.11", "115.6"],
        "122.4": ["115.11", "115.6"],
    }
    assert plan.linked == 4
