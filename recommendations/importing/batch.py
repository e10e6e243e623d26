"""Several reports at once — files, folders, a data file of every country — as an NGO starting
with the tracker has them: what each document is (kind, country, year, language) comes from
the command's options, else the folder's `manifest.toml` (the seeds' format), else what the
document itself says; a document that does not say and is not told is refused, never guessed.

`batch_plan` shows what importing them all would do — each imported in order inside one
transaction that is then rolled back, so the plan shows the repeats one document links to
another of the same batch — and `batch_import` imports each in its own transaction: a refused
document stops no other. Documents go oldest report year first, so each links to the years
before it as they are imported (and a year imported after a later one links that one too).
"""

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from recommendations.choices import SourceKind
from recommendations.history.services import Actor
from recommendations.search import fold_letters

from .collection import DataFileReport, data_file_import
from .formats import FORMATS
from .identity import country_named_in, language_of, opening_of
from .parsers.dol_xml import is_dol_xml
from .plan import ImportReport
from .services import report_import

MANIFEST = "manifest.toml"
# Files of a folder that are not reports.
NOT_REPORTS = re.compile(r"^(?:\.|readme|license|manifest\.toml$)", re.IGNORECASE)
MANIFEST_KEYS = {"file", "slug", "kind", "publisher", "title", "report_year", "country", "language", "url", "areas"}
# A DOL chapter's first sentence: "In 2015, Azerbaijan made …" / "Azərbaycan 2015-ci ildə …".
_DOL_YEAR = (re.compile(r"\bIn ((?:19|20)\d\d), "), re.compile(r"\b((?:19|20)\d\d)-c[iıuü] ild[əe]\b"))
_DOL_WORDS = ("worst forms of child labor", "usaq emeyinin en pis formalar")
_TIP_WORDS = (re.compile(r"\btier\s+[123]\b"), re.compile(r"\bseviyye\s+[123]\b|\b[123]-ci seviyye\b"))

# Called as progress(documents_done, documents_total, name).
BatchProgress = Callable[[int, int, str], None]


@dataclass
class BatchDocument:
    name: str
    data: bytes = b""
    kind: str = ""
    country: str = ""
    report_year: int | None = None
    language: str = ""
    # Where each fact came from: "option", "manifest" or "document".
    told: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    report: ImportReport | DataFileReport | None = None
    refusal: list[str] = field(default_factory=list)

    @property
    def order(self) -> tuple:
        return (self.report_year or 0, self.kind, self.country, self.language != "az", self.name)


def documents_collect(
    paths: Iterable[str],
    *,
    kind: str = "",
    country: str = "",
    year: int | None = None,
    language: str = "",
    max_bytes: int,
) -> list[BatchDocument]:
    """Every document the paths name (a folder: its files, not its subfolders), with what it
    is — from the folder's manifest, else the document, else the options (which so fill in
    what a document does not say) — oldest report first; a document that cannot be told is
    returned refused, with the reason."""
    documents: list[BatchDocument] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            manifest = _manifest(path)
            files = sorted(child for child in path.iterdir() if child.is_file() and not NOT_REPORTS.match(child.name))
            documents.extend(_document(file, manifest.get(file.name, {}), max_bytes) for file in files)
        else:
            manifest = _manifest(path.parent) if path.parent.is_dir() else {}
            documents.append(_document(path, manifest.get(path.name, {}), max_bytes))
    options = {"kind": kind, "country": country.upper(), "report_year": year, "language": language}
    for document in documents:
        if not document.refusal:
            _identify(document, {name: value for name, value in options.items() if value})
    return sorted(documents, key=lambda document: document.order)


def _manifest(folder: Path) -> dict[str, dict[str, Any]]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("document", [])
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path}: {exc}") from exc
    known = {}
    for number, entry in enumerate(entries, start=1):
        unknown = set(entry) - MANIFEST_KEYS
        if unknown or "file" not in entry:
            raise ValidationError(f"{path} document {number}: unknown keys {sorted(unknown)} or no file.")
        known[entry["file"]] = entry
    return known


def _document(path: Path, entry: dict[str, Any], max_bytes: int) -> BatchDocument:
    document = BatchDocument(name=str(path))
    document.told = {name: "manifest" for name in ("kind", "country", "report_year", "language") if name in entry}
    document.kind = entry.get("kind", "")
    document.country = str(entry.get("country", "")).upper()
    document.report_year = entry.get("report_year")
    document.language = entry.get("language", "")
    document.options = {name: entry[name] for name in ("slug", "title", "publisher", "url", "areas") if name in entry}
    try:
        size = path.stat().st_size
        if size > max_bytes:
            document.refusal = [f"the document is {size:,} bytes; the limit is {max_bytes:,} bytes"]
            return document
        document.data = path.read_bytes()
    except OSError as exc:
        document.refusal = [exc.strerror or str(exc)]
    return document


