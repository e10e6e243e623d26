"""`manage.py backup` and `restore` on this run's database: what the manifest states, and
every refusal (a newer schema, another kind of database, a changed archive, a target that
is not empty, pg_dump missing). The full round trip, with writers running, is in
tests/test_backup_roundtrip.py."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from recommendations.choices import EvidenceKind, Status
from recommendations.models import Evidence
from recommendations.progress.services import EvidenceItem, progress_record_with_evidence

from .factories import RecommendationFactory, UserFactory

PDF = "%PDF-1.4 Azərbaycan".encode()
# pg_dump reads what is committed: these tests commit (and the database is emptied after each).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def evidence_file() -> Evidence:
    recommendation = RecommendationFactory()
    _update, (evidence,) = progress_record_with_evidence(
        recommendation_id=recommendation.pk,
        status=Status.IN_PROGRESS,
        note="Hesabat əlavə edildi",
        user=UserFactory(role="ngo_staff"),
        evidence=[EvidenceItem(kind=EvidenceKind.FILE, title="Hesabat", file=SimpleUploadedFile("h.pdf", PDF))],
    )
    return evidence


def backup(folder: Path) -> Path:
    call_command("backup", output=folder, stdout=io.StringIO())
    (archive,) = folder.glob("tracker-backup-*.tar")
    return archive


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        stream = tar.extractfile("manifest.json")
        assert stream is not None
        return json.loads(stream.read())


def rewritten(archive: Path, change) -> Path:
    """A copy of the archive with `change(name, data)` applied to each member (None drops it)."""
    copy = archive.with_name("changed.tar")
    with tarfile.open(archive) as source, tarfile.open(copy, "w", format=tarfile.PAX_FORMAT) as target:
        for member in source:
            stream = source.extractfile(member)
            data = change(member.name, stream.read() if stream else b"")
            if data is not None:
                member.size = len(data)
                target.addfile(member, io.BytesIO(data))
        if change("extra", None) is not None:
            extra = tarfile.TarInfo("media/evidence/planted.pdf")
            extra.size = 3
            target.addfile(extra, io.BytesIO(b"abc"))
    return copy


def refusal(*arguments) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", *arguments, stdout=io.StringIO())
    return str(refused.value)


def test_the_manifest_states_the_rows_files_and_schema_of_the_moment_taken(evidence_file, tmp_path):
    manifest = manifest_of(backup(tmp_path))

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
            assert manifest["tables"][table] == cursor.fetchone()[0], table
    assert manifest["tables"]["recommendations_evidence"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    applied = sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())
    assert manifest["schema"]["migrations"] == applied
    assert {
        "recommendations_changerecord.recommendations_changerecord_append_only",
        "recommendations_progressupdate.recommendations_progressupdate_append_only",
    } <= set(manifest["schema"]["triggers"])
    stored = Path(settings.MEDIA_ROOT) / evidence_file.file.name
    assert manifest["files"][evidence_file.file.name] == {
        "sha256": hashlib.sha256(stored.read_bytes()).hexdigest(),
        "size": stored.stat().st_size,
    }


def test_check_accepts_the_archive_it_wrote(evidence_file, tmp_path):
    archive = backup(tmp_path)
    out = io.StringIO()
    call_command("restore", archive, check=True, stdout=out)
    assert "is whole and can be restored here" in out.getvalue()


def test_restore_refuses_a_database_and_media_folder_that_are_not_empty(evidence_file, tmp_path):
    archive = backup(tmp_path)
    message = refusal(archive)
    assert "only into an empty database and an empty media folder" in message
    assert "holds tables: auth_group" in message
    assert "holds files: " in message
    assert evidence_file.file.name in message
    assert Evidence.objects.get().pk == evidence_file.pk


def test_restore_refuses_an_archive_from_a_newer_schema(evidence_file, tmp_path):
    recorder = MigrationRecorder(connection)
    future = recorder.Migration.objects.create(app="recommendations", name="9999_from_a_newer_version")
    try:
        archive = backup(tmp_path)
    finally:
        future.delete()
    for arguments in ((archive, "--check"), (archive,)):
        message = refusal(*arguments)
        assert "schema is newer than this code" in message
        assert "recommendations.9999_from_a_newer_version" in message


def test_restore_refuses_an_archive_of_another_kind_of_database(evidence_file, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def claim_other(name, data):
        if name != "manifest.json" or data is None:
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = other
        return json.dumps(manifest).encode()

    message = refusal(rewritten(backup(tmp_path), claim_other), "--check")
    assert f"holds a {other} database; the configured database (DATABASE_URL) is {connection.vendor}" in message


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda name, data: data[:-1] + b"x" if name.startswith("media/evidence/") else data, "its content differs"),
        (lambda name, data: data + b"\0" if name.startswith("database/") else data, "its content differs"),
        (lambda name, data: None if name.startswith("media/evidence/") else data, "missing from the archive"),
        (lambda name, data: b"" if name == "extra" else data, "planted.pdf: not listed in the manifest"),
    ],
    ids=["file changed", "database changed", "file missing", "file planted"],
)
def test_restore_refuses_a_changed_archive(evidence_file, tmp_path, change, named):
    message = refusal(rewritten(backup(tmp_path), change), "--check")
    assert "does not match its manifest; nothing was restored" in message
    assert named in message


def test_restore_refuses_what_is_not_an_archive(tmp_path):
    (tmp_path / "notes.tar").write_text("not a tar file")
    assert "is not a readable backup archive" in refusal(tmp_path / "notes.tar", "--check")


def test_backup_never_overwrites_an_archive(db, tmp_path):
    (tmp_path / "kept.tar").write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", output=tmp_path / "kept.tar", stdout=io.StringIO())
    assert (tmp_path / "kept.tar").read_bytes() == b"an older backup"


@pytest.mark.postgres
def test_backup_says_when_pg_dump_is_missing(db, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    with pytest.raises(CommandError, match=r"pg_dump was not found on PATH.*apt-get install postgresql-client"):
        call_command("backup", output=tmp_path, stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_backup_refuses_to_write_into_the_media_folder(db):
    media = Path(settings.MEDIA_ROOT)
    with pytest.raises(CommandError, match="inside MEDIA_ROOT"):
        call_command("backup", output=media, stdout=io.StringIO())
    assert not list(media.glob("*.tar*"))
