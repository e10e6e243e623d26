"""Indicators read from reports: the TIP narrative (az, en) and the DOL enforcement tables.

The acceptance set of issue 19 against the real documents, then one short sentence per
layout fact the narrative reader must get right — or leave unread."""

from decimal import Decimal
from pathlib import Path

import pytest

from recommendations.importing.extract import pdf_pages
from recommendations.indicators.readers.dol import read_dol_tables
from recommendations.indicators.readers.tip import read_tip
from recommendations.indicators.vocabulary import of_kind

ROOT = Path(__file__).resolve().parent.parent
TIP_SEED = ROOT / "seeds" / "tip-2022-azerbaijan-trafficking-in-persons.az.txt"
DOL_2015 = ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.en.pdf"
DOL_2018 = ROOT / "tests" / "fixtures" / "dol-2018-azerbaijan.en.pdf"


def tip(text: str, language: str = "az", reporting_year: int = 2021):
    lines = [(line, {"line": number}) for number, line in enumerate(text.splitlines(), start=1)]
    return read_tip(lines, language=language, reporting_year=reporting_year, definitions=of_kind("tip"))


def values(reading) -> dict[tuple[str, int], Decimal | str]:
    return {
        (value.code, value.year): value.number if value.state == "number" else value.state for value in reading.values
    }


@pytest.fixture(scope="module")
def seed_reading():
    return tip(TIP_SEED.read_text(encoding="utf-8"))


# (indicator, year, value, how the sentence starts) — the acceptance table.
ACCEPTANCE = [
    ("tip_cases_investigated", 2020, 18, "Hüquq mühafizə orqanları 2020-ci ildə 20 şübhəlinin"),
    ("tip_cases_investigated", 2021, 15, "Hüquq mühafizə orqanları 2020-ci ildə 20 şübhəlinin"),
    ("tip_suspects_investigated", 2020, 20, "Hüquq mühafizə orqanları 2020-ci ildə 20 şübhəlinin"),
    ("tip_suspects_investigated", 2021, 14, "Hüquq mühafizə orqanları 2020-ci ildə 20 şübhəlinin"),
    ("tip_defendants_prosecuted", 2020, 21, "Hökumət 2020-ci ildə təqsirləndirilən 21 nəfəri"),
    ("tip_defendants_prosecuted", 2021, 16, "Hökumət 2020-ci ildə təqsirləndirilən 21 nəfəri"),
    ("tip_traffickers_convicted", 2020, 15, "Məhkəmələr 2020-ci ildə 15 insan alverçisini"),
    ("tip_traffickers_convicted", 2021, 16, "Məhkəmələr 2020-ci ildə 15 insan alverçisini"),
    ("tip_victims_identified", 2020, 94, "Hökumət 2020-ci ildə 94 qurbanın"),
    ("tip_victims_identified", 2021, 95, "Hökumət 2020-ci ildə 94 qurbanın"),
    ("tip_suspended_sentences", 2021, 1, "Hakimlər həmçinin daha az şərti hökm"),
    ("tip_suspended_sentences", 2020, 3, "Hakimlər həmçinin daha az şərti hökm"),
    ("tip_suspended_sentences", 2019, 28, "Hakimlər həmçinin daha az şərti hökm"),
    ("tip_suspended_sentences", 2018, 20, "Hakimlər həmçinin daha az şərti hökm"),
    ("tip_victim_assistance_funding", 2020, 119000, "Hökumət qurbanlara yardım üçün"),
    ("tip_victim_assistance_funding", 2021, 124700, "Hökumət qurbanlara yardım üçün"),
    ("tip_hotline_calls", 2020, 5705, "İnsan Alverinə Qarşı Mübarizə Baş İdarəsi insan alveri ilə bağlı qaynar xətt"),
    ("tip_hotline_calls", 2021, 4506, "İnsan Alverinə Qarşı Mübarizə Baş İdarəsi insan alveri ilə bağlı qaynar xətt"),
    (
        "tip_labour_violations_investigated",
        2020,
        8512,
        "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi 2020-ci ildəki 8512",
    ),
    (
        "tip_labour_violations_investigated",
        2021,
        1508,
        "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi 2020-ci ildəki 8512",
    ),
]


