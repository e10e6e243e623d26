"""The UPR thematic list given back as NGOs send it (issue 29 §5), as people get it: from the
API with a token and from the report's page, for OHCHR's real cycle 3 list of Slovenia's
review, in Azerbaijani and English. Opened with python-docx as a word processor reads it (the
table's columns, the theme rows, each recommendation's cells), read back through the UPR
importer (the list it came from), and converted by LibreOffice for the eye."""

import datetime
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from rest_framework.test import APIClient

from recommendations.choices import EvidenceKind, Status
from recommendations.evidence.services import evidence_add
from recommendations.importing.parsers.upr import parse_docx
from recommendations.importing.services import report_import
from recommendations.models import Recommendation
from recommendations.progress.services import progress_record
from tests.analyst.test_submission import soffice_to_pdf, token_client
from tests.factories import RecommendationFactory, UserFactory
from tests.shared_data import shared_data
from tests.upr_documents import CYCLE_3, CYCLE_3_COLUMNS

D = datetime.date
SLUG = "upr-2019-si"
API = f"/api/v1/sources/{SLUG}/thematic-list.docx"
PAGE = f"/sources/{SLUG}/thematic-list.docx"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOTE = "Ədliyyə Nazirliyi konvensiyanın layihəsini Milli Məclisə göndərib; İçərişəhər görüşü"
EVIDENCE_TITLE = "Qanun layihəsi (meclis.gov.az)"
EVIDENCE_URL = "https://example.org/qanun-layihesi"
EXCERPT_TITLE = "Ombudsmanın məruzəsi"
EXCERPT = "Şikayətlərin 40 %-i uşaqlarla bağlıdır"
LATE_NOTE = "Konvensiya ratifikasiya olunub — 2024"
COLUMNS_AZ = (
    "Tövsiyə",
    "Mövqe",
    "Mövzuların tam siyahısı",
    "İcra səviyyəsinin qiymətləndirilməsi/şərhlər",
)


@shared_data
def world():
    """OHCHR's cycle 3 list imported as an admin imports it; progress with a note and evidence
    on 121.1 (March 2023), implemented with a note in May 2024 on 121.2."""
    report_import(data=CYCLE_3.read_bytes(), kind="upr", country="SI", report_year=2019, language="en")
    staff = UserFactory(username="aysel", role="ngo_staff")
    analyst = UserFactory(username="elvin", role="analyst")
    rows = {row.number: row.pk for row in Recommendation.objects.filter(source__slug=SLUG)}
    first = progress_record(
        recommendation_id=rows["121.1"], status=Status.IN_PROGRESS, note=NOTE, occurred_on=D(2023, 3, 1), user=staff
    )
    evidence_add(
        recommendation_id=rows["121.1"],
        kind=EvidenceKind.LINK,
        title=EVIDENCE_TITLE,
        url=EVIDENCE_URL,
        progress_update_id=first.pk,
        user=staff,
    )
    evidence_add(
        recommendation_id=rows["121.1"],
        kind=EvidenceKind.EXCERPT,
        title=EXCERPT_TITLE,
        excerpt=EXCERPT,
        progress_update_id=first.pk,
        user=staff,
    )
    progress_record(
        recommendation_id=rows["121.2"],
        status=Status.IMPLEMENTED,
        note=LATE_NOTE,
        occurred_on=D(2024, 5, 2),
        user=staff,
    )
    return {"rows": rows, "analyst": analyst.username, "staff": staff.username}


def open_docx(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"].startswith('attachment; filename="thematic-list-upr-2019-si-')
    return Document(io.BytesIO(response.content))


def table_rows(document) -> list[list[str]]:
    """The list's one table, each row's cells' text (a merged theme row: one cell)."""
    (table,) = document.tables
    rows = []
    for row in table.rows:
        cells = [cell.text for cell in row.cells]
        rows.append(cells[:1] if len(set(cells)) == 1 else cells)
    return rows


def row_of(document, number: str) -> list[str]:
    return next(cells for cells in table_rows(document) if cells[0].startswith(f"{number} "))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell for row in table_rows(document) for cell in row]
    return "\n".join(parts)


