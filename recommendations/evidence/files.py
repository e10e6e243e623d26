"""What an evidence file may be: checked by content, not by the name the client chose."""

import hashlib
import zipfile
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    """A kind of file checked by one signature: its extensions, each with the content type a
    download of it is served with."""

    content_types: dict[str, str]

    @property
    def extensions(self) -> frozenset[str]:
        return frozenset(self.content_types)


PDF = FileKind({"pdf": "application/pdf"})
PNG = FileKind({"png": "image/png"})
JPEG = FileKind({"jpg": "image/jpeg", "jpeg": "image/jpeg"})
GIF = FileKind({"gif": "image/gif"})
WEBP = FileKind({"webp": "image/webp"})
OLE = FileKind({"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"})
OOXML = FileKind(
    {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
OPENDOCUMENT = FileKind(
    {
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "odp": "application/vnd.oasis.opendocument.presentation",
    }
)
TEXT = FileKind(dict.fromkeys(("txt", "csv", "md"), "text/plain; charset=utf-8"))
KINDS = (PDF, PNG, JPEG, GIF, WEBP, OLE, OOXML, OPENDOCUMENT, TEXT)
ALLOWED_EXTENSIONS = sorted(extension for kind in KINDS for extension in kind.extensions)
EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"#!", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def safe_file_name(name: str) -> str:
    """The last path component, without control characters: a name to show, never a path."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(char for char in base if char.isprintable()).strip().lstrip(".")
    return cleaned[:255] or "file"


def _sniff(head: bytes, extension: str, stream: IO[bytes]) -> str | None:
    """The content type when the bytes really are a file of the claimed kind, else None."""
    if head.startswith(EXECUTABLE_SIGNATURES):
        return None
    if extension in PDF.extensions:
        return PDF.content_types[extension] if head.startswith(b"%PDF-") else None
    if extension in PNG.extensions:
        return PNG.content_types[extension] if head.startswith(b"\x89PNG\r\n\x1a\n") else None
    if extension in JPEG.extensions:
        return JPEG.content_types[extension] if head.startswith(b"\xff\xd8\xff") else None
    if extension in GIF.extensions:
        return GIF.content_types[extension] if head[:6] in (b"GIF87a", b"GIF89a") else None
    if extension in WEBP.extensions:
        return WEBP.content_types[extension] if head[:4] == b"RIFF" and head[8:12] == b"WEBP" else None
    if extension in OLE.extensions:
        return OLE.content_types[extension] if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") else None
    if extension in OOXML.extensions | OPENDOCUMENT.extensions:
        if not head.startswith(b"PK\x03\x04"):
            return None
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
                if extension in OOXML.extensions and "[Content_Types].xml" in names:
                    return OOXML.content_types[extension]
                if extension in OPENDOCUMENT.extensions and "mimetype" in names:
                    return OPENDOCUMENT.content_types[extension]
        except zipfile.BadZipFile:
            return None
        return None
    if extension in TEXT.extensions:
        return TEXT.content_types[extension]
    return None


def check_evidence_file(stream: IO[bytes], *, name: str, max_bytes: int) -> CheckedFile:
    """Validate an uploaded file and compute its digest in one pass over the bytes."""
    display_name = safe_file_name(name)
    extension = display_name.rsplit(".", 1)[-1].lower() if "." in display_name else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            {
                "file": _("Files of type “%(ext)s” are not accepted; allowed: %(allowed)s.")
                % {"ext": extension or "?", "allowed": ", ".join(ALLOWED_EXTENSIONS)}
            }
        )
    digest = hashlib.sha256()
    size = 0
    stream.seek(0)
    head = stream.read(4096)
    chunk = head
    is_text = extension in TEXT.extensions
    while chunk:
        size += len(chunk)
        if size > max_bytes:
            raise ValidationError(
                {"file": _("The file is larger than the limit of %(limit)d bytes.") % {"limit": max_bytes}}
            )
        if is_text and b"\x00" in chunk:
            raise ValidationError({"file": _("A text file must not contain NUL bytes.")})
        digest.update(chunk)
        chunk = stream.read(1024 * 1024)
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if is_text:
        stream.seek(0)
        try:
            stream.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError({"file": _("A text file must be UTF-8.")}) from None
    content_type = _sniff(head, extension, stream)
    stream.seek(0)
    if content_type is None:
        raise ValidationError({"file": _("The file’s content is not a valid .%(ext)s file.") % {"ext": extension}})
    return CheckedFile(display_name, extension, content_type, size, digest.hexdigest())
