"""Evidence as NGO staff attach it: links, excerpts and files, checked by content, stored
under their sha256, and only ever downloaded as attachments."""

import hashlib
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from recommendations.models import ChangeRecord, Evidence


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores files in a folder of its own, so it sees exactly what it stored."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def evidence_url(recommendation) -> str:
    return f"/api/v1/recommendations/{recommendation.pk}/evidence/"


def make_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def make_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def make_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<w:document>Əmək müfəttişliyi hesabatı</w:document>")
    return buffer.getvalue()


FILES = {
    "pdf": ("hesabat.pdf", make_pdf(), "application/pdf"),
    "png": ("şəkil.png", make_png(), "image/png"),
    "docx": (
        "protokol.docx",
        make_docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "txt": ("qeyd.txt", "Əmək müfəttişliyi: ə ı İ ş ğ ö ü ç\n".encode(), "text/plain; charset=utf-8"),
}


def upload(client, recommendation, name: str, content: bytes, **extra):
    data = {"kind": "file", "title": "Sənəd", "file": SimpleUploadedFile(name, content), **extra}
    return client.post(evidence_url(recommendation), data, format="multipart")


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


def test_link_evidence(client_for, users, recommendation):
    response = client_for("ngo_staff").post(
        evidence_url(recommendation),
        {"kind": "link", "title": "Nazirliyin açıqlaması", "url": "https://example.gov.az/xeber/123"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "link"
    assert body["url"] == "https://example.gov.az/xeber/123"
    assert body["download_url"] is None
    assert body["added_by_username"] == users["ngo_staff"].username
    listed = client_for("analyst").get(evidence_url(recommendation)).json()["results"]
    assert [item["id"] for item in listed] == [body["id"]]
    # Recorded on the evidence row, related to the recommendation (whose history shows it).
    history = ChangeRecord.objects.get(object_type__model="evidence", object_id=body["id"])
    assert history.action == "create" and history.related_object_id == recommendation.pk
    assert history.after["kind"] == "link" and history.after["title"] == "Nazirliyin açıqlaması"
    shown = client_for("analyst").get(f"/api/v1/recommendations/{recommendation.pk}/history/").json()["results"]
    assert shown[-1]["after"] == history.after


def test_excerpt_evidence_tied_to_a_progress_update(client_for, recommendation):
    client = client_for("ngo_staff")
    update = client.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/", {"status": "in_progress"}, format="json"
    ).json()
    response = client.post(
        evidence_url(recommendation),
        {
            "kind": "excerpt",
            "title": "TIP 2023, səh. 87",
            "excerpt": "The government increased the number of labor inspectors.",
            "evidence_date": "2023-06-15",
            "progress_update": update["id"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["progress_update"] == update["id"]
    assert response.json()["evidence_date"] == "2023-06-15"


@pytest.mark.parametrize("kind", sorted(FILES))
def test_file_upload_is_stored_with_its_digest_and_downloaded_as_attachment(client_for, recommendation, kind):
    name, content, content_type = FILES[kind]
    response = upload(client_for("ngo_staff"), recommendation, name, content)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["file_name"] == name
    assert body["file_size"] == len(content)
    assert body["file_sha256"] == hashlib.sha256(content).hexdigest()
    assert body["content_type"] == content_type

    stored = Evidence.objects.get(pk=body["id"])
    assert stored.file.name == f"evidence/{body['file_sha256'][:2]}/{body['file_sha256']}.{kind}"
    assert hashlib.sha256(stored.file.open("rb").read()).hexdigest() == body["file_sha256"]

    download = client_for("analyst").get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content


def test_download_keeps_an_azerbaijani_file_name(client_for, recommendation):
    response = upload(client_for("ngo_staff"), recommendation, "Müfəttiş ərizəsi.pdf", make_pdf())
    download = client_for("analyst").get(response.json()["download_url"])
    assert "filename*=utf-8''M%C3%BCf%C9%99tti%C5%9F%20%C9%99riz%C9%99si.pdf" in download["Content-Disposition"]


def test_link_evidence_has_no_file_to_download(client_for, recommendation):
    body = (
        client_for("ngo_staff")
        .post(evidence_url(recommendation), {"kind": "link", "title": "x", "url": "https://example.org"}, format="json")
        .json()
    )
    assert client_for("analyst").get(f"/api/v1/evidence/{body['id']}/file/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("hesabat.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("hesabat.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
        ("qeyd.txt", b"#!/bin/sh\nrm -rf /\n"),
        ("şəkil.png", make_pdf()),
        ("protokol.docx", b"PK\x03\x04 not really a zip"),
        ("protokol.docx", b"MZ" + make_docx()),
        ("qeyd.txt", "Əmək".encode("utf-16")),
        ("qeyd.txt", b"a\x00b"),
        ("empty.pdf", b""),
        ("virus.exe", b"MZ\x90\x00"),
        ("skript.js", b"alert(1)"),
        ("səhifə.html", b"<script>alert(1)</script>"),
        ("şəkil.svg", b"<svg onload=alert(1)/>"),
        ("adsız", b"%PDF-1.4"),
    ],
)
def test_unacceptable_file_is_a_400_naming_file_and_stores_nothing(client_for, recommendation, name, content):
    files_before = stored_files()
    response = upload(client_for("ngo_staff"), recommendation, name, content)
    assert response.status_code == 400, response.content
    assert "file" in response.json()
    assert not Evidence.objects.exists()
    assert stored_files() == files_before


def test_file_over_the_size_limit_is_refused(client_for, recommendation, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    files_before = stored_files()
    at_limit = "ə".encode() * 512
    assert upload(client_for("ngo_staff"), recommendation, "limit.txt", at_limit).status_code == 201
    response = upload(client_for("ngo_staff"), recommendation, "too-big.txt", at_limit + b"x")
    assert response.status_code == 400
    assert "file" in response.json()
    assert Evidence.objects.count() == 1
    assert len(stored_files() - files_before) == 1


@pytest.mark.parametrize(
    "name", ["../../../../tmp/evil.txt", "..\\..\\windows\\evil.txt", "/etc/evil.txt", "....//....//evil.txt"]
)
def test_path_in_the_file_name_is_not_followed(client_for, recommendation, name):
    media_root = Path(settings.MEDIA_ROOT).resolve()
    files_before = stored_files()
    response = upload(client_for("ngo_staff"), recommendation, name, b"harmless text\n")
    assert response.status_code == 201, response.content
    body = response.json()
    assert "/" not in body["file_name"] and "\\" not in body["file_name"]
    assert not body["file_name"].startswith(".")
    stored = Evidence.objects.get(pk=body["id"])
    path = Path(stored.file.path).resolve()
    assert path.is_relative_to(media_root / "evidence")
    assert path.name == f"{body['file_sha256']}.txt"
    assert stored_files() - files_before == {path}
    assert not Path("/tmp/evil.txt").exists() or Path("/tmp/evil.txt") in files_before  # noqa: S108
    download = client_for("analyst").get(body["download_url"])
    assert ".." not in download["Content-Disposition"] and "/" not in download["Content-Disposition"]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/a",
        "vbscript:msgbox(1)",
        "not a url",
    ],
)
def test_unsafe_link_is_a_400_naming_url(client_for, recommendation, url):
    response = client_for("ngo_staff").post(
        evidence_url(recommendation), {"kind": "link", "title": "Keçid", "url": url}, format="json"
    )
    assert response.status_code == 400
    assert "url" in response.json()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "link", "title": "Keçid"}, "url"),
        ({"kind": "excerpt", "title": "Çıxarış"}, "excerpt"),
        ({"kind": "file", "title": "Fayl"}, "file"),
        ({"kind": "link", "title": "Keçid", "url": "https://example.org", "excerpt": "artıq"}, "excerpt"),
        ({"kind": "video", "title": "Video", "url": "https://example.org"}, "kind"),
        ({"kind": "link", "url": "https://example.org"}, "title"),
        ({"kind": "excerpt", "title": "x" * 301, "excerpt": "a"}, "title"),
        ({"kind": "excerpt", "title": "Çıxarış", "excerpt": "a", "evidence_date": "2023-13-01"}, "evidence_date"),
    ],
)
def test_incomplete_evidence_is_a_400_naming_the_field(client_for, recommendation, body, field):
    response = client_for("ngo_staff").post(evidence_url(recommendation), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Evidence.objects.exists()


def test_evidence_cannot_point_at_another_recommendations_progress(client_for, recommendation):
    from .factories import RecommendationFactory

    other = RecommendationFactory()
    client = client_for("ngo_staff")
    foreign = client.post(
        f"/api/v1/recommendations/{other.pk}/progress/", {"status": "in_progress"}, format="json"
    ).json()
    response = client.post(
        evidence_url(recommendation),
        {"kind": "excerpt", "title": "Çıxarış", "excerpt": "mətn", "progress_update": foreign["id"]},
        format="json",
    )
    assert response.status_code == 400
    assert "progress_update" in response.json()
    assert not Evidence.objects.exists()


def test_failed_history_write_leaves_no_evidence_row_and_no_file(client_for, recommendation, monkeypatch):
    from django.db import IntegrityError

    from recommendations.history import services as history_services

    def failing_history_write(**kwargs):
        raise IntegrityError("history table refused the row")

    monkeypatch.setattr(history_services, "change_record_create", failing_history_write)
    files_before = stored_files()
    response = upload(client_for("ngo_staff"), recommendation, "hesabat.pdf", make_pdf())
    assert response.status_code == 409
    assert not Evidence.objects.exists()
    assert stored_files() == files_before


@pytest.mark.parametrize("kind", ["file", "link"])
def test_one_item_holds_a_file_and_the_link_it_came_from(client_for, users, recommendation, kind):
    """A downloaded report keeps its address: one item, whichever of the two its kind names."""
    origin = "https://example.gov.az/hesabatlar/2024.pdf"
    response = client_for("ngo_staff").post(
        evidence_url(recommendation),
        {
            "kind": kind,
            "title": "Nazirliyin hesabatı",
            "url": origin,
            "file": SimpleUploadedFile("hesabat.pdf", make_pdf()),
        },
        format="multipart",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"] == origin
    assert body["download_url"].endswith(f"/api/v1/evidence/{body['id']}/file/")
    assert body["file_name"] == "hesabat.pdf"
    listed = client_for("analyst").get(evidence_url(recommendation)).json()
    (item,) = listed["results"] if isinstance(listed, dict) else listed
    assert (item["url"], item["download_url"]) == (body["url"], body["download_url"])
    assert client_for("analyst").get(body["download_url"]).status_code == 200
    # The page shows both: the download and where it came from.
    from django.test import Client

    browser = Client()
    browser.force_login(users["analyst"])
    page = browser.get(f"/recommendations/{recommendation.pk}/").content.decode()
    assert f'class="evidence-file" href="/api/v1/evidence/{body["id"]}/file/"' in page
    assert f'class="evidence-link" href="{origin}"' in page
    assert Evidence.objects.get().kind == kind


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "excerpt", "title": "Çıxarış", "excerpt": "Mətn", "url": "https://example.org"}, "url"),
        ({"kind": "file", "title": "Fayl", "excerpt": "Mətn"}, "excerpt"),
        ({"kind": "link", "title": "Keçid", "url": "https://example.org", "excerpt": "artıq"}, "excerpt"),
    ],
)
def test_an_excerpt_still_stands_alone(client_for, recommendation, body, field):
    data = dict(body)
    if data["kind"] == "file":
        data["file"] = SimpleUploadedFile("hesabat.pdf", make_pdf())
    response = client_for("ngo_staff").post(evidence_url(recommendation), data, format="multipart")
    assert response.status_code == 400
    assert field in response.json()
    assert not Evidence.objects.exists()


def test_the_database_refuses_an_excerpt_with_a_link(recommendation, users):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(
            recommendation=recommendation,
            kind="excerpt",
            title="x",
            excerpt="Mətn",
            url="https://example.org",
            added_by_username="x",
        )