def test_the_seed_gives_every_value_of_the_acceptance_table_with_its_year_and_sentence(seed_reading):
    by_key = {(value.code, value.year): value for value in seed_reading.values}
    for code, year, number, sentence_start in ACCEPTANCE:
        value = by_key[(code, year)]
        assert value.number == number, (code, year)
        assert value.quote.startswith(sentence_start), (code, year, value.quote[:80])
        assert value.location["lines"][0] <= value.location["lines"][1]
        assert value.language == "az"
    # Nothing it is unsure of is stored: only the table's values are.
    assert set(by_key) == {(code, year) for code, year, _number, _start in ACCEPTANCE}


def test_the_seed_money_keeps_its_currency_and_the_reports_dollar_conversion(seed_reading):
    funding = {value.year: value for value in seed_reading.values if value.code == "tip_victim_assistance_funding"}
    assert (funding[2021].currency, funding[2021].converted_usd) == ("AZN", Decimal(73350))
    assert (funding[2020].number, funding[2020].converted_usd) == (Decimal(119000), Decimal(70000))
    assert funding[2021].printed == "124,700 manat (73,350 ABŞ dolları)"


def test_the_seed_lists_what_it_leaves_unread_with_the_sentence_and_why(seed_reading):
    unread = {figure.printed: figure for figure in seed_reading.unread}
    back = unread["30,000 manat (17,650 ABŞ dolları)"]
    assert back.quote.startswith("Bu məbləğ 2020-ci ildə 30,000 manat")
    assert "refers back" in back.reason
    # "2020-ci ildə bu zənglər nəticəsində 10 qurbanın kimliyinin müəyyən edilməsinə": a part of the
    # victims identified, not the year's figure.
    assert "tip_victims_identified" in unread["10"].reason
    assert unread["10"].location == {"lines": [430, 438]}


def test_words_for_numbers():
    reading = tip("Hüquq mühafizə orqanları bu dəfə üç işi araşdırıb.")
    assert values(reading) == {("tip_cases_investigated", 2021): 3}
    english = tip("The government identified three victims this year.", language="en")
    assert values(english) == {("tip_victims_identified", 2021): 3}


def test_a_word_that_is_a_part_of_a_figure_is_read_as_a_number_and_left_unread():
    reading = tip("Hökumət 2021-ci ildə 95 qurbanı müəyyən edib, onlardan biri kişi, 94-ü isə qadın idi.")
    assert values(reading) == {("tip_victims_identified", 2021): 95}
    unread = {figure.printed: figure.reason for figure in reading.unread}
    assert set(unread) == {"biri", "94-ü"}  # "one of them", "94 of them": parts of the 95
    assert all("part" in reason for reason in unread.values())
    english = tip("The government identified 95 victims in 2021, of whom one victim was a man.", language="en")
    assert values(english) == {("tip_victims_identified", 2021): 95}
    assert [figure.printed for figure in english.unread] == ["one"]


def test_money_with_a_dollar_conversion_in_brackets():
    az = tip("Hökumət qurbanlara yardım üçün 2021-ci ildə 124,700 manat (73,350 ABŞ dolları) ayırmışdır.")
    en = tip("The government allocated 124,700 manat ($73,350) for victim assistance in 2021.", language="en")
    for reading in (az, en):
        (value,) = reading.values
        assert (value.code, value.year, value.number, value.currency, value.converted_usd) == (
            "tip_victim_assistance_funding",
            2021,
            Decimal(124700),
            "AZN",
            Decimal(73350),
        )


