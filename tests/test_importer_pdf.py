"""The published DOL chapters, every way a user may bring them: the PDF itself, or its text
from `pdftotext` (default, `-layout`, `-raw`). Each path gives exactly the table's rows, or
is refused naming the page or line and why — never different rows."""

import functools
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from recommendations.importing.parsers import DocumentRejected, decode_document, dol, tip
from recommendations.importing.services import report_import
from recommendations.models import Recommendation, Source

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PDF_2015 = ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.en.pdf"
PDF_2018 = FIXTURES / "dol-2018-azerbaijan.en.pdf"
PDF_2019 = FIXTURES / "dol-2019-armenia.en.pdf"
AZ_SEED = ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.az.txt"

# (pdf, report year, table, page(s) of the table, rows by area in table order)
CHAPTERS = {
    "az-2015": (PDF_2015, 2015, "Table 11", {6, 7}, ["legal_framework"] + ["enforcement"] * 5 + ["government_policies"]
                + ["social_programs"] * 3),
    "az-2018": (PDF_2018, 2018, "Table 10", {7}, ["legal_framework"] * 3 + ["enforcement"] * 7 + ["coordination"] * 2
                + ["government_policies"] * 3 + ["social_programs"] * 4),
    "am-2019": (PDF_2019, 2019, "Table 11", {8}, ["legal_framework"] * 4 + ["enforcement"] * 7 + ["coordination"]
                + ["government_policies"] + ["social_programs"] * 6),
}  # fmt: skip
# What each extraction path gives: the same rows as the PDF, or a refusal (the default mode
# prints the columns one after the other, so no year can be matched to its action).
EXPECTED = {"-layout": "same", "-raw": "same", "default": "refused"}

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs pdftotext (Debian's poppler-utils; .ci/run installs it)"
)


@functools.cache
def parsed_pdf(name: str):
    path, year, *_ = CHAPTERS[name]
    return dol.parse_pdf(path.read_bytes(), year=year)


@functools.cache
def pdftotext(path: Path, mode: str) -> bytes:
    arguments = ["pdftotext", *([] if mode == "default" else [mode]), str(path), "-"]
    return subprocess.run(arguments, capture_output=True, check=True, timeout=60).stdout  # noqa: S603


def rows(records) -> list[tuple]:
    return [(record.area, record.year_start, record.year_end, record.action) for record in records]


@pytest.mark.parametrize("name", CHAPTERS)
def test_the_pdf_gives_every_row_of_the_table_with_its_area_table_and_page(name):
    _path, _year, table, pages, areas = CHAPTERS[name]

    result = parsed_pdf(name)

    assert [record.area for record in result.records] == areas
    assert result.refusals == []
    assert {record.table for record in result.records} == {table}
    assert {page for record in result.records for page in record.pages} == pages
    assert [record.position for record in result.records] == list(range(1, len(areas) + 1))


def test_the_pdf_rows_are_the_published_text_across_a_page_break():
    records = parsed_pdf("az-2015").records

    assert rows(records)[:3] == [
        (
            "legal_framework",
            2011,
            2015,
            "Ensure that all children are protected by law, including children working without a written employment "
            "agreement or outside of a formal employment relationship and children who are self-employed.",
        ),
        (
            "enforcement",
            2014,
            2015,
            "Ensure that labor inspectors receive adequate training on the enforcement of laws pertaining to "
            "child labor.",
        ),
        # The first row after the page break: no running footer or repeated title glued to it.
        ("enforcement", 2015, 2015, "Make complete data on the funding of the inspectorate publicly available."),
    ]
    assert (records[1].pages, records[2].pages) == ((6,), (7,))
    assert records[-1].action.endswith("as dictated by the NAP and NRM.")


def test_two_line_labels_are_one_area_and_the_references_after_the_table_are_not_rows():
    records = parsed_pdf("am-2019").records

    assert records[1].action == "Facilitate enforcement of labor law by codifying a definition of forced labor."
    assert records[1].area == "legal_framework"  # "Legal" / "Framework", the second line beside row 2
    assert records[12].area == "government_policies"  # "Government" / "Policies"
    assert records[-1].action.endswith("eligible families with children.")  # not "… Interview with USDOL official."


