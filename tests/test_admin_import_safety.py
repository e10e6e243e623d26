"""Issue 32 §1: an import from the admin cannot write over the wrong rows, undo an admin's
corrections unseen, or name a report after the admin's interface language."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from recommendations.importing.services import report_import
from recommendations.models import Recommendation, Source

from . import admin_imports
from .admin_forms import admin_client, open_form, submit
from .admin_imports import confirm
from .factories import SourceFactory
from .jobs import JOBS_DB

ROOT = Path(__file__).resolve().parent.parent
AZ_SEED = (ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.az.txt").read_bytes()
EN_2015 = (ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.en.pdf").read_bytes()
ARMENIA_2019 = (ROOT / "tests" / "fixtures" / "dol-2019-armenia.en.pdf").read_bytes()
DOL_2015_AZ = {"kind": "dol", "country": "AZ", "report_year": "2015", "language": "az", "title": "", "slug": ""}
# The seed with two rows worded differently, as a corrected edition of the text would be.
AZ_SEED_REVISED = (
    AZ_SEED.decode()
    .replace("yetərli treninq", "kifayət qədər treninq")
    .replace("əhaliyə açıq", "ictimaiyyətə açıq")
    .encode()
)


def preview(client, data: bytes, name: str, **metadata):
    return admin_imports.preview(client, data, name, {**DOL_2015_AZ, **metadata})


pytestmark = JOBS_DB


@pytest.fixture
def seeded(db):
    report_import(data=AZ_SEED, kind="dol", country="AZ", report_year=2015, language="az")
    return Source.objects.get(slug="dol-2015-az")


@pytest.mark.parametrize(
    ("interface", "message"),
    [
        ("en", "The document is written in English, not Azərbaycanca: choose English as the language of the text."),
        ("az", "Sənəd Azərbaycanca deyil, English dilində yazılıb: mətnin dili kimi English seçin."),
    ],
)
def test_an_english_pdf_given_the_default_language_is_refused_and_the_azerbaijani_texts_stay(
    seeded, users, interface, message
):
    texts = dict(seeded.recommendations.values_list("pk", "action"))
    client = admin_client(users["admin"], interface)

    response = preview(client, EN_2015, "dol-2015-azerbaijan.en.pdf")

    assert response.context["job"].state == "failed" and 'id="import-preview"' not in response.text
    assert response.context["job"].errors["language"] == [message] and message in response.text
    seeded.refresh_from_db()
    assert dict(seeded.recommendations.values_list("pk", "action")) == texts
    assert seeded.translations == {} and seeded.language == "az"


def test_a_document_about_another_country_is_refused_by_the_admin_and_the_command(db, users, tmp_path):
    client = admin_client(users["admin"])

    response = preview(client, ARMENIA_2019, "dol-2019-armenia.en.pdf", report_year="2019", language="en")

    assert response.context["job"].errors["country"] == [
        "The document is about Armenia, not Azerbaijan: choose Armenia as the country."
    ]
    path = tmp_path / "dol-2019-armenia.en.pdf"
    path.write_bytes(ARMENIA_2019)
    with pytest.raises(CommandError, match="--country: The document is about Armenia, not Azerbaijan"):
        call_command("import_report", str(path), "--kind=dol", "--country=AZ", "--year=2019", "--language=en")
    assert Source.objects.count() == 0 and Recommendation.objects.count() == 0


def test_the_preview_shows_each_update_before_and_after(seeded, users):
    client = admin_client(users["admin"])

    response = preview(client, AZ_SEED_REVISED, "dol.txt")

    assert response.context["job"].result["updated"] == 2
    page = response.text
    assert "<del>Əmək müfəttişlərinin uşaq əməyi ilə əlaqədar qanunların tətbiq edilməsiylə bağlı yetərli" in page
    assert "<ins>Əmək müfəttişlərinin uşaq əməyi ilə əlaqədar qanunların tətbiq edilməsiylə bağlı kifayət" in page
    assert "əhaliyə açıq" in page and "ictimaiyyətə açıq" in page


@pytest.mark.parametrize("replace", [False, True])
def test_a_hand_correction_is_listed_and_kept_unless_the_admin_ticks_to_replace_it(seeded, users, replace):
    client = admin_client(users["admin"])
    corrected = seeded.recommendations.get(position=2)
    url = f"/admin/recommendations/recommendation/{corrected.pk}/change/"
    fixed_text = "Əmək müfəttişlərinin uşaq əməyi qanunlarının tətbiqi üzrə treninqini təmin edin."
    saved = submit(client, url, {**open_form(client, url), "action": fixed_text})
    assert saved.status_code == 302

    response = preview(client, AZ_SEED_REVISED, "dol.txt")

    assert 'id="import-corrections"' in response.text
    assert response.context["job"].result["corrected"] == 1
    assert response.text.count("was corrected by hand") == 1 and "action was corrected by hand" in response.text
    assert fixed_text in response.text and users["admin"].username in response.text
    done = confirm(client, response, **({"replace_corrections": "on"} if replace else {}))
    assert done.context["job"].state == "done"
    assert ("Hand corrections of 1 recommendations were kept" in done.text) is not replace
    corrected.refresh_from_db()
    assert ("kifayət qədər treninq" in corrected.action) is replace
    assert (corrected.action == fixed_text) is not replace
    assert "ictimaiyyətə açıq" in seeded.recommendations.get(position=3).action


def test_a_report_imported_from_the_azerbaijani_interface_keeps_its_own_title(db, users):
    client = admin_client(users["admin"], "az")

    response = preview(client, ARMENIA_2019, "dol-2019-armenia.en.pdf", country="AM", report_year="2019", language="en")
    assert confirm(client, response).context["job"].state == "done"

    source = Source.objects.get()
    assert source.title == "2019 Findings on the Worst Forms of Child Labor: Armenia"
    assert source.publisher == "U.S. Department of Labor, Bureau of International Labor Affairs"
    found = client.get("/admin/recommendations/source/", {"q": "armenia"})
    assert list(found.context["cl"].result_list) == [source]


def test_the_sources_list_finds_a_source_by_its_countrys_name_in_either_language(db, users):
    # A title as imports from the Azerbaijani interface wrote it before.
    source = SourceFactory(country="AM", title="2019 Findings on the Worst Forms of Child Labor: Ermənistan")
    SourceFactory(country="AZ")
    client = admin_client(users["admin"])

    for term in ("armenia", "Ermənistan", "ermenistan"):
        found = client.get("/admin/recommendations/source/", {"q": term})
        assert list(found.context["cl"].result_list) == [source], term


def test_the_preview_says_what_it_writes_in_words_not_codes(seeded, users):
    client = admin_client(users["admin"])

    response = preview(client, AZ_SEED_REVISED, "dol.txt")

    writes = response.text[
        response.text.index('id="import-writes"') : response.text.index(
            "</dl>", response.text.index('id="import-writes"')
        )
    ]
    assert "<dt>Source</dt><dd>dol-2015-az (already imported as dol-2015-az)</dd>" in writes
    assert "<dd>2015 Findings on the Worst Forms of Child Labor: Azerbaijan</dd>" in writes
    assert "<dt>Country</dt><dd>Azerbaijan</dd>" in writes and "<dd>Azərbaycanca</dd>" in writes
    table = response.text[response.text.index('id="import-preview"') :]
    assert "legal_framework" not in table and "Legal Framework" in table
    assert ">unchanged<" not in table and "updated" in table