def test_two_figures_in_one_clause():
    reading = tip("Hüquq mühafizə orqanları 2020-ci ildə 20 şübhəlinin iştirakı ilə 18 işi araşdırıb.")
    assert values(reading) == {("tip_suspects_investigated", 2020): 20, ("tip_cases_investigated", 2020): 18}


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("Hökumət bu dəfə 16 nəfəri məsuliyyətə cəlb edib.", "az"),
        ("Hökumət bu il 16 nəfəri məsuliyyətə cəlb edib.", "az"),
        ("The government prosecuted 16 defendants this year.", "en"),
        ("During the year, the government prosecuted 16 defendants.", "en"),
    ],
)
def test_this_year_is_the_reporting_year(sentence, language):
    assert values(tip(sentence, language=language, reporting_year=2021)) == {("tip_defendants_prosecuted", 2021): 16}


def test_a_back_reference_to_an_earlier_sentence_is_left_unread():
    reading = tip(
        "Buraya sığınacağın xərcləri üçün 19,200 manat (11,290 ABŞ dolları) daxil idi. "
        "Bu məbləğ 2020-ci ildə 30,000 manat (17,650 ABŞ dolları) təşkil etmişdir."
    )
    assert reading.values == []
    (figure,) = [figure for figure in reading.unread if figure.printed.startswith("30,000")]
    assert "refers back" in figure.reason
    english = tip("This amount was 30,000 manat ($17,650) in 2020.", language="en")
    assert english.values == [] and "refers back" in english.unread[0].reason


def test_the_later_side_of_a_comparison_may_say_this_amount():
    reading = tip(
        "Hökumət qurbanlara yardım üçün 2020-ci ildə 119,000 manat (70,000 ABŞ dolları) ayırdığı halda, "
        "2021-ci ildə bu məbləğ 124,700 manat (73,350 ABŞ dolları) olmuşdur."
    )
    assert values(reading) == {
        ("tip_victim_assistance_funding", 2020): Decimal(119000),
        ("tip_victim_assistance_funding", 2021): Decimal(124700),
    }


def test_english_comparison_with_the_earlier_year_after_the_figures():
    reading = tip(
        "Law enforcement investigated 15 cases involving 14 suspects, compared with 18 cases involving 20 suspects "
        "in 2020. The government prosecuted 16 defendants, compared with 21 in 2020, and courts convicted 16 "
        "traffickers, compared with 15 in 2020.",
        language="en",
    )
    assert values(reading) == {
        ("tip_cases_investigated", 2021): 15,
        ("tip_suspects_investigated", 2021): 14,
        ("tip_cases_investigated", 2020): 18,
        ("tip_suspects_investigated", 2020): 20,
        ("tip_defendants_prosecuted", 2021): 16,
        ("tip_defendants_prosecuted", 2020): 21,
        ("tip_traffickers_convicted", 2021): 16,
        ("tip_traffickers_convicted", 2020): 15,
    }


def test_a_figure_without_a_year_or_with_two_years_is_left_unread():
    reading = tip(
        "Hökumət 16 nəfəri məsuliyyətə cəlb edib. Hökumət 2021 və 2020-ci illərdə 30 nəfəri məsuliyyətə cəlb edib."
    )
    assert reading.values == []
    assert sorted(figure.reason for figure in reading.unread) == [
        "tip_defendants_prosecuted: its year is one of several named together",
        "tip_defendants_prosecuted: no year is stated for it",
    ]


def test_one_year_stated_twice_with_different_values_stores_neither():
    reading = tip(
        "Hökumət bu dəfə 16 nəfəri məsuliyyətə cəlb edib. Hökumət 2021-ci ildə 17 nəfəri məsuliyyətə cəlb edib."
    )
    assert reading.values == []
    assert "more than once" in reading.unread[-1].reason


def test_a_figure_referred_elsewhere_is_not_taken_for_a_later_cue_of_its_sentence():
    reading = tip(
        "Vətəndaş cəmiyyəti 2021-ci ildə 15 potensial qurbanı Baş İdarəyə göndərsə də, onlardan yalnız birinin "
        "insan alveri qurbanı olması müəyyən edilmişdir."
    )
    assert reading.values == []