@needs_pdftotext
@pytest.mark.parametrize("mode", EXPECTED)
@pytest.mark.parametrize("name", CHAPTERS)
def test_every_extraction_path_gives_the_pdf_rows_or_is_refused(name, mode):
    path, year, *_ = CHAPTERS[name]
    text = decode_document(pdftotext(path, mode), max_bytes=10**7)

    try:
        result = dol.parse(text, year=year)
    except DocumentRejected:
        outcome = "refused"
    else:
        outcome = (
            "refused"
            if result.refusals
            else "same"
            if rows(result.records) == rows(parsed_pdf(name).records)
            else "different"
        )

    assert outcome == EXPECTED[mode]


@needs_pdftotext
@pytest.mark.django_db
@pytest.mark.parametrize("name", CHAPTERS)
def test_the_dry_run_of_a_whole_chapter_refuses_the_default_extraction_naming_the_lines(name):
    path, year, *_ = CHAPTERS[name]

    with pytest.raises(ValidationError) as refused:
        report_import(data=pdftotext(path, "default"), kind="dol", country="AZ", report_year=year, dry_run=True)

    message = " ".join(refused.value.messages)
    assert "cannot be read with certainty" in message
    assert "line " in message and "pdftotext -layout" in message
    assert Source.objects.count() == 0


@needs_pdftotext
@pytest.mark.django_db
def test_the_dry_run_of_a_whole_chapter_as_raw_text_takes_no_row_from_outside_the_table():
    # Before: the REFERENCES' interview dates were read as years, 20+ rows instead of 19.
    report = report_import(
        data=pdftotext(PDF_2018, "-raw"), kind="dol", country="AZ", report_year=2018, language="en", dry_run=True
    )

    assert report.created == 19
    assert [item.record.action for item in report.items] == [record.action for record in parsed_pdf("az-2018").records]
    notes = [str(problem) for problem in report.problems]
    assert any("the table ends at “REFERENCES”" in note for note in notes)
    assert any("running header or footer" in note for note in notes)


@needs_pdftotext
def test_an_unknown_area_label_is_refused_naming_the_page():
    text = pdftotext(PDF_2018, "-layout").decode().replace(" Coordination ", " Cooperation  ")

    result = dol.parse(text, year=2018)

    assert any("“Cooperation” in the Area column" in str(problem) and problem.page == 7 for problem in result.refusals)


@needs_pdftotext
def test_years_later_than_the_report_year_are_refused():
    result = dol.parse(pdftotext(PDF_2019, "-layout").decode(), year=2018)

    assert result.refusals and all("outside 1995–2018" in problem.message for problem in result.refusals)