def test_the_list_keeps_ohchrs_structure_theme_by_theme(world, api_client):
    """Every row of the list in its order under its theme's row, the four columns as OHCHR
    prints them; read back by the importer it is the list it came from."""
    response = api_client.get(f"{API}?language=en")
    document = open_docx(response)
    rows = table_rows(document)
    assert tuple(rows[0]) == CYCLE_3_COLUMNS
    themes = [cells[0] for cells in rows[1:] if len(cells) == 1]
    recommendations = [cells for cells in rows[1:] if len(cells) == 4]
    assert len(recommendations) == 215 and len(rows) == 1 + len(themes) + 215
    assert themes[0] == "Theme: Acceptance of international norms"
    assert rows[1] == [themes[0]] and rows[2][0].startswith("121.1 Ratify the International Convention")
    section = document.sections[0]
    assert section.page_width > section.page_height  # landscape, as OHCHR's

    original = parse_docx(CYCLE_3.read_bytes(), year=2019)
    given_back = parse_docx(response.content, year=2019)
    assert not given_back.refusals, given_back.refusals[:3]
    assert given_back.country_name == "Slovenia"
    assert [record.number for record in given_back.records] == [record.number for record in original.records]
    for back, first in zip(given_back.records, original.records, strict=True):
        assert (back.area, back.action, back.position_source) == (first.area, first.action, first.position_source)
        assert {name: sorted(terms) for name, terms in back.tags.items()} == {
            name: sorted(terms) for name, terms in first.tags.items()
        }, first.number


def test_a_row_gives_number_text_states_position_themes_and_the_status(world, api_client):
    document = open_docx(api_client.get(f"{API}?language=en&as_of=2026-06-30"))
    number_and_text, position, themes, assessment = row_of(document, "121.3")
    assert number_and_text == (
        "121.3 Ratify and implement the International Labour Organization’s 2014 Protocol to the Forced Labour "
        "Convention, 1930 (No. 29) (United Kingdom);\nSource of position: A/HRC/43/15 - Para 121"
    )
    assert position == "Supported"
    assert themes == (
        "- Acceptance of international norms\n- Prohibition of slavery, trafficking\n"
        "- Right to work and to just & favorable conditions of work & labour rights\n"
        "SDGs:\n- 8 - Decent work and economic growth"
    )
    assert assessment == "Status as of June 30, 2026: Not assessed"
    # Two States' wordings in one row: the first one's State stays in the text, once.
    assert row_of(document, "121.2")[0].count("(Ukraine)") == 1
    assert row_of(document, "121.2")[0].split("\n")[0].endswith("(Slovakia);")
    assert row_of(document, "121.2")[3].startswith("Status as of June 30, 2026: Implemented")


def test_an_anonymous_request_gets_the_statuses_without_notes_or_evidence(world):
    for response in (APIClient().get(f"{API}?language=az"), APIClient().get(f"{PAGE}?language=az")):
        document = open_docx(response)
        text = all_text(document)
        assert NOTE not in text and LATE_NOTE not in text and EVIDENCE_TITLE not in text and EXCERPT not in text
        assert EVIDENCE_URL not in response.content.decode("latin-1")
        assert [rel for rel in document.part.rels.values() if rel.is_external] == []
        assert "İrəliləyiş qeydləri və sübutlar daxil edilməyib" in text
        assert row_of(document, "121.1")[3] == f"{_az_status_as_of()} İcra olunur"


def _az_status_as_of() -> str:
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import override

    with override("az"):
        return f"{date_format(timezone.localdate(), 'DATE_FORMAT')} tarixinə status:"


