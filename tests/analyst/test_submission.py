"""The submission document as people get it: from the API with a token and from the report's
page, for the seeds' TIP 2022 report, in Azerbaijani and English; opened with python-docx as a
word processor would read it (headings, the table of contents field, the letters), its counts
held against /api/v1/stats/, and nothing private for an anonymous request."""

import datetime
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from rest_framework.test import APIClient

from recommendations.catalog.services import recommendation_create, recommendation_update, source_create
from recommendations.choices import EvidenceKind, SourceKind, Status
from recommendations.evidence.services import evidence_add
from recommendations.indicators.models import Indicator
from recommendations.models import Recommendation
from recommendations.progress.services import progress_record
from tests.factories import PASSWORD, UserFactory
from tests.shared_data import shared_data

D = datetime.date
SOURCE = "tip-2022-az"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOTE = "Ədliyyə Nazirliyi hakimlər üçün təlim keçirib; İçərişəhər görüşü"
EVIDENCE_TITLE = "Təlim proqramı (ədliyyə.az)"
EVIDENCE_URL = "https://example.org/telim-proqrami"
LATE_NOTE = "Sığınacaq açılıb — 2024"


@shared_data
def world():
    """The seeds loaded as `make run` loads them, progress with notes and evidence on two TIP
    2022 recommendations, and a 2020 TIP report whose recommendation the 2022 report repeats."""
    call_command("load_seeds", stdout=io.StringIO())
    staff = UserFactory(username="aysel", role="ngo_staff")
    analyst = UserFactory(username="elvin", role="analyst")
    tip = {item.position: item for item in Recommendation.objects.filter(source__slug=SOURCE)}
    first = progress_record(
        recommendation_id=tip[1].pk, status=Status.IN_PROGRESS, note=NOTE, occurred_on=D(2023, 3, 1), user=staff
    )
    evidence_add(
        recommendation_id=tip[1].pk,
        kind=EvidenceKind.LINK,
        title=EVIDENCE_TITLE,
        url=EVIDENCE_URL,
        progress_update_id=first.pk,
        user=staff,
    )
    progress_record(
        recommendation_id=tip[4].pk, status=Status.IMPLEMENTED, note=LATE_NOTE, occurred_on=D(2024, 5, 2), user=staff
    )
    earlier = source_create(
        slug="tip-2020-az",
        kind=SourceKind.TIP,
        publisher="U.S. Department of State",
        title="2020 Trafficking in Persons Report: Azerbaijan",
        report_year=2020,
        country="AZ",
        language="az",
    )
    made_in_2020 = recommendation_create(
        source=earlier, action=tip[2].action, year_start=2020, year_end=2020, position=1, area=tip[2].area
    )
    Recommendation.objects.filter(pk=tip[2].pk).update(repeats=made_in_2020)
    return {"tip": {position: item.pk for position, item in tip.items()}, "analyst": analyst.username}