def test_a_pdf_that_is_not_a_pdf_is_refused():
    with pytest.raises(DocumentRejected, match="The PDF could not be read"):
        dol.parse_pdf(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", year=2015)


def test_decomposed_unicode_reads_as_the_composed_text():
    composed = AZ_SEED.read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", composed).encode()
    assert decomposed != composed.encode()

    result = dol.parse(decode_document(decomposed, max_bytes=10**7), year=2015)

    assert rows(result.records) == rows(dol.parse(composed, year=2015).records)
    assert [record.area for record in result.records] == CHAPTERS["az-2015"][4]


@pytest.mark.parametrize(
    ("cell", "years"),
    [
        ("2011 – 2015", (2011, 2015)),
        ("2011 – 15", (2011, 2015)),
        ("2011 to 2015", (2011, 2015)),
        ("2013, 2015", (2013, 2015)),
        ("2011 –\n2015", (2011, 2015)),  # split over two lines
    ],
)
def test_dol_years_cells_as_reports_print_them(cell, years):
    result = dol.parse(f"Laws Ensure that the law protects all children.\n{cell}\n", year=2016)

    assert [(record.area, record.year_start, record.year_end) for record in result.records] == [
        ("legal_framework", *years)  # "Laws": the label of older report years
    ]
    assert result.refusals == []


def test_dol_years_before_1995_are_refused():
    result = dol.parse("Enforcement Train inspectors.\n1985 – 2015\n", year=2015)

    assert "outside 1995–2015" in result.refusals[0].message


@pytest.mark.parametrize(
    ("text", "tier", "actions"),
    [
        (
            "GEORGIA: Tier 1\nRecommendation for Georgia:\nVigorously investigate cases.\nFund shelters.\n"
            "Train judges on victim-centred\napproaches.\nPROSECUTION\nThe government …",
            "Tier 1",
            ["Vigorously investigate cases.", "Fund shelters.", "Train judges on victim-centred approaches."],
        ),
        (
            "AZERBAIJAN: Tier 2\nRECOMMENDATIONS FOR AZERBAIJAN:\n"
            "Increase efforts.Vigorously prosecute.\nPROSECUTION\n",
            "Tier 2",
            ["Increase efforts.", "Vigorously prosecute."],
        ),
        (
            "AZƏRBAYCAN (2-ci Səviyyə)\nAZƏRBAYCAN ÜÇÜN TÖVSİYƏLƏR:\n► Bir edin.\n► İki edin.\nMƏHKƏMƏ TƏQİBİ\n",
            "Tier 2",
            ["Bir edin.", "İki edin."],
        ),
        (
            "AZERBAIJAN: Tier 2 Watch List\nPRIORITIZED RECOMMENDATIONS: Do one. * Do two.\nPROSECUTION\n",
            "Tier 2 Watch List",
            ["Do one.", "Do two."],
        ),
        (
            "X: Tier 3\nPRIORITIZED RECOMMENDATIONS:\n✓ Do one.\n✓ Do two.\nPROSECUTION\n",
            "Tier 3",
            ["Do one.", "Do two."],
        ),
    ],
)
def test_tip_headings_items_and_tiers_in_every_layout(text, tier, actions):
    result = tip.parse(text, year=2020)

    assert (result.tier, [record.action for record in result.records]) == (tier, actions)


@pytest.fixture
def az_seed_imported(db):
    return report_import(data=AZ_SEED.read_bytes(), kind="dol", country="AZ", report_year=2015, language="az")


def test_the_english_original_pairs_row_by_row_with_the_azerbaijani_text(az_seed_imported, api_client):
    pdf = PDF_2015.read_bytes()

    preview = report_import(data=pdf, kind="dol", country="AZ", report_year=2015, language="en", dry_run=True)
    assert (preview.source_slug, preview.translates, preview.updated) == ("dol-2015-az", "az", 10)
    assert "paired row by row" in preview.summary_lines()[0]
    assert not Recommendation.objects.exclude(action_translations={}).exists()

    report_import(data=pdf, kind="dol", country="AZ", report_year=2015, language="en")
    again = report_import(data=pdf, kind="dol", country="AZ", report_year=2015, language="en")

    assert not again.changes_anything
    assert (Source.objects.count(), Recommendation.objects.count()) == (1, 10)
    first = Recommendation.objects.get(position=3)
    assert first.action_translations == {"en": parsed_pdf("az-2015").records[2].action}
    assert first.provenance["en"] == {"table": "Table 11", "pages": [7, 7]}
    english = api_client.get(f"/api/v1/recommendations/{first.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    azerbaijani = api_client.get(f"/api/v1/recommendations/{first.pk}/", HTTP_ACCEPT_LANGUAGE="az").json()
    assert english["action"] == "Make complete data on the funding of the inspectorate publicly available."
    assert english["action_translations"] == {"az": first.action}
    assert (azerbaijani["action"], azerbaijani["action_translations"]) == (first.action, first.action_translations)
    listed = api_client.get("/api/v1/recommendations/?source=dol-2015-az", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [item["action"] for item in listed["results"]] == [record.action for record in parsed_pdf("az-2015").records]
    found = api_client.get("/api/v1/recommendations/?q=inspectorate funding").json()["results"]
    assert [item["id"] for item in found] == [first.pk]


def test_a_translation_whose_table_differs_is_refused_naming_the_row(az_seed_imported):
    text = (FIXTURES / "dol-en-layouts.txt").read_text(encoding="utf-8")

    with pytest.raises(ValidationError) as refused:
        report_import(
            data=text.replace("2016", "2015").encode(),
            kind="dol",
            country="AZ",
            report_year=2015,
            language="en",
            dry_run=True,
        )

    message = " ".join(refused.value.messages)
    assert "does not have the same shape" in message
    assert "has 10 recommendations, this document 7" in message
    assert "row 4: dol-2015-az has enforcement 2015–2015, this document coordination 2014–2015" in message
    assert "row 1:" not in message  # the rows that agree are not listed
    assert not Recommendation.objects.exclude(action_translations={}).exists()


@pytest.mark.django_db
def test_the_recommendation_page_says_where_it_was_read_and_links_the_documents(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # documents are stored once the import commits
        report_import(data=AZ_SEED.read_bytes(), kind="dol", country="AZ", report_year=2015, language="az")
        report_import(data=PDF_2015.read_bytes(), kind="dol", country="AZ", report_year=2015, language="en")
    recommendation = Recommendation.objects.get(position=3)

    english = client.get(f"/recommendations/{recommendation.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    azerbaijani = client.get(f"/recommendations/{recommendation.pk}/", HTTP_ACCEPT_LANGUAGE="az").content.decode()

    assert "Make complete data on the funding of the inspectorate publicly available." in english
    assert "English text: table 11, row 3, page 7" in english
    # Said in the reader's language, the table's heading too (issue 24 §3: "English: Table 11, cərgə 3").
    assert "İngiliscə mətn: cədvəl 11, cərgə 3, səhifə 7" in azerbaijani
    assert "English: Table 11" not in azerbaijani
    assert 'href="/sources/dol-2015-az/document/en/"' in english and 'href="?text=az"' in english
    assert recommendation.action in azerbaijani and 'href="?text=en"' in azerbaijani
    download = client.get("/sources/dol-2015-az/document/en/")
    assert (download.status_code, download["Content-Type"]) == (200, "application/pdf")
    assert b"".join(download.streaming_content) == PDF_2015.read_bytes()
    assert client.get("/sources/dol-2015-az/document/").status_code == 200
    assert client.get("/sources/dol-2015-az/document/fr/").status_code == 404
    source_page = client.get("/sources/dol-2015-az/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Make complete data on the funding" in source_page


@pytest.mark.django_db
def test_a_pdf_imported_on_its_own_records_pages_and_its_document(api_client):
    report_import(data=PDF_2019.read_bytes(), kind="dol", country="AM", report_year=2019, language="en")

    source = Source.objects.get(slug="dol-2019-am")
    assert str(source.document.name).endswith(".pdf") and len(source.document_sha256) == 64
    assert Recommendation.objects.filter(source=source).count() == 19
    assert Recommendation.objects.get(source=source, position=19).provenance == {
        "en": {"table": "Table 11", "pages": [8, 8]}
    }
    detail = api_client.get("/api/v1/sources/dol-2019-am/").json()
    assert detail["document_url"].endswith("/sources/dol-2019-am/document/")


def test_a_later_english_report_links_to_the_english_text_of_the_paired_report(az_seed_imported):
    report_import(data=PDF_2015.read_bytes(), kind="dol", country="AZ", report_year=2015, language="en")

    report = report_import(
        data=PDF_2018.read_bytes(), kind="dol", country="AZ", report_year=2018, language="en", dry_run=True
    )

    linked = {item.record.position: item.repeats.recommendation_id for item in report.items if item.repeats}
    by_position = dict(Recommendation.objects.values_list("position", "pk"))
    # The 8 rows whose years begin in 2015 or earlier repeat the 2015 rows, 3 of them word for
    # word ("Ensure the National Action Plan on Combating Trafficking …", 2018 row 14 = 2015
    # row 7), 5 reworded: "Publish information on the labor inspectorate's funding" (row 6) is
    # 2015's "Make complete data on the funding of the inspectorate publicly available" (row 3).
    pairs = {1: 1, 6: 3, 7: 2, 10: 5, 14: 7, 16: 8, 18: 9, 19: 10}  # 2018 row → 2015 row
    assert linked == {new: by_position[old] for new, old in pairs.items()}
    # The other 11 began in 2016 or later: new, never linked, nothing to choose.
    assert all(item.record.year_start > 2015 for item in report.items if not item.repeats)
    assert report.linked == 8 and report.unclear == []