@pytest.mark.parametrize("role", ["analyst", "staff"])
def test_analysts_and_staff_get_the_latest_notes_and_the_evidence_links(world, role):
    client = token_client(world[role])
    response = client.get(f"{API}?language=en&as_of=2026-06-30")
    document = open_docx(response)
    assessment = row_of(document, "121.1")[3]
    assert assessment.startswith("Status as of June 30, 2026: In progress\nMarch 1, 2023, In progress: " + NOTE)
    assert f"Evidence:\n- {EVIDENCE_TITLE}\n- {EXCERPT_TITLE}: “{EXCERPT}”" in assessment
    assert EVIDENCE_URL in [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    assert LATE_NOTE in row_of(document, "121.2")[3]
    # A recommendation without progress says so, to those who may read progress.
    assert row_of(document, "121.3")[3].endswith("No progress recorded by this day.")
    assert "Progress notes and evidence are not included" not in all_text(document)


def test_the_report_page_gives_it_to_a_signed_in_analyst(world, client):
    client.force_login(UserFactory(role="analyst"))
    page = client.get(f"/sources/{SLUG}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'formaction="{PAGE}"' in page
    # The form sends every field: the date left empty (today).
    document = open_docx(client.get(f"{PAGE}?as_of=&language=en"))
    assert NOTE in row_of(document, "121.1")[3]
    # Other kinds of report have no thematic list to give back.
    tip = RecommendationFactory().source
    assert "thematic-list.docx" not in client.get(f"/sources/{tip.slug}/").content.decode()


def test_as_of_gives_the_status_notes_and_evidence_of_that_day(world):
    client = token_client(world["analyst"])
    document = open_docx(client.get(f"{API}?language=en&as_of=2023-12-31"))
    assert row_of(document, "121.2")[3] == (
        "Status as of Dec. 31, 2023: Not assessed\nNo progress recorded by this day."
    )  # implemented only in May 2024
    assert LATE_NOTE not in all_text(document)
    assert NOTE in row_of(document, "121.1")[3] and EVIDENCE_TITLE in row_of(document, "121.1")[3]

    before = open_docx(client.get(f"{API}?language=en&as_of=2023-02-28"))
    assert row_of(before, "121.1")[3] == "Status as of Feb. 28, 2023: Not assessed\nNo progress recorded by this day."
    assert EVIDENCE_URL not in [rel.target_ref for rel in before.part.rels.values() if rel.is_external]


def test_in_azerbaijani_the_headings_themes_positions_and_sdgs_are_azerbaijani(world):
    client = token_client(world["analyst"])
    document = open_docx(client.get(f"{API}?language=az&as_of=2026-06-30"))
    rows = table_rows(document)
    assert tuple(rows[0]) == COLUMNS_AZ
    assert rows[1] == ["Mövzu: Beynəlxalq normaların qəbulu"]
    number_and_text, position, themes, assessment = row_of(document, "121.1")
    # The list is in English only: its text is given in English, marked, beside Azerbaijani labels.
    assert number_and_text.startswith("121.1 Ratify the International Convention for the Protection")
    # State names as django-countries gives them: it has no Azerbaijani names (the tags keep English).
    assert "(France, Lithuania); [yalnız ingiliscə]\nMövqeyin mənbəyi: A/HRC/43/15 - Para 121" in number_and_text
    assert position == "Dəstəklənib"
    assert "DİM:\n- 16 - Sülh, ədalət və güclü institutlar" in themes
    assert assessment.startswith("30 iyun 2026 tarixinə status: İcra olunur\n1 mart 2023, İcra olunur: " + NOTE)
    assert "Sübutlar:" in assessment
    text = all_text(document)
    assert "Tövsiyələrin tematik siyahısı: icranın qiymətləndirilməsi" in text
    assert document.core_properties.language == "az-Latn-AZ"


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("colour=red", {"colour"}),
        ("as_of=2023-13-01&language=fr", {"as_of", "language"}),
        ("report_year_from=2019", {"report_year_from"}),
    ],
)
def test_bad_parameters_are_a_400_naming_them(world, query, named):
    response = APIClient().get(f"{API}?{query}")
    assert response.status_code == 400, response.content[:300]
    assert named <= set(response.json()), response.json()
    page = APIClient().get(f"{PAGE}?{query}")
    assert page.status_code == 400
    for name in named:
        assert f"<code>{name}</code>" in page.content.decode()


