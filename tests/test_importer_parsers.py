"""The report parsers on the seeds and on every layout PDF extraction produces."""

import re
from pathlib import Path

import pytest

from recommendations.importing.parsers import DocumentRejected, decode_document, dol, tip

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOL_SEED = SEEDS / "dol-2015-azerbaijan-child-labor-findings.az.txt"
TIP_SEED = SEEDS / "tip-2022-azerbaijan-trafficking-in-persons.az.txt"


def joined(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def between(path: Path, first_words: str, last_words: str) -> str:
    """The document's own text from one phrase to another, whitespace joined: what an
    action must be, taken from the file rather than retyped."""
    text = joined(path.read_text(encoding="utf-8"))
    start = text.index(first_words)
    end = text.index(last_words, start) + len(last_words)
    return text[start:end]


def test_dol_seed_parses_to_the_ten_suggested_actions_in_document_order():
    result = dol.parse(DOL_SEED.read_text(encoding="utf-8"))

    assert [record.area for record in result.records] == (
        ["legal_framework"] + ["enforcement"] * 5 + ["government_policies"] + ["social_programs"] * 3
    )
    assert [(record.year_start, record.year_end) for record in result.records] == [
        (2011, 2015),
        (2014, 2015),
        (2015, 2015),
        (2015, 2015),
        (2014, 2015),
        (2014, 2015),
        (2014, 2015),
        (2013, 2015),
        (2009, 2015),
        (2015, 2015),
    ]
    assert [record.position for record in result.records] == list(range(1, 11))
    assert not any(record.priority for record in result.records)
    assert result.problems == []


@pytest.mark.parametrize(
    ("position", "first_words", "last_words"),
    [
        (1, "Yazılı əmək müqaviləsi", "təminat altına alın."),
        (2, "Əmək müfəttişlərinin uşaq", "keçməsini təminat altına alın."),
        (4, "Dövlət Əmək Müfəttişliyi Xidmətinin", "izah olunmasını təmin edin."),
        (6, "NRM-nin (National Referral", "əməkdaşlığı artırın."),
        (7, "İnsan Alveri ilə Mübarizə Milli Fəaliyyət", "əldə etməsini təminat altına alın."),
        (8, "Məlumata əsaslanan siyasət", "araşdırma aparın."),
        (10, "NAP və NRM tərəfindən", "maliyyələşdirilmələrini təmin edin."),
    ],
)
def test_dol_seed_actions_are_the_document_text_from_start_to_end_of_each_cell(position, first_words, last_words):
    result = dol.parse(DOL_SEED.read_text(encoding="utf-8"))

    assert result.records[position - 1].action == between(DOL_SEED, first_words, last_words)


def test_tip_seed_parses_to_eleven_prioritized_recommendations_with_the_tier():
    result = tip.parse(TIP_SEED.read_text(encoding="utf-8"), year=2022)

    assert result.tier == "Tier 2"
    assert len(result.records) == 11
    assert all(record.priority for record in result.records)
    assert {(record.year_start, record.year_end) for record in result.records} == {(2022, 2022)}
    assert [record.position for record in result.records] == list(range(1, 12))
    assert result.records[0].action == between(TIP_SEED, "İnsan alverçiləri ilə bağlı ciddi axtarış", "həbs edin.")
    # The item after "*  " starts at its first letter; "gücləndirin.*" ends an item.
    assert result.records[5].action.startswith("Müstəntiqlərə, prokurorlara")
    assert result.records[7].action == between(TIP_SEED, "Əmək Müfəttişliyinin məcburi", "gücləndirin.")
    assert result.records[8].action.startswith("Potensial qurban olan uşaqları")
    assert result.records[10].action == between(TIP_SEED, "Qurbanların DİN-in", "faydalanmasına icazə verin.")
    assert "MƏHKƏMƏ" not in result.records[10].action
    assert not any("*" in record.action for record in result.records)


def test_dol_azerbaijani_layouts():
    result = dol.parse((FIXTURES / "dol-az-layouts.txt").read_text(encoding="utf-8"))

    assert [(record.area, record.year_start, record.year_end, record.action) for record in result.records] == [
        (
            "legal_framework",  # label split over "Qanun və" / "Nizamnamələr"
            2011,
            2015,
            "Yazılı əmək müqaviləsi olmadan işləyən uşaqların hamısının qanunlar tərəfindən qorunmasını "
            "təminat altına alın.",  # wrapped over a whitespace-only line
        ),
        (
            "enforcement",  # label glued to the first line of the action
            2014,
            2015,  # "2014-2015" without spaces
            "Əmək müfəttişlərinin uşaq əməyi ilə əlaqədar qanunların tətbiq edilməsiylə bağlı yetərli treninq "
            "keçməsini təminat altına alın.",
        ),
        (
            "enforcement",  # begins with "Dövlət", the first word of "Dövlət Siyasəti": still an action
            2016,
            2016,
            "Dövlət Əmək Müfəttişliyi Xidmətinin məcburi əmək haqqında izah olunmasını təmin edin.",
        ),
        ("coordination", 2015, 2016, "Uşaq əməyi üzrə milli komissiyanın işini bərpa edin."),
        (
            "government_policies",  # "Dövlət" / "Siyasəti İnsan …": label split and glued
            2014,
            2016,
            "İnsan Alveri ilə Mübarizə Milli Fəaliyyət Planının icrasını təmin edin.",
        ),
        ("social_programs", 2013, 2016, "Kəndtəsərrüfatında uşaq əməyi ilə bağlı araşdırma aparın."),
    ]
    problems = {problem.line: problem for problem in result.problems}
    # A years line right after another: the columns may have been extracted one after the
    # other, so the document is refused (report_import raises on a fatal problem).
    assert "no action before them" in problems[47].message and problems[47].fatal
    assert "no years after it" in problems[53].message and not problems[53].fatal  # text after the table


def test_dol_english_layouts():
    result = dol.parse((FIXTURES / "dol-en-layouts.txt").read_text(encoding="utf-8"))

    assert [(record.area, record.year_start, record.year_end) for record in result.records] == [
        ("legal_framework", 2011, 2016),
        ("enforcement", 2014, 2016),
        ("enforcement", 2016, 2016),
        ("coordination", 2014, 2016),
        ("government_policies", 2014, 2016),
        ("social_programs", 2013, 2016),
        ("social_programs", 2015, 2016),
    ]
    actions = [record.action for record in result.records]
    assert (
        actions[0]
        == "Ensure that the law protects all children, including children working without a written contract."
    )
    assert actions[1] == "Ensure that labor inspectors receive sufficient training on enforcing child labor laws."
    assert actions[2].startswith("Government officials should publish")
    assert actions[3] == "Ensure that the National Referral Mechanism functions as intended."
    assert result.records[0].line == 13
    assert [(problem.line, problem.fatal) for problem in result.problems] == [(1, False)]
    assert "before the table's title" in result.problems[0].message


def test_dol_years_with_gaps_are_stored_as_their_range_and_reported():
    text = "Enforcement Publish inspection data.\n2009 – 2011, 2013 – 2015\n"

    result = dol.parse(text)

    assert (result.records[0].year_start, result.records[0].year_end) == (2009, 2015)
    assert "gaps" in result.problems[0].message


def test_dol_summary_line_starting_with_an_area_word_and_a_header_repeated_over_lines_at_a_page_break():
    # "law / enforcement officials …" in the summary is not the area "Enforcement"; the header
    # row printed over three lines, again after the page number, is not action text.
    result = dol.parse((FIXTURES / "dol-en-page-break.txt").read_text(encoding="utf-8"))

    assert [(record.area, record.line, record.action) for record in result.records] == [
        (
            "legal_framework",
            11,
            "Ensure that the law protects all children, including children working without a written contract.",
        ),
        (
            "enforcement",
            17,
            "Publish information on labor inspections and criminal law enforcement, including the "
            "number of inspections and violations found.",
        ),
    ]
    problems = {problem.line: problem.message for problem in result.problems}
    assert sorted(problems) == [1, 19]
    assert "lines 1–5 are before the table's title" in problems[1]
    assert "page number" in problems[19]


@pytest.mark.parametrize(
    "header",
    [
        "Sahə Məsləhət Bilinən Tədbir Məsləhət Bilinən\n\nİl(lər)",  # as the seed prints it
        "Area Suggested Action\nYear(s)\nSuggested",
        "Area\nSuggested Action\nYear(s) Suggested",
    ],
)
def test_dol_header_repeated_over_lines_inside_an_action_is_dropped(header):
    text = f"{header}\n\nTətbiqat Yoxlamalar haqqında məlumat\n\n{header}\n\nbazasını açın.\n2015\n"

    result = dol.parse(text)

    assert [record.action for record in result.records] == ["Yoxlamalar haqqında məlumat bazasını açın."]
    assert result.problems == []


def test_dol_header_words_ending_an_action_are_kept():
    result = dol.parse("Enforcement Inspect farms in the rural\narea\n2015\n")

    assert result.records[0].action == "Inspect farms in the rural area"


def test_dol_row_on_one_line_with_label_action_and_years():
    result = dol.parse("Enforcement Train labor inspectors. 2014 – 2015\nPublish inspection data. 2015\n")

    assert [(record.area, record.year_start, record.year_end, record.action) for record in result.records] == [
        ("enforcement", 2014, 2015, "Train labor inspectors."),
        ("enforcement", 2015, 2015, "Publish inspection data."),
    ]


@pytest.mark.parametrize("dash", ["-", "–", "—", "‒", "−", "‐", "‑"])
def test_dol_year_ranges_with_any_dash_pdf_extraction_produces(dash):
    result = dol.parse(f"Enforcement Train labor inspectors.\n2011 {dash} 2015\nPublish data.\n2011{dash}2015\n")

    assert [(record.year_start, record.year_end) for record in result.records] == [(2011, 2015), (2011, 2015)]
    assert [record.action for record in result.records] == ["Train labor inspectors.", "Publish data."]


def test_dol_line_numbers_are_editor_lines_when_pages_break_with_form_feeds():
    text = "Tətbiqat Yoxlamaları\n\f\naçın.\n\f2015\nDövlət Siyasəti Planı icra edin.\r\n2015\r\nƏlavə mətn.\n"

    result = dol.parse(text)

    assert [record.line for record in result.records] == [1, 5]
    assert [problem.line for problem in result.problems] == [7]


def test_tip_azerbaijani_stars_glued_to_sentences_and_watch_list_tier():
    result = tip.parse((FIXTURES / "tip-az-star.txt").read_text(encoding="utf-8"), year=2023)

    assert result.tier == "Tier 2 Watch List"
    assert [record.action for record in result.records] == [
        "İnsan alverçilərini məsuliyyətə cəlb edin.",
        "Qurbanlara sığınacaq verin və onları maliyyələşdirin.",
        "Əmək müfəttişliyinin imkanlarını gücləndirin.",
        "Məcburi əmək qurbanlarını müəyyənləşdirin.",
    ]
    assert [record.line for record in result.records] == [5, 5, 7, 9]
    assert {record.year_start for record in result.records} == {2023}


def test_tip_older_english_report_separated_by_semicolons():
    result = tip.parse((FIXTURES / "tip-en-semicolon.txt").read_text(encoding="utf-8"), year=2012)

    assert result.tier == "Tier 2 Watch List"
    assert [record.action for record in result.records] == [
        "Vigorously investigate and prosecute trafficking offenses",
        "increase funding for NGO-run shelters",
        "train police to identify victims among vulnerable groups",
        "lift the moratorium on labor inspections.",  # "and" joins the last item, it is not part of it
    ]


def test_tip_english_bullets_one_per_line():
    result = tip.parse((FIXTURES / "tip-en-bullets.txt").read_text(encoding="utf-8"), year=2021)

    assert result.tier == "Tier 2"
    assert [record.action for record in result.records] == [
        "Vigorously investigate, prosecute, and convict traffickers, including officials; "
        "sentence them to significant prison terms.",
        "Increase funding for NGO-run shelters.",
        "Adopt standard operating procedures for victim identification - and train first responders on them.",
    ]
    assert [record.line for record in result.records] == [4, 7, 8]


@pytest.mark.parametrize("page_break", ["\r\n", "\n\f"])
def test_tip_section_heading_after_a_crlf_or_form_feed_ends_the_recommendations(page_break):
    text = (
        "AZƏRBAYCAN (Səviyyə 2)\r\n\r\nPRİORİTET TÖVSİYƏLƏR: Bir edin.  *İki\r\n\r\nedin.* Üç edin."
        f"{page_break}MƏHKƏMƏ TƏQİBİ \r\nHökumət işləri davam etdirib.\r\n"
    )

    result = tip.parse(text, year=2022)

    assert [record.action for record in result.records] == ["Bir edin.", "İki edin.", "Üç edin."]
    assert [record.line for record in result.records] == [3, 3, 5]
    assert result.problems == []


def test_tip_bullets_extracted_as_private_use_symbol_characters():
    text = (
        "AZERBAIJAN: Tier 2\nPRIORITIZED RECOMMENDATIONS:\n"
        "\uf0b7 Fund shelters, and\nstaff them.\n\uf0a7 Train police.\nPROSECUTION\n"
    )

    result = tip.parse(text, year=2021)

    assert [record.action for record in result.records] == ["Fund shelters, and staff them.", "Train police."]


def test_tip_page_number_inside_a_recommendation_is_dropped_and_reported():
    text = (
        "AZERBAIJAN: Tier 2\nPRIORITIZED RECOMMENDATIONS:\n"
        "* Increase efforts to\n\n57\n\nprosecute traffickers. * Fund shelters.\nPROSECUTION\n"
    )

    result = tip.parse(text, year=2021)

    assert [record.action for record in result.records] == [
        "Increase efforts to prosecute traffickers.",
        "Fund shelters.",
    ]
    assert [problem.line for problem in result.problems] == [5]


@pytest.mark.parametrize(
    ("heading", "tier"),
    [
        ("AZƏRBAYCAN (Səviyyə 2)", "Tier 2"),
        ("AZERBAIJAN: TIER 2", "Tier 2"),
        ("AZERBAIJAN: TIER 3", "Tier 3"),
        ("Tier 2 Watch List", "Tier 2 Watch List"),
        ("AZƏRBAYCAN (SƏVİYYƏ 1)", "Tier 1"),
    ],
)
def test_tip_tier_headings(heading, tier):
    text = f"{heading}\n\nPRIORITIZED RECOMMENDATIONS:\n* Do one thing.\n\nPROSECUTION\n"

    assert tip.parse(text, year=2020).tier == tier


def test_tip_recommendations_run_to_the_end_when_no_section_follows_and_say_so():
    result = tip.parse("AZERBAIJAN: TIER 2\nPRIORITIZED RECOMMENDATIONS: Do this. * Do that.\n", year=2020)

    assert [record.action for record in result.records] == ["Do this.", "Do that."]
    assert "no section heading" in result.problems[0].message


@pytest.mark.parametrize("parse", [dol.parse, tip.parse])
def test_an_unrelated_document_is_rejected_by_both_parsers(parse):
    with pytest.raises(DocumentRejected):
        parse((FIXTURES / "unrelated.txt").read_text(encoding="utf-8"), year=2015)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \n\n\t\n", "empty"),
        (b"%PDF-1.7\x00\x01\x02binary", "PDF deyil"),
        ("Azərbaycan".encode("utf-16"), "PDF deyil"),
        ("Azərbaycan".encode("cp1254", errors="replace") + b"\xe7\xfd", "UTF-8"),
        (b"x" * 101, "limit"),
    ],
)
def test_documents_that_are_not_report_text_are_rejected(data, reason):
    with pytest.raises(DocumentRejected, match=reason):
        decode_document(data, max_bytes=100)


def test_text_is_decoded_exactly_with_a_byte_order_mark_dropped():
    assert decode_document("\ufeffƏmək İşçi".encode(), max_bytes=100) == "Əmək İşçi"
