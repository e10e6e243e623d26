"""Azerbaijani text is the normal case: what goes in comes back byte for byte in Unicode's
composed form (NFC; a decomposed letter is stored composed, recommendations/fields.py), and
names follow the language the client asks for."""

import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from recommendations.models import Evidence, ProgressUpdate, Recommendation

from .factories import RecommendationFactory

# Every Azerbaijani letter outside ASCII in both cases, the dotted/dotless i pairs that
# case-folding breaks, typographic punctuation, and a decomposed "ö" that is stored composed.
AZERBAIJANI = "Əə Iı İi Şş Ğğ Öö Üü Çç — «İŞĞÖÜÇƏ ışğöüçə» “Qanun” … o\u0308"
ACTION = f"Uşaqların İşə cəlb edilməsinə qarşı tədbirləri gücləndirin: {AZERBAIJANI}"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def contains_exact_bytes(response, text: str) -> bool:
    return text.encode("utf-8") in response.content


def test_sample_text_is_what_the_test_claims():
    assert nfc(AZERBAIJANI) != AZERBAIJANI  # it really holds a decomposed letter
    assert {"ə", "ı", "İ", "ş", "ğ", "ö", "ü", "ç"} <= set(AZERBAIJANI)


def test_action_round_trips_byte_for_byte(client_for, recommendation):
    response = client_for("admin").patch(
        f"/api/v1/recommendations/{recommendation.pk}/", {"action": ACTION}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["action"] == nfc(ACTION)

    assert Recommendation.objects.get(pk=recommendation.pk).action == nfc(ACTION)
    for url in (f"/api/v1/recommendations/{recommendation.pk}/", "/api/v1/recommendations/"):
        read = client_for("anonymous").get(url)
        assert contains_exact_bytes(read, nfc(ACTION))
        body = read.json()
        item = body if "action" in body else body["results"][0]
        assert item["action"] == nfc(ACTION)


def test_action_created_through_the_service_reads_back_unchanged(client_for, db):
    created = RecommendationFactory(action=ACTION)
    read = client_for("anonymous").get(f"/api/v1/recommendations/{created.pk}/")
    assert read.json()["action"] == nfc(ACTION)
    assert contains_exact_bytes(read, nfc(ACTION))


def test_progress_note_round_trips_byte_for_byte(client_for, recommendation):
    note = f"Nazirlik «Əmək müfəttişliyi» şöbəsini yenidən açdı. {AZERBAIJANI}"
    created = client_for("ngo_staff").post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/", {"status": "in_progress", "note": note}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["note"] == nfc(note)
    assert ProgressUpdate.objects.get(pk=created.json()["id"]).note == nfc(note)
    listed = client_for("analyst").get(f"/api/v1/recommendations/{recommendation.pk}/progress/")
    assert listed.json()["results"][0]["note"] == nfc(note)
    assert contains_exact_bytes(listed, nfc(note))


@pytest.mark.parametrize("encoding", ["json", "multipart"])
def test_evidence_title_and_excerpt_round_trip_byte_for_byte(client_for, recommendation, encoding):
    title = f"Hesabatdan çıxarış — {AZERBAIJANI}"
    excerpt = f"Hökumət İnsan Alverinə Qarşı Mübarizə üzrə Milli Fəaliyyət Planını qəbul etdi. {AZERBAIJANI}"
    created = client_for("ngo_staff").post(
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        {"kind": "excerpt", "title": title, "excerpt": excerpt},
        format=encoding,
    )
    assert created.status_code == 201, created.content
    stored = Evidence.objects.get(pk=created.json()["id"])
    assert (stored.title, stored.excerpt) == (nfc(title), nfc(excerpt))
    listed = client_for("analyst").get(f"/api/v1/recommendations/{recommendation.pk}/evidence/")
    item = listed.json()["results"][0]
    assert (item["title"], item["excerpt"]) == (nfc(title), nfc(excerpt))
    assert contains_exact_bytes(listed, nfc(title)) and contains_exact_bytes(listed, nfc(excerpt))


def test_uploaded_text_file_and_its_name_round_trip(client_for, recommendation, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    content = f"{AZERBAIJANI}\n".encode()
    name = "Şəhadətnamə ığöüç.txt"
    created = client_for("ngo_staff").post(
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        {"kind": "file", "title": "Fayl", "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    assert created.json()["file_name"] == name
    download = client_for("analyst").get(created.json()["download_url"])
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("en", "Enforcement"), ("en-US,en;q=0.9", "Enforcement"), ("az", "Tətbiqat"), ("az-AZ", "Tətbiqat")],
)
def test_area_name_follows_accept_language(client_for, recommendation, accept_language, expected):
    client = client_for("anonymous")
    item = client.get(f"/api/v1/recommendations/{recommendation.pk}/", HTTP_ACCEPT_LANGUAGE=accept_language).json()
    assert item["area"] == "enforcement"
    assert item["area_name"] == expected
    listed = client.get("/api/v1/recommendations/", HTTP_ACCEPT_LANGUAGE=accept_language).json()
    assert listed["results"][0]["area_name"] == expected
    areas = {row["code"]: row for row in client.get("/api/v1/areas/", HTTP_ACCEPT_LANGUAGE=accept_language).json()}
    assert areas["enforcement"]["name"] == expected
    assert areas["enforcement"]["recommendation_count"] == 1


def test_areas_carry_the_names_the_reports_print(client_for, db):
    areas = {row["code"]: row for row in client_for("anonymous").get("/api/v1/areas/").json()}
    # The DOL and TIP areas; the UPR's are the English theme headings (tests/test_importer_upr_documents.py).
    assert {code: row["name_az"] for code, row in areas.items() if row["kind"] in ("dol", "tip")} == {
        "legal_framework": "Qanun və Nizamnamələr",
        "enforcement": "Tətbiqat",
        "coordination": "Əlaqələndirmə",
        "government_policies": "Dövlət Siyasəti",
        "social_programs": "Sosial Proqramlar",
        "prosecution": "Məhkəmə təqibi",
        "protection": "Müdafiə",
        "prevention": "Qarşısının alınması",
    }
    assert areas["prevention"]["name_en"] == "Prevention"


def test_unclassified_recommendation_has_no_area_name(client_for, db):
    created = RecommendationFactory(area=None)
    item = client_for("anonymous").get(f"/api/v1/recommendations/{created.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert item["area"] is None and item["area_name"] is None