def test_no_list_before_the_report_or_for_another_kind_of_report(world):
    client = APIClient()
    early = client.get(f"{API}?as_of=2018-12-31", HTTP_ACCEPT_LANGUAGE="en")
    assert early.status_code == 404 and early.json()["detail"].startswith("as_of: the report appeared in 2019")
    tip = RecommendationFactory().source
    other = client.get(f"/api/v1/sources/{tip.slug}/thematic-list.docx", HTTP_ACCEPT_LANGUAGE="en")
    assert other.status_code == 404 and "UPR reports" in other.json()["detail"]
    assert client.get(f"/sources/{tip.slug}/thematic-list.docx").status_code == 404
    assert client.get("/api/v1/sources/no-such-report/thematic-list.docx").status_code == 404


def test_the_queries_do_not_grow_with_the_rows(world, django_assert_num_queries):
    """215 recommendations: the token (its check, its use recorded, the roles), the report,
    the rows with their status that day, their tags, the notes, the evidence; anonymous: the
    report, the rows, the tags."""
    client = token_client(world["analyst"])
    with django_assert_num_queries(8):
        assert client.get(API).status_code == 200
    with django_assert_num_queries(3):
        assert APIClient().get(API).status_code == 200


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "thematic-list"


@pytest.mark.slow
@pytest.mark.parametrize("language", ["az", "en"])
def test_the_docx_opens_in_libreoffice_as_a_landscape_table(world, language, tmp_path):
    """Converted to PDF by LibreOffice: landscape pages with the column headings on each,
    the theme rows, the rows with their assessment, the Azerbaijani letters as written. The
    pages are rendered to test-artifacts/thematic-list/ (pdftoppm) for a person to look at."""
    client = token_client(world["analyst"])
    response = client.get(f"{API}?language={language}&as_of=2026-06-30")
    assert response.status_code == 200
    docx = tmp_path / f"thematic-list-{language}.docx"
    docx.write_bytes(response.content)
    pdf = soffice_to_pdf(docx, tmp_path)
    # Rendered first, so a failing document can be looked at too.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / f"upr-2019-si-{language}"
    subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "3", "-png", str(pdf), str(prefix)], check=True)  # noqa: S603, S607
    shutil.copy(pdf, ARTIFACTS / pdf.name)

    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())  # type: ignore[union-attr]
    assert width > height  # landscape
    # In reading order (no -layout): a cell's lines stay together, not interleaved with its row's.
    pages = subprocess.run(  # noqa: S603 (poppler-utils, on PATH as in .ci/run)
        ["pdftotext", str(pdf), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 20
    flat = " ".join("\n".join(pages).split())
    headings = {"az": COLUMNS_AZ, "en": CYCLE_3_COLUMNS}[language]
    # The column headings repeat at the top of every page of the table.
    assert all(" ".join(headings[3].split()) in " ".join(page.split()) for page in pages)
    theme = {"az": "Mövzu: Beynəlxalq normaların qəbulu", "en": "Theme: Acceptance of international norms"}[language]
    status = {"az": "30 iyun 2026 tarixinə status: İcra olunur", "en": "Status as of June 30, 2026: In progress"}
    assert theme in flat and status[language] in flat
    assert " ".join(NOTE.split()) in flat  # ə, İ, ş, ğ, ö, ü, ç through the round trip
    for number in ("121.1", "121.2", "121.3", "122.1"):
        assert re.search(rf"\b{re.escape(number)} ", flat), number
    assert flat.index(theme) < flat.index("121.1 ") < flat.index("121.2 ") < flat.index("122.1 ")
