"""Importing a report: check, parse, plan, and — unless a dry run — write it all in one
transaction through the catalogue's services, so an import leaves the same history rows as
an edit."""

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from recommendations.catalog.services import (
    recommendation_import_update,
    recommendations_create_many,
    source_create,
    source_document_replace,
)
from recommendations.choices import SourceKind
from recommendations.history.services import Actor
from recommendations.indicators.importing import indicators_plan, indicators_store
from recommendations.models import Recommendation, Source
from recommendations.tags.services import tags_replace

from .confine import read_confined
from .corrections import import_message
from .extract import is_pdf
from .formats import FORMATS
from .identity import refuse_another_document
from .parsers import DocumentRejected, ParsedRecommendation, ParseResult, ProgressCallback, decode_document
from .parsers.dol_xml import CountryChapter, DataFile
from .parsers.upr import is_docx
from .plan import (
    CREATE,
    UPDATE,
    ImportReport,
    default_slug,
    plan_import,
    provenance_of,
    set_aside_corrections,
    with_areas,
)
from .storing import link_later_repeats, store_indicators_only, store_source_document
from .translation import original_in_another_language, translation_import

IMPORT_PROGRESS_EVERY = 1000


def _validate_source_fields(**values: Any) -> None:
    """Run the Source model's own field validation on `values`; one error per bad field."""
    errors = {}
    for name, value in values.items():
        try:
            Source._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


