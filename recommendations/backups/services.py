"""`backup_create` and `backup_restore`: what the `backup` and `restore` commands do.

Order in a backup: the database first (one moment), then the media files. A file a row of
that moment refers to was complete before the row committed, so it is there when the files
are read; one removed in between (evidence deleted by an admin) fails the backup, naming it,
rather than writing an archive that would restore a row without its file. Files written
after the moment are archived too, harmlessly: no restored row refers to them.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from recommendations.caching.triggers import version_after_restore

from . import database
from .archive import (
    FORMAT,
    FORMAT_VERSION,
    MEDIA,
    ArchiveWriter,
    archive_extract,
    file_sha256,
    manifest_read,
    media_names,
)
from .errors import BackupError


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreSummary:
    manifest: dict[str, Any]
    # Migrations this code has that the archive's database had not applied: `migrate` next.
    pending_migrations: list[str] = field(default_factory=list)


def default_directory() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def _archive_path(destination: Path | None) -> Path:
    name = f"tracker-backup-{timezone.now().strftime('%Y%m%dT%H%M%SZ')}.tar"
    if destination is None:
        directory = default_directory()
        directory.mkdir(parents=True, exist_ok=True)
        return directory / name
    if destination.is_dir():
        return destination / name
    if not destination.parent.is_dir():
        raise BackupError(f"{destination.parent} is not a folder: the archive cannot be written there.")
    return destination


def backup_create(*, destination: Path | None = None) -> BackupSummary:
    """Write one archive of the database and MEDIA_ROOT as they were at one moment."""
    kind = database.vendor()
    path = _archive_path(destination)
    if path.exists() or path.with_name(path.name + ".partial").exists():
        raise BackupError(f"{path} exists already (or is being written); a backup never overwrites one.")
    media_root = Path(settings.MEDIA_ROOT)
    if path.resolve().is_relative_to(media_root.resolve()):
        raise BackupError(f"{path} is inside MEDIA_ROOT: the archive would hold itself. Choose another folder.")
    # The copy is as big as the database: beside the archive, not in a small /tmp.
    with tempfile.TemporaryDirectory(prefix=".tracker-backup-", dir=path.parent) as work:
        copy = Path(work) / "database"
        taken_at = timezone.now()
        snapshot = database.copy_to(copy)
        with ArchiveWriter(path) as archive:
            member = database.MEMBERS[kind]
            database_entry = {"vendor": kind, "member": member, **archive.add_file(member, copy)}
            files = archive.add_media(media_root)
            missing = sorted(snapshot.referenced_files - set(files))
            if missing:
                raise BackupError(
                    "Files the database refers to disappeared from MEDIA_ROOT while the backup ran "
                    f"(removed meanwhile?): {', '.join(missing[:10])}. No archive was written; run it again."
                )
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": taken_at.isoformat(),
                "database": database_entry,
                "schema": {
                    "migrations": snapshot.migrations,
                    "triggers": snapshot.triggers,
                    "indexes": snapshot.indexes,
                },
                "tables": snapshot.tables,
                "files": files,
            }
            archive.add_manifest(manifest)
    return BackupSummary(path=path, manifest=manifest)


def _known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def _refuse_what_this_code_cannot_restore(manifest: dict[str, Any]) -> list[str]:
    """Refusals that hold wherever the archive is restored; returns the pending migrations."""
    kind = database.vendor()
    if manifest["database"]["vendor"] != kind:
        raise BackupError(
            f"The archive holds a {manifest['database']['vendor']} database; the configured database "
            f"(DATABASE_URL) is {kind}. Restore it into a database of its kind."
        )
    known = _known_migrations()
    applied = set(manifest["schema"]["migrations"])
    unknown = sorted(applied - known)
    if unknown:
        raise BackupError(
            "The archive's schema is newer than this code (or from code this version does not have): "
            f"migrations unknown here: {', '.join(unknown)}. Restore it with the tracker version that made it."
        )
    return sorted(known - applied)


def _refuse_a_target_that_is_not_empty(media_root: Path) -> None:
    tables = database.target_tables()
    files = media_names(media_root)
    problems = []
    if tables:
        shown = ", ".join(tables[:8]) + (f" and {len(tables) - 8} more" if len(tables) > 8 else "")
        problems.append(f"the database {connection.settings_dict['NAME']} holds tables: {shown}")
    if files:
        shown = ", ".join(files[:8]) + (f" and {len(files) - 8} more" if len(files) > 8 else "")
        problems.append(f"MEDIA_ROOT {media_root} holds files: {shown}")
    if problems:
        raise BackupError(
            "A restore writes only into an empty database and an empty media folder, and "
            + "; ".join(problems)
            + ". Create a new database (and point DATABASE_URL and MEDIA_ROOT at empty ones); nothing was changed."
        )


def backup_check(*, archive: Path) -> RestoreSummary:
    """Everything a restore checks before writing (format, kind, schema, every checksum)."""
    manifest = manifest_read(archive)
    pending = _refuse_what_this_code_cannot_restore(manifest)
    with tempfile.TemporaryDirectory(prefix=".tracker-restore-check-", dir=archive.parent) as work:
        archive_extract(archive, manifest, Path(work))
    return RestoreSummary(manifest=manifest, pending_migrations=pending)


def backup_restore(*, archive: Path) -> RestoreSummary:
    """Restore an archive into the configured (empty) database and MEDIA_ROOT, then check
    that every table has the manifest's rows and every file its checksum."""
    manifest = manifest_read(archive)
    pending = _refuse_what_this_code_cannot_restore(manifest)
    media_root = Path(settings.MEDIA_ROOT)
    _refuse_a_target_that_is_not_empty(media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    # Beside MEDIA_ROOT, so the files are moved into place, not copied again.
    with tempfile.TemporaryDirectory(prefix=".tracker-restore-", dir=media_root.parent) as work:
        staging = Path(work)
        archive_extract(archive, manifest, staging)
        database.restore_from(staging / manifest["database"]["member"])
        version_after_restore(connection)
        for name in manifest["files"]:
            target = media_root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            (staging / MEDIA / name).replace(target)
    _verify(manifest, media_root)
    return RestoreSummary(manifest=manifest, pending_migrations=pending)


def _verify(manifest: dict[str, Any], media_root: Path) -> None:
    restored = database.target_facts()
    problems = [
        f"table {table}: {restored.tables.get(table)} rows, the manifest says {count}"
        for table, count in manifest["tables"].items()
        if restored.tables.get(table) != count
    ]
    problems.extend(
        f"table {table}: not in the manifest" for table in sorted(set(restored.tables) - set(manifest["tables"]))
    )
    schema = manifest["schema"]
    if restored.migrations != schema["migrations"]:
        problems.append("the applied migrations differ from the manifest's")
    # The append-only guards are triggers: a restore that lost them would let history be edited.
    for name, objects in (("triggers", restored.triggers), ("indexes", restored.indexes)):
        missing = sorted(set(schema[name]) - set(objects))
        if missing:
            problems.append(f"{name} missing: {', '.join(missing[:10])}")
    for name, entry in manifest["files"].items():
        path = media_root / name
        if not path.is_file() or file_sha256(path) != entry["sha256"]:
            problems.append(f"file {name}: missing or not the manifest's content")
    if problems:
        raise BackupError("The restored data does not match the manifest: " + "; ".join(problems[:20]))