def _identify(document: BatchDocument, options: dict[str, Any]) -> None:
    """Fill in what the manifest left out from what the document says, then from the options."""
    if is_dol_xml(document.data):
        document.kind = document.kind or "dol-xml"
        document.language = document.language or FORMATS["dol-xml"].default_language
        document.told.setdefault("kind", "document")
        if options.get("country") and not document.country:
            document.country, document.told["country"] = options["country"], "option"
        return  # the file states its countries and year itself
    opening = opening_of(document.data)
    folded = fold_letters(opening)
    said: dict[str, Any] = {}
    is_dol = any(words in folded for words in _DOL_WORDS)
    is_tip = any(pattern.search(folded) for pattern in _TIP_WORDS)
    if is_dol != is_tip:
        said["kind"] = SourceKind.DOL if is_dol else SourceKind.TIP
    said["country"] = country_named_in(opening)
    said["language"] = language_of([opening])
    if (document.kind or said.get("kind")) == SourceKind.DOL:
        for pattern in _DOL_YEAR:
            match = pattern.search(opening)
            if match:
                said["report_year"] = int(match.group(1))
                break
    for name in ("kind", "country", "report_year", "language"):
        if getattr(document, name):
            continue
        if said.get(name):
            setattr(document, name, said[name])
            document.told[name] = "document"
        elif options.get(name):
            setattr(document, name, options[name])
            document.told[name] = "option"
    missing = [
        option
        for option, value in (
            ("--kind", document.kind),
            ("--country", document.country),
            ("--year", document.report_year),
            ("--language", document.language),
        )
        if not value
    ]
    if missing:
        document.refusal = [
            "the document does not say its "
            + ", ".join(option.lstrip("-") for option in missing)
            + f": give {' and '.join(missing)}, or list it in the folder's {MANIFEST}"
        ]


def _import_one(document: BatchDocument, *, dry_run: bool, user: Actor, max_bytes: int, **flags) -> None:
    report_format = FORMATS.get(document.kind)
    if report_format is not None and report_format.data_file is not None:
        countries = {document.country} if document.told.get("country") == "option" else None
        document.report = data_file_import(
            report_format=report_format,
            data=document.data,
            report_year=document.report_year,
            countries=countries,
            dry_run=dry_run,
            max_bytes=max_bytes,
            user=user,
            **flags,
        )
        return
    assert document.report_year is not None  # refused before otherwise
    document.report = report_import(
        data=document.data,
        kind=document.kind,
        country=document.country,
        report_year=document.report_year,
        language=document.language,
        dry_run=dry_run,
        max_bytes=max_bytes,
        user=user,
        **document.options,
        **flags,
    )


def _run(
    documents: list[BatchDocument],
    *,
    dry_run: bool,
    user: Actor,
    max_bytes: int,
    progress: BatchProgress | None,
    replace_corrections: bool,
) -> None:
    readable = [document for document in documents if not document.refusal]
    for done, document in enumerate(readable, start=1):
        try:
            with transaction.atomic():
                _import_one(
                    document, dry_run=dry_run, user=user, max_bytes=max_bytes, replace_corrections=replace_corrections
                )
        except ValidationError as exc:
            document.report = None
            document.refusal = exc.messages
        if progress:
            progress(done, len(readable), document.name)


def batch_plan(documents: list[BatchDocument], *, user: Actor = None, max_bytes: int, progress=None, **flags) -> None:
    """What importing the documents would do, document by document: each is imported in
    order, then all is rolled back (and no document file is stored: that waits for a commit)."""
    with transaction.atomic():
        _run(documents, dry_run=False, user=user, max_bytes=max_bytes, progress=progress, **flags)
        transaction.set_rollback(True)
    for document in documents:
        if document.report is not None:
            _mark_planned(document.report)


def _mark_planned(report: ImportReport | DataFileReport) -> None:
    report.dry_run = True
    if isinstance(report, DataFileReport):
        for outcome in report.outcomes:
            if outcome.report is not None:
                _mark_planned(outcome.report)
    elif report.indicators is not None:
        report.indicators.dry_run = True


def batch_import(documents: list[BatchDocument], *, user: Actor = None, max_bytes: int, progress=None, **flags) -> None:
    """Import each document in its own transaction; a refusal is that document's."""
    for document in documents:
        document.report = None
    _run(documents, dry_run=False, user=user, max_bytes=max_bytes, progress=progress, **flags)