def report_import(
    *,
    data: bytes,
    kind: str,
    country: str,
    report_year: int,
    language: str = "az",
    title: str = "",
    publisher: str = "",
    slug: str = "",
    url: str = "",
    areas: Sequence[str | None] | None = None,
    dry_run: bool = False,
    replace_corrections: bool = False,
    repeat_choices: Mapping[int, int] | None = None,
    max_bytes: int | None = None,
    user: Actor = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a report — its PDF or its text: its source and recommendations, linked to
    earlier repeats; or, when the report is already here in another language, this
    language's text beside the original's, row by row.

    All or nothing in one transaction; a dry-run reads only and returns the same plan. The
    same document imported again changes nothing. Raises DocumentRejected (a
    ValidationError) for a document that is empty, binary, too large, has nothing to import
    or cannot be read with certainty (each reason with its page or line), and
    ValidationError for bad metadata — a language or country other than the document's own.

    A stored value someone corrected by hand since the last import is kept (and listed in the
    report) unless `replace_corrections`.

    Each row is linked to the earlier row it repeats when that is clear (catalog.matching);
    when not, the report lists the candidates, and `repeat_choices` (position → recommendation
    id, one of that row's candidates) links what a person chose.
    """
    report_format = FORMATS.get(kind)
    if report_format is None:
        raise ValidationError({"kind": _("Reports of kind “%(kind)s” cannot be imported.") % {"kind": kind}})
    country = country.upper()
    # Checked before anything else, so that a dry run never promises an import the write
    # would refuse, and the error names the field.
    _validate_source_fields(
        country=country,
        report_year=report_year,
        url=url,
        language=language,
        **{name: value for name, value in (("slug", slug), ("title", title), ("publisher", publisher)) if value},
    )
    if report_format.data_file is not None:
        return _data_file_chapter_import(
            report_format,
            data,
            country=country,
            report_year=report_year,
            language=language,
            max_bytes=settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes,
            options={"title": title, "publisher": publisher, "slug": slug, "url": url, "dry_run": dry_run},
            replace_corrections=replace_corrections,
            user=user,
        )
    parsed, extension = _parse(
        report_format,
        data,
        report_year=report_year,
        country=country,
        max_bytes=settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes,
        progress=progress,
    )
    parsed.refuse_if_unsure()
    records = parsed.records
    refuse_another_document(
        data, records, parsed.problems, language=language, country=country, heading=parsed.country_name
    )
    if areas is not None:
        areas = list(areas)
        allowed = set(report_format.areas)
        if len(areas) != len(records):
            raise ValidationError(
                {
                    "areas": _("%(areas)d areas were given for %(records)d recommendations in the document.")
                    % {"areas": len(areas), "records": len(records)}
                }
            )
        unknown = sorted({str(area) for area in areas if area is not None and area not in allowed})
        if unknown:
            raise ValidationError({"areas": _("Not areas of this kind of report: %(codes)s.") % {"codes": unknown}})
        records = with_areas(records, areas)

    return parsed_import(
        data=data,
        extension=extension,
        parsed=parsed,
        records=records,
        kind=kind,
        country=country,
        report_year=report_year,
        language=language,
        title=title,
        publisher=publisher,
        slug=slug,
        url=url,
        dry_run=dry_run,
        replace_corrections=replace_corrections,
        repeat_choices=repeat_choices,
        user=user,
        progress=progress,
    )


def parsed_import(
    *,
    data: bytes,
    extension: str,
    parsed: ParseResult,
    records: list[ParsedRecommendation],
    kind: str,
    country: str,
    report_year: int,
    language: str,
    title: str = "",
    publisher: str = "",
    slug: str = "",
    url: str = "",
    dry_run: bool = False,
    replace_corrections: bool = False,
    repeat_choices: Mapping[int, int] | None = None,
    user: Actor = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """The part of `report_import` after the document is read and checked: plan what its
    records change and, unless a dry run, write it in one transaction. `data` is the document
    the source keeps (stored as `sources/<sha256>.<extension>`); a file of many countries'
    findings (importing.collection) passes each country's part."""
    report_format = FORMATS[kind]
    sha256 = hashlib.sha256(data).hexdigest()
    slug = slug or default_slug(kind=kind, report_year=report_year, country=country)
    # A withdrawn report is not brought back by importing it again (which would also bring
    # back its rows one by one, quietly): it is restored, with a reason, in the admin.
    withdrawn = Source.objects.withdrawn().filter(Q(slug=slug) | Q(document_sha256=sha256)).first()
    if withdrawn is not None:
        raise DocumentRejected(
            _("The report “%(slug)s” was withdrawn: restore it in the administration before importing it again.")
            % {"slug": withdrawn.slug}
        )
    elsewhere = Source.objects.filter(document_sha256=sha256).exclude(slug=slug, language=language).first()
    if elsewhere is not None:
        raise DocumentRejected(_("This document was already imported as source “%(slug)s”.") % {"slug": elsewhere.slug})
    document_name = f"sources/{sha256}.{extension}"
    original = original_in_another_language(
        slug=slug, kind=kind, country=country, report_year=report_year, language=language
    )
    if original is not None and original.is_withdrawn:
        raise DocumentRejected(
            _("The report “%(slug)s” was withdrawn: restore it in the administration before importing it again.")
            % {"slug": original.slug}
        )
    if original is not None:
        return translation_import(
            original=original,
            records=records,
            parsed=parsed,
            sha256=sha256,
            language=language,
            document_name=document_name,
            data=data,
            dry_run=dry_run,
            replace_corrections=replace_corrections,
            user=user,
        )
    report, source = plan_import(
        records=records,
        problems=parsed.problems,
        tier=parsed.tier,
        sha256=sha256,
        slug=slug,
        kind=kind,
        country=country,
        report_year=report_year,
        dry_run=dry_run,
        language=language,
        repeat_choices=dict(repeat_choices or {}),
    )
    if source is not None and (source.kind, str(source.country), source.report_year) != (kind, country, report_year):
        raise ValidationError(
            {
                "slug": _("Source “%(slug)s” is a %(kind)s report of %(country)s, %(year)d; choose another slug.")
                % {"slug": slug, "kind": source.kind, "country": source.country, "year": source.report_year}
            }
        )
    set_aside_corrections(report, slug=slug, language=language, replace=replace_corrections)
    report.indicators = indicators_plan(
        data=data, kind=kind, language=language, report_year=report_year, source_slug=slug, dry_run=dry_run
    )
    if dry_run or not report.changes_anything:
        return store_indicators_only(report, source, user)

    message = import_message(slug=slug)
    with transaction.atomic():
        if source is None:
            source = source_create(
                user=user,
                slug=slug,
                kind=kind,
                publisher=publisher or report_format.publisher,
                title=title or report_format.default_title(year=report_year, country=country),
                report_year=report_year,
                country=country,
                language=language,
                tip_tier=parsed.tier,
                url=url,
                document=document_name,
                document_sha256=sha256,
            )
        else:
            source_document_replace(
                source=source, document_name=document_name, sha256=sha256, tier=parsed.tier, user=user
            )
        report.source_id = source.pk
        repeated = Recommendation.objects.in_bulk(
            [item.repeats.recommendation_id for item in report.items if item.repeats]
        )
        to_create = [item for item in report.items if item.operation == CREATE]
        for start in range(0, len(to_create), IMPORT_PROGRESS_EVERY):
            batch = to_create[start : start + IMPORT_PROGRESS_EVERY]
            rows = [
                {
                    "action": item.record.action,
                    "year_start": item.record.year_start,
                    "year_end": item.record.year_end,
                    "position": item.record.position,
                    "area": item.record.area,
                    "priority": item.record.priority,
                    "number": item.record.number,
                    "repeats": repeated[item.repeats.recommendation_id] if item.repeats else None,
                    "provenance": {language: provenance_of(item.record)},
                }
                for item in batch
            ]
            created = recommendations_create_many(source=source, rows=rows, user=user, message=message)
            for item, recommendation in zip(batch, created, strict=True):
                item.recommendation_id = recommendation.pk
            tags_replace(
                terms_by_recommendation={
                    recommendation.pk: item.record.tags
                    for item, recommendation in zip(batch, created, strict=True)
                    if item.record.tags
                }
            )
            if progress and len(to_create) > IMPORT_PROGRESS_EVERY:
                progress(start + len(batch), len(to_create))
        for item in report.items:
            if item.operation == UPDATE:
                changes = {
                    name: new for name, (_stored, new) in item.changes.items() if name not in ("provenance", "tags")
                }
                if item.repeats is not None:
                    changes["repeats"] = repeated[item.repeats.recommendation_id]
                recommendation_id = item.recommendation_id
                assert recommendation_id is not None  # an update is of a stored recommendation
                stored = Recommendation.objects.only("provenance").get(pk=recommendation_id).provenance
                recommendation_import_update(
                    recommendation_id=recommendation_id,
                    data=changes,
                    provenance={**stored, language: provenance_of(item.record)},
                    user=user,
                    note=message,
                )
                if "tags" in item.changes:
                    tags_replace(terms_by_recommendation={recommendation_id: item.record.tags})
        link_later_repeats(report, user=user, message=message)
        indicators_store(plan=report.indicators, source=source, user=user)
        transaction.on_commit(lambda: store_source_document(document_name, data))
    return report


def data_file_read(report_format, data: bytes, *, report_year: int | None, max_bytes: int) -> DataFile:
    """The chapters of a file of many countries' findings, or DocumentRejected saying why not."""
    if len(data) > max_bytes:
        raise DocumentRejected(
            f"The document is {len(data):,} bytes; the limit is {max_bytes:,} bytes "
            "(raise it with --max-bytes or IMPORT_MAX_BYTES)."
        )
    return report_format.data_file(data, year=report_year)


def chapter_import(chapter: CountryChapter, *, report_year: int, language: str = "en", **options) -> ImportReport:
    """One country's chapter of a data file, imported as a chapter's document is: its source
    keeps the country's element, its level is kept as the TIP tier is."""
    chapter.result.refuse_if_unsure()
    if language != "en":
        raise ValidationError({"language": _("DOL's data file is written in English: choose English.")})
    return parsed_import(
        data=chapter.document,
        extension="xml",
        parsed=chapter.result,
        records=chapter.result.records,
        kind=SourceKind.DOL,
        country=chapter.country,
        report_year=report_year,
        language=language,
        **options,
    )


def _data_file_chapter_import(
    report_format, data: bytes, *, country: str, report_year: int, max_bytes: int, **options
) -> ImportReport:
    """The chapter of `country` in a data file, as the admin imports one report at a time."""
    data_file = data_file_read(report_format, data, report_year=report_year, max_bytes=max_bytes)
    chapter = next((chapter for chapter in data_file.chapters if chapter.country == country), None)
    if chapter is None:
        raise ValidationError({"country": _("The file has no findings for %(country)s.") % {"country": country}})
    return chapter_import(chapter, report_year=data_file.year, **options.pop("options"), **options)


def planned_title(*, kind: str, report_year: int, country: str, title: str = "") -> str:
    """The title a new source of this import gets: the one given, else the series' own."""
    report_format = FORMATS.get(kind)
    if title or report_format is None:
        return title
    return report_format.default_title(year=report_year, country=country.upper())


def _parse(
    report_format, data: bytes, *, report_year: int, country: str, max_bytes: int, progress
) -> tuple[ParseResult, str]:
    """The parse of a PDF, a Word document or a text, and the extension its document is stored under."""
    if is_pdf(data) or is_docx(data):
        if len(data) > max_bytes:
            raise DocumentRejected(
                f"The document is {len(data):,} bytes; the limit is {max_bytes:,} bytes "
                "(raise it with --max-bytes or IMPORT_MAX_BYTES)."
            )
        if is_pdf(data):
            return report_format.pdf_parser(data, year=report_year, country=country, progress=progress), "pdf"
        if report_format.docx_parser is None:
            raise DocumentRejected(
                _("A Word document is imported only as a UPR thematic list; import this report's PDF or text.")
            )
        # A DOCX is a zip: inflated in a child under limits, as a PDF is read.
        parsed = read_confined(report_format.docx_parser, data, year=report_year, country=country, progress=progress)
        return parsed, "docx"
    text = decode_document(data, max_bytes=max_bytes)
    # In a child under limits, as a PDF's pages are read (extract.pdf_pages): never in a request.
    parsed = read_confined(report_format.parser, text, year=report_year, country=country, progress=progress)
    return parsed, "txt"