def token_client(username: str) -> APIClient:
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def open_docx(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"].startswith("attachment;")
    return Document(io.BytesIO(response.content))


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def counts_table(document) -> dict[str, int]:
    """The cover's table of recommendations by status: label → count (and 'total')."""
    table = document.tables[1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    return {label: int(count) for label, count in rows[1:]}


def document_xml(response) -> str:
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        return package.read("word/document.xml").decode()


@pytest.mark.parametrize(
    ("language", "areas", "total_label", "marker"),
    [
        ("az", ["Məhkəmə təqibi", "Müdafiə", "Qarşısının alınması"], "Cəmi", None),
        ("en", ["Prosecution", "Protection", "Prevention"], "Total", "[only in Azerbaijani]"),
    ],
)
def test_the_tip_2022_submission_from_the_api_with_a_token(world, language, areas, total_label, marker):
    client = token_client(world["analyst"])
    response = client.get(f"/api/v1/sources/{SOURCE}/submission.docx?language={language}")
    document = open_docx(response)

    assert headings(document, 1)[2:] == areas  # after "Reports" and "Recommendations by status"
    assert len(headings(document, 2)) == 11
    assert document.core_properties.language == {"az": "az-Latn-AZ", "en": "en-GB"}[language]
    # A table of contents field over the headings, which Word updates on opening.
    xml = document_xml(response)
    assert re.search(r'<w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText>', xml)
    assert "<w:updateFields" in zipfile.ZipFile(io.BytesIO(response.content)).read("word/settings.xml").decode()
    # No layout by spaces: no run of two spaces anywhere in the text.
    assert "  " not in all_text(document)

    text = all_text(document)
    first_action = Recommendation.objects.get(pk=world["tip"][1]).action
    assert first_action in text  # the Azerbaijani text, letter for letter (ə, ı, İ, ş, ğ, ö, ü, ç)
    assert "ə" in first_action and "ı" in first_action
    if marker:
        assert text.count(marker) == 11  # the report is only in Azerbaijani: said so at each
    else:
        assert "[" not in text

    # The counts are the stats' for the source, as of today.
    stats = APIClient().get(f"/api/v1/stats/?source={SOURCE}", HTTP_ACCEPT_LANGUAGE=language).json()
    labels = {entry["code"]: entry["label"] for entry in stats["statuses"]}
    counted = counts_table(document)
    assert counted == {
        **{labels[code]: count for code, count in stats["by_status"].items()},
        total_label: stats["total"],
    }
    assert stats["by_status"][Status.IN_PROGRESS] == 1 and stats["by_status"][Status.IMPLEMENTED] == 1

    # An analyst gets the latest notes and the evidence as a titled link.
    assert NOTE in text and LATE_NOTE in text
    assert EVIDENCE_TITLE in text
    assert EVIDENCE_URL in [rel.target_ref for rel in document.part.rels.values() if rel.is_external]


def test_as_of_gives_each_status_of_that_day_and_the_stats_counts_of_that_day(world):
    client = token_client(world["analyst"])
    document = open_docx(client.get(f"/api/v1/sources/{SOURCE}/submission.docx?language=en&as_of=2023-12-31"))
    stats = APIClient().get(f"/api/v1/stats/?source={SOURCE}&as_of=2023-12-31", HTTP_ACCEPT_LANGUAGE="en").json()
    assert stats["by_status"][Status.IMPLEMENTED] == 0  # implemented only in May 2024
    labels = {entry["code"]: entry["label"] for entry in stats["statuses"]}
    assert counts_table(document) == {
        **{labels[code]: count for code, count in stats["by_status"].items()},
        "Total": stats["total"],
    }
    text = all_text(document)
    assert "Status as of Dec. 31, 2023:" in text
    assert NOTE in text and LATE_NOTE not in text  # a note of 2024 is not yet there
    assert EVIDENCE_TITLE in text  # added today, to the entry of March 2023: evidence of that day


def test_a_repeated_recommendation_says_since_when_it_has_been_open(world):
    client = token_client(world["analyst"])
    document = open_docx(client.get(f"/api/v1/sources/{SOURCE}/submission.docx?language=en&as_of=2026-06-30"))
    text = all_text(document)
    assert "Repeated: already made in the 2020 report. Open for 6 years." in text
    assert "1 recommendation was already made in an earlier report." in text

    response = client.get("/api/v1/countries/az/submission.docx?language=az&report_year_from=2020")
    across = open_docx(response)
    text = all_text(across)
    # Across reports the contents list the areas; each recommendation is still a heading.
    assert 'TOC \\o "1-1"' in document_xml(response)
    # Once, in its latest report: the 2020 row is the 2022 one's lineage, not a second entry.
    assert len(headings(across, 2)) == 11
    assert "Təkrar: 2020 hesabatında artıq verilib." in text
    assert [line for line in text.splitlines() if line.startswith("2020 Trafficking")]


def test_an_anonymous_request_gets_no_notes_and_no_evidence(world):
    for response in (
        APIClient().get(f"/api/v1/sources/{SOURCE}/submission.docx?language=az"),
        APIClient().get(f"/sources/{SOURCE}/submission.docx?language=az"),
    ):
        document = open_docx(response)
        text = all_text(document)
        assert NOTE not in text and LATE_NOTE not in text and EVIDENCE_TITLE not in text
        assert EVIDENCE_URL not in response.content.decode("latin-1")
        assert "İrəliləyiş qeydləri və sübutlar daxil edilməyib" in text
    page = APIClient().get(f"/sources/{SOURCE}/submission/?language=en")
    assert page.status_code == 200
    body = page.content.decode()
    assert NOTE not in body and EVIDENCE_TITLE not in body
    assert "Progress notes and evidence are not included" in body


def test_the_report_page_leads_to_the_print_page_and_the_docx(world, client):
    client.force_login(UserFactory(role="analyst"))
    page = client.get(f"/sources/{SOURCE}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'action="/sources/{SOURCE}/submission/"' in page
    assert f'formaction="/sources/{SOURCE}/submission.docx"' in page
    assert '<a href="/countries/AZ/submission/">The same across every report of Azerbaijan</a>' in page
    across = client.get("/countries/AZ/submission/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Azerbaijan, reports of 2015–2022" in across

    # What the form sends: the date left empty (today) and the language chosen.
    printed = client.get(f"/sources/{SOURCE}/submission/?as_of=&language=az", HTTP_ACCEPT_LANGUAGE="en")
    assert printed.status_code == 200
    body = printed.content.decode()
    assert '<html lang="en">' in body and '<article class="submission" lang="az">' in body
    assert "Tövsiyələrin icrası barədə məlumat" in body and NOTE in body and EVIDENCE_URL in body
    assert 'href="/static/recommendations/submission.css"' in body or "submission.css" in body
    document = open_docx(client.get(f"/sources/{SOURCE}/submission.docx?as_of=&language=en"))
    assert NOTE in all_text(document)


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("colour=red", {"colour"}),
        ("as_of=2023-13-01&language=fr", {"as_of", "language"}),
        ("as_of=31.12.2023", {"as_of"}),
        ("language=az&language=en", {"language"}),
    ],
)
def test_bad_parameters_are_a_400_naming_them(world, query, named):
    response = APIClient().get(f"/api/v1/sources/{SOURCE}/submission.docx?{query}")
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert named <= set(response.json()), response.json()
    page = APIClient().get(f"/sources/{SOURCE}/submission/?{query}")
    assert page.status_code == 400
    for name in named:
        assert f"<code>{name}</code>" in page.content.decode()


def test_a_country_request_checks_its_period_and_names_the_country_it_has(world):
    client = APIClient()
    backwards = client.get("/api/v1/countries/AZ/submission.docx?report_year_from=2022&report_year_to=2015")
    assert backwards.status_code == 400 and "report_year_to" in backwards.json()
    # Well-formed, but there is no such submission: no report in the period, or not yet.
    empty = client.get("/api/v1/countries/AZ/submission.docx?report_year_from=2030", HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 404 and "period" in empty.json()["detail"]
    early = client.get("/api/v1/sources/tip-2022-az/submission.docx?as_of=2021-12-31", HTTP_ACCEPT_LANGUAGE="en")
    assert early.status_code == 404 and early.json()["detail"].startswith("as_of: the report appeared in 2022")
    assert client.get("/api/v1/sources/tip-2022-az/submission.docx?report_year_from=2020").status_code == 400
    assert client.get("/api/v1/countries/GE/submission.docx").status_code == 404
    assert client.get("/api/v1/countries/XX/submission.docx").status_code == 404
    assert client.get("/api/v1/sources/no-such-report/submission.docx").status_code == 404


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "submission"


def soffice_to_pdf(docx: Path, folder: Path) -> Path:
    """The DOCX opened by LibreOffice (Debian's libreoffice-writer, headless, its own
    profile) and printed to PDF, as a reader's word processor would open it."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is not installed: apt-get install -y libreoffice-writer (see .ci/run)"
    subprocess.run(  # noqa: S603 (a fixed program and our own files)
        [
            soffice,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return folder / f"{docx.stem}.pdf"


@pytest.mark.slow
@pytest.mark.parametrize("language", ["az", "en"])
def test_the_docx_opens_in_libreoffice_with_its_headings_and_letters(world, language, tmp_path):
    """Converted to PDF by LibreOffice: the pages hold the cover, the contents, each area and
    each recommendation, with the Azerbaijani letters as written. The pages are rendered to
    test-artifacts/submission/ (pdftoppm) for a person to look at."""
    client = token_client(world["analyst"])
    response = client.get(f"/api/v1/sources/{SOURCE}/submission.docx?language={language}&as_of=2026-06-30")
    assert response.status_code == 200
    docx = tmp_path / f"submission-tip-2022-{language}.docx"
    docx.write_bytes(response.content)
    pdf = soffice_to_pdf(docx, tmp_path)

    pages = subprocess.run(  # noqa: S603 (poppler-utils, on PATH as in .ci/run)
        ["pdftotext", "-layout", str(pdf), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 3
    text = "\n".join(pages)
    flat = " ".join(text.split())
    expected = {
        "az": ["Tövsiyələrin icrası barədə məlumat", "Mündəricat", "Məhkəmə təqibi", "Qarşısının alınması"],
        "en": ["Implementation of recommendations: submission", "Contents", "Prosecution", "Prevention"],
    }[language]
    for heading in expected:
        assert heading in flat, heading
    # The contents come before the areas, and each area's heading is on a later page.
    assert flat.index(expected[1]) < flat.index(expected[2])
    for number in range(1, 12):
        assert re.search(rf"(Tövsiyə|Recommendation) {number}\b", flat)
    # Azerbaijani letters survive the round trip: the seeds' first action, word for word.
    first_action = Recommendation.objects.get(pk=world["tip"][1]).action
    assert " ".join(first_action.split()) in flat
    assert NOTE in flat
    # The footer numbers the pages.
    assert re.search(r"(səhifə|page) 2\b", pages[1])

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / f"tip-2022-{language}"
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(prefix)], check=True)  # noqa: S603, S607
    shutil.copy(pdf, ARTIFACTS / pdf.name)
    assert sorted(ARTIFACTS.glob(f"tip-2022-{language}-*.png"))


def test_the_queries_do_not_grow_with_the_recommendations(world, django_assert_max_num_queries):
    """A fixed number of queries whatever the number of recommendations (N+1 cannot creep in):
    sign-in (the token, its use, the roles), the reports, the rows with their status that day,
    the lineage (one per report year back), the notes, the evidence, the indicators."""
    client = token_client(world["analyst"])
    # 10 for these two report years: the token's first use records when it was used, the
    # indicators' links are one.
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/countries/AZ/submission.docx").status_code == 200


@pytest.mark.parametrize(
    ("language", "label", "line"),
    [
        ("en", "Indicators that measure it", "Cases investigated: 2020: 18; 2021: 15"),
        ("az", "Onu ölçən göstəricilər", "Araşdırılan işlər: 2020: 18; 2021: 15"),
    ],
)
def test_the_indicators_that_measure_a_recommendation_are_given_with_their_values(world, language, label, line):
    """Published figures: in every submission, the anonymous one too, in both formats."""
    recommendation_update(
        recommendation_id=world["tip"][1],
        data={"indicators": list(Indicator.objects.filter(code="tip_cases_investigated"))},
        user=None,
    )
    document = open_docx(APIClient().get(f"/api/v1/sources/{SOURCE}/submission.docx?language={language}"))
    text = all_text(document)
    assert label in text and line in text
    assert text.count(label) == 1  # only the recommendation that names it

    printed = APIClient().get(f"/sources/{SOURCE}/submission/?language={language}").content.decode()
    assert f"<strong>{line.split(': ', 1)[0]}:</strong> {line.split(': ', 1)[1]}" in printed


def test_a_note_with_a_control_character_does_not_break_the_document(world):
    """A note pasted from a word processor may hold a vertical tab, which XML (the DOCX) cannot
    hold: it is left out, the rest of the note is there — not a server error."""
    staff = UserFactory(role="ngo_staff")
    progress_record(
        recommendation_id=world["tip"][3],
        status=Status.IN_PROGRESS,
        note="Sığınacaq açıldı\x0bBakıda\x1f.",
        occurred_on=D(2024, 1, 10),
        user=staff,
    )
    response = token_client(world["analyst"]).get(f"/api/v1/sources/{SOURCE}/submission.docx")
    assert response.status_code == 200
    assert "Sığınacaq açıldıBakıda." in all_text(open_docx(response))