# DOL: Table 6 and Table 7 of the 2015 chapter, exactly (issue 19), and the 2018 chapter.
DOL_2015_VALUES = {
    "dol_labor_funding": ("unknown", "unknown"),
    "dol_labor_inspectors": (214, 214),
    "dol_labor_penalties_authorized": ("yes", "yes"),
    "dol_labor_training_initial": ("yes", "yes"),
    "dol_labor_training_new_laws": ("not_applicable", "yes"),
    "dol_labor_training_refresher": ("yes", "yes"),
    "dol_labor_inspections": (11345, 11189),
    "dol_labor_inspections_worksite": (1214, 1218),
    "dol_labor_inspections_desk": (10131, 9971),
    "dol_labor_violations_found": (6, 5),
    "dol_labor_violations_penalized": (5, 4),
    "dol_labor_penalties_collected": ("unknown", 4),
    "dol_labor_routine_inspections": ("yes", "yes"),
    "dol_labor_routine_targeted": ("no", "no"),
    "dol_labor_unannounced_permitted": ("yes", "yes"),
    "dol_labor_unannounced_conducted": ("yes", "yes"),
    "dol_labor_complaints": ("yes", "yes"),
    "dol_labor_referral": ("no", "no"),
    "dol_criminal_training_initial": ("unknown", "unknown"),
    "dol_criminal_training_new_laws": ("not_applicable", "not_applicable"),
    "dol_criminal_training_refresher": ("yes", "yes"),
    "dol_criminal_investigations": ("unknown", "unknown"),
    "dol_criminal_violations_found": (1, 1),
    "dol_criminal_prosecutions": ("unknown", "unknown"),
    "dol_criminal_convictions": ("unknown", "unknown"),
    "dol_criminal_referral": ("yes", "yes"),
}


def dol(path: Path):
    return read_dol_tables(pdf_pages(path.read_bytes()), definitions=of_kind("dol"), language="en")


def test_dol_2015_tables_6_and_7_exactly_for_both_years():
    reading = dol(DOL_2015)
    expected = {
        (code, year): value
        for code, pair in DOL_2015_VALUES.items()
        for year, value in zip((2014, 2015), pair, strict=True)
    }
    assert values(reading) == expected
    assert reading.unread == []
    by_key = {(value.code, value.year): value for value in reading.values}
    funding = by_key[("dol_labor_funding", 2015)]
    assert (funding.printed, funding.citations) == ("Unknown (33)", "33")
    assert by_key[("dol_labor_funding", 2014)].citations == ""
    worksite = by_key[("dol_labor_inspections_worksite", 2014)]
    assert worksite.location == {
        "table": "Table 6",
        "row": "Number Conducted at Worksite",
        "parent_row": "Number of Labor Inspections",
        "column": "2014",
        "page": 3,
    }
    # "(cont)" on the next page is the same table.
    assert by_key[("dol_labor_referral", 2015)].location["table"] == "Table 6"
    assert by_key[("dol_labor_referral", 2015)].location["page"] == 4
    # Cells printed on the line under their label, with two citations.
    assert by_key[("dol_criminal_training_refresher", 2014)].citations == "18, 37"


def test_dol_2018_tables():
    reading = dol(DOL_2018)
    got = values(reading)
    assert got[("dol_labor_inspectors", 2017)] == got[("dol_labor_inspectors", 2018)] == 232
    assert got[("dol_labor_inspections", 2018)] == 0  # zero is a figure, unknown is not
    assert got[("dol_criminal_investigations", 2017)] == 190
    assert got[("dol_criminal_investigations", 2018)] == 1500
    assert got[("dol_criminal_violations_found", 2018)] == 450
    assert got[("dol_criminal_training_refresher", 2018)] == "unknown"
    assert got[("dol_labor_training_new_laws", 2017)] == "not_applicable"
    assert got[("dol_labor_referral", 2017)] == "no" and got[("dol_labor_referral", 2018)] == "yes"
    assert len(got) == 2 * 26 and reading.unread == []  # no desk-review row in 2018
