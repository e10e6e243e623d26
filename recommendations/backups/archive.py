"""The archive file: a plain tar holding the database copy, the media files under `media/`
and, last, `manifest.json`, which states each member's sha256 (so it is written once they
are known). Reading it back checks every member against the manifest before anything is
restored: a changed, missing or extra member is named and nothing is written.

Plain tar, not compressed: evidence files (PDFs, images) and PostgreSQL's custom-format dump
are compressed already, and the manifest is found without reading the whole archive twice.
"""

import hashlib
import io
import json
import os
import tarfile
import time
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any

from .errors import BackupError

MANIFEST = "manifest.json"
MEDIA = "media"
FORMAT = "tracker-backup"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024


class _HashingReader:
    """Reads at most `size` bytes of a file, hashing them: what is archived is exactly what
    is hashed, even for a file that is still being written (never one a row refers to)."""

    def __init__(self, stream: IO[bytes], size: int) -> None:
        self.stream, self.left, self.digest = stream, size, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.stream.read(size)
        self.left -= len(data)
        self.digest.update(data)
        return data


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_names(root: Path) -> list[str]:
    """Every file under `root`, as a relative POSIX path."""
    if not root.is_dir():
        return []
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


class ArchiveWriter:
    """Writes `<path>.partial` and renames it to `path` only when complete, so an archive
    that exists is whole; readable by its owner only (it holds password hashes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")

    def __enter__(self) -> "ArchiveWriter":
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.stream = os.fdopen(descriptor, "wb")
        self.tar = tarfile.open(fileobj=self.stream, mode="w", format=tarfile.PAX_FORMAT)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.tar.close()
        if kind is None:
            self.stream.flush()
            os.fsync(self.stream.fileno())
        self.stream.close()
        if kind is None:
            # A link fails rather than replace an archive that appeared meanwhile.
            try:
                os.link(self.partial, self.path)
            finally:
                self.partial.unlink()
        else:
            self.partial.unlink(missing_ok=True)

    def add_file(self, name: str, path: Path) -> dict[str, Any]:
        with path.open("rb") as stream:
            info = tarfile.TarInfo(name)
            info.size = os.fstat(stream.fileno()).st_size
            info.mtime = int(time.time())
            info.mode = 0o600
            reader = _HashingReader(stream, info.size)
            self.tar.addfile(info, reader)
        return {"sha256": reader.digest.hexdigest(), "size": info.size}

    def add_media(self, root: Path) -> dict[str, dict[str, Any]]:
        entries = {}
        for name in media_names(root):
            try:
                entries[name] = self.add_file(f"{MEDIA}/{name}", root / name)
            except FileNotFoundError:
                continue  # removed since it was listed; if a row needs it, the caller says so
        return entries

    def add_manifest(self, manifest: dict[str, Any]) -> None:
        data = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
        self.tar.addfile(info, io.BytesIO(data))


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:")
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}") from None


def manifest_read(path: Path) -> dict[str, Any]:
    with _open(path) as tar:
        try:
            stream = tar.extractfile(MANIFEST)
            manifest = json.loads(stream.read()) if stream else None
        except KeyError:
            raise BackupError(f"{path} holds no {MANIFEST}: not a tracker backup, or cut short.") from None
        except (tarfile.TarError, EOFError, ValueError) as error:
            raise BackupError(f"{path}: its {MANIFEST} cannot be read ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a tracker backup (its manifest says another format).")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is in backup format {manifest.get('version')!r}; this version of the tracker reads "
            f"format {FORMAT_VERSION}."
        )
    unsafe = [name for name in manifest.get("files", {}) if not safe_name(name)]
    if unsafe:
        raise BackupError(f"{path}: the manifest names files outside the media folder: {', '.join(unsafe[:5])}.")
    return manifest


def expected_members(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    database = manifest["database"]
    members = {database["member"]: database}
    members.update({f"{MEDIA}/{name}": entry for name, entry in manifest["files"].items()})
    return members


def archive_extract(path: Path, manifest: dict[str, Any], into: Path) -> None:
    """Extract every member into `into`, each checked against the manifest as it is read;
    any difference (content, a member missing or not listed) refuses the whole archive."""
    expected = expected_members(manifest)
    seen: set[str] = set()
    problems = []
    with _open(path) as tar:
        try:
            for member in tar:
                name = member.name
                if name == MANIFEST:
                    continue
                if name not in expected or name in seen or not member.isreg():
                    problems.append(f"{name}: not listed in the manifest")
                    continue
                seen.add(name)
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None  # a regular file
                digest = hashlib.sha256()
                with target.open("wb") as stream:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        stream.write(chunk)
                entry = expected[name]
                if digest.hexdigest() != entry["sha256"] or member.size != entry["size"]:
                    problems.append(f"{name}: its content differs from the manifest's checksum")
        except (tarfile.TarError, EOFError, OSError) as error:
            problems.append(f"the archive is damaged ({error})")
    problems.extend(
        f"{name}: listed in the manifest, missing from the archive" for name in sorted(set(expected) - seen)
    )
    if problems:
        raise BackupError(f"{path} does not match its manifest; nothing was restored. " + "; ".join(problems[:20]))
