"""OHCHR thematic lists of UPR recommendations (issue 29): one test per layout fact, each on a
Word document built for it; a row that cannot be read with certainty refuses the document
and names its row."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from recommendations.importing.parsers import DocumentRejected
from recommendations.importing.parsers.upr import parse_docx
from recommendations.importing.services import report_import
from recommendations.models import Recommendation

from .upr_documents import recommendation_cell, thematic_list

THEME = "Theme: Acceptance of international norms"
CELLS = (
    "- Acceptance of international norms\nSDGs: \n- 16 - PEACE, JUSTICE AND STRONG INSTITUTIONS\n"
    "Affected persons: \n- Women"
)


def row(number="121.1", text="Ratify the Convention (France)", position="Supported", themes=CELLS):
    return (recommendation_cell(number, text), position, themes, "")


def parsed(rows, **options):
    return parse_docx(thematic_list(rows, **options), year=2019)


def only(rows, **options):
    result = parsed(rows, **options)
    assert not result.refusals, [str(problem) for problem in result.refusals]
    (record,) = result.records
    return record


def refusal(rows, **options) -> str:
    result = parsed(rows, **options)
    assert not result.records or result.refusals
    return " | ".join(str(problem) for problem in result.refusals)


def test_the_merged_theme_row_gives_the_rows_under_it_their_area():
    result = parsed([THEME, row("121.1"), "Theme: Domestic violence", row("121.2"), row("121.3")])

    assert [(record.number, record.area) for record in result.records] == [
        ("121.1", "upr_international_norms"),
        ("121.2", "upr_domestic_violence"),
        ("121.3", "upr_domestic_violence"),
    ]


def test_a_cycle_2_heading_with_its_code_is_the_same_area_as_cycle_3s_without():
    coded = only(["Theme: A41 Constitutional and legislative framework", row()])
    plain = only(["Theme: Constitutional & legislative framework", row()])

    assert coded.area == plain.area == "upr_legislative_framework"


def test_an_unknown_theme_heading_is_refused_with_its_row():
    assert "row 2: the theme heading “Right to wonder” is not a UPR area" in refusal(["Theme: Right to wonder", row()])


def test_the_paragraph_number_text_and_source_of_position_are_read_apart():
    record = only([THEME, row("122.15", "Ratify the Convention (France)")])

    assert (record.number, record.action, record.position_source) == (
        "122.15",
        "Ratify the Convention",
        "A/HRC/43/15 - Para 121",
    )
    assert record.row == 3


def test_a_row_without_its_paragraph_number_is_refused_with_its_row():
    bad = ("Ratify the Convention (France);\nSource of position: A/HRC/43/15", "Supported", CELLS, "")

    assert "row 3: the recommendation does not begin with its paragraph number" in refusal([THEME, bad])


@pytest.mark.parametrize(
    "text, states, action",
    [
        ("Ratify it (Portugal, Slovakia)", ("PT", "SK"), "Ratify it"),
        ("Ratify it (Maldives) (Portugal).", ("MV", "PT"), "Ratify it"),
        ("Ratify the Protocol to the Forced Labour Convention, 1930 (No. 29) (United Kingdom of Great Britain and "
         "Northern Ireland)", ("GB",), "Ratify the Protocol to the Forced Labour Convention, 1930 (No. 29)"),
        ("Ratify it (Venezuela (Bolivarian Republic of), Iran (Islamic Republic of))", ("VE", "IR"), "Ratify it"),
        ("Complete the ratification (Ukraine); Increase efforts towards ratification (Slovakia)", ("UA", "SK"),
         "Complete the ratification (Ukraine); Increase efforts towards ratification"),
        ("Ratify it (Côte d’Ivoire, Viet Nam, Republic of Moldova, State of Palestine)", ("CI", "VN", "MD", "PS"),
         "Ratify it"),
    ],
)  # fmt: skip
def test_recommending_states_are_the_bracketed_names_at_the_end(text, states, action):
    record = only([THEME, row(text=text)])

    assert record.tags["recommending_state"] == states
    # The text keeps the States only where they separate two wordings.
    assert record.action == action


@pytest.mark.parametrize("text", ["Ratify the Convention", "Ratify the Convention (Narnia)", "Ratify it (ICRMW)"])
def test_a_row_whose_states_cannot_be_read_is_refused_with_its_row(text):
    assert "row 3: no recommending State could be read" in refusal([THEME, row(text=text)])


@pytest.mark.parametrize("position, code", [("Supported", "supported"), ("Noted", "noted"), (" noted\n", "noted")])
def test_the_position_is_supported_or_noted(position, code):
    assert only([THEME, row(position=position)]).tags["position"] == (code,)


def test_any_other_position_is_refused_with_its_row():
    assert "row 3: the position is “Supported/Noted”" in refusal([THEME, row(position="Supported/Noted")])


def test_cycle_2_themes_lose_their_codes_and_keep_affected_persons():
    themes = (
        "A12 Acceptance of international norms\nB32 Racial discrimination\nAffected persons:\n- minorities\n- children"
    )
    record = only([THEME, row(themes=themes)])

    assert record.tags["theme"] == ("Acceptance of international norms", "Racial discrimination")
    assert record.tags["group"] == ("minorities", "children")
    assert record.tags["sdg"] == ()


def test_cycle_3_themes_cell_holds_sdgs_and_affected_persons():
    themes = (
        "- Acceptance of international norms\n- Enforced disappearances\nSDGs: \n- 16 - PEACE, JUSTICE AND STRONG "
        "INSTITUTIONS\n- 5 - GENDER EQUALITY\nAffected persons: \n- Disappeared persons"
    )
    record = only([THEME, row(themes=themes)])

    assert record.tags["theme"] == ("Acceptance of international norms", "Enforced disappearances")
    assert record.tags["sdg"] == ("16", "5")
    assert record.tags["group"] == ("Disappeared persons",)


def test_newer_cycles_sdgs_and_groups_columns_renamed_and_reordered():
    columns = ("Recommendation", "Themes", "SDGs", "Groups of Persons", "Position", "Assessment")
    cells = (
        recommendation_cell("150.1", "Ratify it (Chile)"),
        "- Right to education",
        "- 4 - QUALITY EDUCATION\n- 10 - REDUCED INEQUALITIES",
        "- Children\n- Girls",
        "Noted",
        "",
    )
    record = only(["Theme: Right to education", cells], columns=columns)

    assert record.tags == {
        "theme": ("Right to education",),
        "group": ("Children", "Girls"),
        "sdg": ("4", "10"),
        "recommending_state": ("CL",),
        "position": ("noted",),
    }


@pytest.mark.parametrize(
    "sdg, message",
    [("- 18 - MORE GOALS", "“18 - MORE GOALS” is not a Sustainable Development Goal"),
     ("- 16 - QUALITY EDUCATION", "goal 16 is “Peace, justice and strong institutions”, not “QUALITY EDUCATION”")],
)  # fmt: skip
def test_an_sdg_that_is_not_one_of_the_17_or_misnamed_is_refused(sdg, message):
    assert message in refusal([THEME, row(themes=f"- Right to health\nSDGs:\n{sdg}")])


def test_the_same_paragraph_twice_is_refused():
    assert "row 4: paragraph 121.1 again (first in row 3)" in refusal([THEME, row("121.1"), row("121.1")])


def test_a_document_without_the_table_is_refused():
    with pytest.raises(DocumentRejected, match="no table whose first row names"):
        parsed([THEME, row()], columns=("Text", "Answer", "Themes", "Notes"))


def test_a_column_not_read_is_reported_not_guessed():
    columns = ("Recommendation", "Position", "Full list of themes", "Mystery", "Assessment")
    result = parsed([THEME, (*row()[:3], "42", "")], columns=columns)

    assert "row 1: the column “Mystery” is not read." in [str(problem) for problem in result.problems]


def test_the_country_is_read_from_the_page_header():
    assert parsed([THEME, row()]).country_name == "Slovenia"


@pytest.mark.django_db
def test_an_import_for_another_country_than_the_headers_is_refused_by_field():
    with pytest.raises(ValidationError) as error:
        report_import(data=thematic_list([THEME, row()]), kind="upr", country="AZ", report_year=2019, language="en")

    assert "country" in error.value.message_dict
    assert Recommendation.objects.count() == 0


@pytest.mark.django_db
def test_an_unsure_row_refuses_the_whole_import_naming_it():
    with pytest.raises(DocumentRejected, match="row 4: no recommending State"):
        report_import(
            data=thematic_list([THEME, row("121.1"), row("121.2", text="Ratify (Narnia)")]),
            kind="upr",
            country="SI",
            report_year=2019,
            language="en",
        )
    assert Recommendation.objects.count() == 0


@pytest.mark.django_db
def test_a_word_document_is_refused_for_the_kinds_published_as_pdf_and_text_for_upr():
    with translation.override("en"), pytest.raises(DocumentRejected, match="only as a UPR thematic list"):
        report_import(data=thematic_list([THEME, row()]), kind="dol", country="SI", report_year=2019, language="en")
    with pytest.raises(DocumentRejected, match="from its Word document"):
        report_import(data=b"121.1 Ratify it (France)\n", kind="upr", country="SI", report_year=2019, language="en")
