"""Every write to the tracker goes through these functions.

The API, the admin site and the management commands call them, so a change made anywhere
is validated the same way and leaves the same history row. Each runs in one transaction.
"""

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from .choices import AREAS, EvidenceKind, Role
from .files import check_evidence_file
from .importers import PARSERS, DocumentRejected, ProgressCallback, decode_document
from .models import ChangeRecord, Evidence, ProgressUpdate, Recommendation, ResponsibleBody, Source
from .report_imports import (
    CREATE,
    DEFAULT_PUBLISHERS,
    DEFAULT_TITLES,
    UPDATE,
    ImportReport,
    default_slug,
    plan_import,
    with_areas,
)
from .search import fold

Actor = AbstractBaseUser | AnonymousUser | None
SYSTEM_USERNAME = "system"

RECOMMENDATION_EDITABLE_FIELDS = frozenset(
    {"area", "action", "year_start", "year_end", "priority", "position", "responsible_bodies", "repeats"}
)
SOURCE_EDITABLE_FIELDS = frozenset(
    {"slug", "kind", "publisher", "title", "report_year", "country", "language", "tip_tier", "url"}
)


class StaleVersion(Exception):
    """The client's copy is older than the stored one (a failed If-Match)."""

    def __init__(self, current_etag: str) -> None:
        super().__init__(current_etag)
        self.current_etag = current_etag


def _actor(user: Actor) -> tuple[AbstractBaseUser | None, str]:
    if user is None or not user.is_authenticated:
        return None, SYSTEM_USERNAME
    return user, user.get_username()


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def recommendation_snapshot(recommendation: Recommendation) -> dict[str, Any]:
    """The tracked fields of a recommendation, as stored in history rows."""
    return {
        "source": recommendation.source_id,
        "country": str(recommendation.country),
        "area": recommendation.area,
        "action": recommendation.action,
        "year_start": recommendation.year_start,
        "year_end": recommendation.year_end,
        "priority": recommendation.priority,
        "position": recommendation.position,
        "status": recommendation.status,
        "status_changed_at": _json_value(recommendation.status_changed_at),
        "repeats": recommendation.repeats_id,
        "responsible_bodies": sorted(recommendation.responsible_bodies.values_list("pk", flat=True))
        if recommendation.pk
        else [],
    }


def source_snapshot(source: Source) -> dict[str, Any]:
    return {field: _json_value(getattr(source, field)) for field in sorted(SOURCE_EDITABLE_FIELDS)} | {
        "country": str(source.country),
        "document_sha256": source.document_sha256,
    }


def change_record_create(
    *,
    obj: models.Model,
    action: str,
    user: Actor,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    message: str = "",
) -> ChangeRecord:
    """The one place history rows are written. Only changed keys are kept on updates."""
    record = _change_record(obj=obj, action=action, user=user, before=before, after=after, message=message)
    record.save()
    return record


def _change_record(
    *,
    obj: models.Model,
    action: str,
    user: Actor,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    message: str = "",
) -> ChangeRecord:
    """An unsaved history row, for change_record_create and for writing many at once."""
    if before is not None and after is not None:
        changed = {key for key in after if before.get(key) != after.get(key)}
        before = {key: before.get(key) for key in sorted(changed)}
        after = {key: after[key] for key in sorted(changed)}
    author, username = _actor(user)
    return ChangeRecord(
        object_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        action=action,
        user=author,
        username=username,
        before=before,
        after=after,
        message=message,
    )


def _locked_recommendation(recommendation_id: int, expected_version: int | None) -> Recommendation:
    # The row lock serialises concurrent writers on PostgreSQL; SQLite serialises all writers.
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation_id)
    if expected_version is not None and recommendation.version != expected_version:
        raise StaleVersion(recommendation.etag)
    return recommendation


def progress_record(
    *,
    recommendation_id: int,
    status: str,
    note: str = "",
    occurred_on: datetime.date | None = None,
    user: Actor,
    expected_version: int | None = None,
) -> ProgressUpdate:
    """Log reported progress and move the recommendation to the reported status."""
    with transaction.atomic():
        recommendation = _locked_recommendation(recommendation_id, expected_version)
        today = timezone.localdate()
        occurred_on = occurred_on or today
        if occurred_on > today:
            raise ValidationError({"occurred_on": _("The date of the progress cannot be in the future.")})
        author, username = _actor(user)
        update = ProgressUpdate(
            recommendation=recommendation,
            status_before=recommendation.status,
            status_after=status,
            note=note,
            occurred_on=occurred_on,
            author=author,
            author_username=username,
        )
        update.full_clean()
        update.save()

        before = recommendation_snapshot(recommendation)
        if status != recommendation.status:
            recommendation.status = status
            recommendation.status_changed_at = timezone.now()
        recommendation.version += 1
        recommendation.save(update_fields=["status", "status_changed_at", "version", "updated_at"])
        if before["status"] != status:
            change_record_create(
                obj=recommendation,
                action=ChangeRecord.Action.UPDATE,
                user=user,
                before=before,
                after=recommendation_snapshot(recommendation),
                message=_("Progress update #%(id)d") % {"id": update.pk},
            )
        return update


def recommendation_create(
    *,
    source: Source,
    action: str,
    year_start: int,
    year_end: int,
    position: int,
    area: str | None = None,
    priority: bool = False,
    repeats: Recommendation | None = None,
    responsible_bodies: Iterable[ResponsibleBody] = (),
    user: Actor = None,
    message: str = "",
) -> Recommendation:
    with transaction.atomic():
        recommendation = Recommendation(
            source=source,
            country=source.country,
            area=area,
            action=action,
            action_search=fold(action),
            year_start=year_start,
            year_end=year_end,
            position=position,
            priority=priority,
            repeats=repeats,
        )
        recommendation.full_clean()
        recommendation.save()
        bodies = list(responsible_bodies)
        if bodies:
            recommendation.responsible_bodies.set(bodies)
        change_record_create(
            obj=recommendation,
            action=ChangeRecord.Action.CREATE,
            user=user,
            before=None,
            after=recommendation_snapshot(recommendation),
            message=message,
        )
        return recommendation


def recommendations_create_many(
    *, source: Source, rows: Sequence[dict[str, Any]], user: Actor = None, message: str = ""
) -> list[Recommendation]:
    """Many recommendations of one source at once, for report imports: each field validated
    and one history row per recommendation as recommendation_create writes, but in a few
    queries per batch instead of a dozen per row. The rules the database enforces itself
    (year order, known area, unique position) are left to it, so a violation still rolls
    the whole import back."""
    with transaction.atomic():
        recommendations = []
        for row in rows:
            recommendation = Recommendation(
                source=source, country=source.country, action_search=fold(row["action"]), **row
            )
            # The source (with its country) and the repeated recommendations were just read
            # from the database; checking them again per row would cost a query or a scan
            # of every country each.
            recommendation.full_clean(
                exclude=["source", "country", "repeats"], validate_unique=False, validate_constraints=False
            )
            recommendations.append(recommendation)
        snapshots = [recommendation_snapshot(recommendation) for recommendation in recommendations]
        Recommendation.objects.bulk_create(recommendations, batch_size=BULK_BATCH_SIZE)
        history = [
            _change_record(
                obj=recommendation,
                action=ChangeRecord.Action.CREATE,
                user=user,
                before=None,
                after=snapshot,
                message=message,
            )
            for recommendation, snapshot in zip(recommendations, snapshots, strict=True)
        ]
        ChangeRecord.objects.bulk_create(history, batch_size=BULK_BATCH_SIZE)
        return recommendations


BULK_BATCH_SIZE = 500


def recommendation_update(
    *,
    recommendation_id: int,
    data: dict[str, Any],
    user: Actor,
    expected_version: int | None = None,
    note: str = "",
) -> Recommendation:
    """Edit a recommendation's fields. A status in `data` is recorded as a progress update,
    so a status changed in the admin shows in the timeline like one reported through the API."""
    unknown = set(data) - RECOMMENDATION_EDITABLE_FIELDS - {"status"}
    if unknown:
        raise ValidationError({field: _("This field cannot be edited.") for field in sorted(unknown)})
    with transaction.atomic():
        recommendation = _locked_recommendation(recommendation_id, expected_version)
        fields = {key: value for key, value in data.items() if key != "status"}
        if fields:
            before = recommendation_snapshot(recommendation)
            bodies = fields.pop("responsible_bodies", None)
            for field, value in fields.items():
                setattr(recommendation, field, value)
            recommendation.action_search = fold(recommendation.action)
            recommendation.full_clean(exclude=["responsible_bodies"])
            recommendation.version += 1
            recommendation.save()
            if bodies is not None:
                recommendation.responsible_bodies.set(bodies)
            after = recommendation_snapshot(recommendation)
            if after != before:
                change_record_create(
                    obj=recommendation,
                    action=ChangeRecord.Action.UPDATE,
                    user=user,
                    before=before,
                    after=after,
                    message=note,
                )
        if "status" in data and (data["status"] != recommendation.status or note):
            progress_record(recommendation_id=recommendation.pk, status=data["status"], note=note, user=user)
        recommendation.refresh_from_db()
        return recommendation


def source_create(*, user: Actor = None, **fields: Any) -> Source:
    with transaction.atomic():
        source = Source(**fields)
        source.full_clean()
        source.save()
        change_record_create(
            obj=source, action=ChangeRecord.Action.CREATE, user=user, before=None, after=source_snapshot(source)
        )
        return source


def source_update(*, source_id: int, data: dict[str, Any], user: Actor) -> Source:
    unknown = set(data) - SOURCE_EDITABLE_FIELDS
    if unknown:
        raise ValidationError({field: _("This field cannot be edited.") for field in sorted(unknown)})
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        before = source_snapshot(source)
        for field, value in data.items():
            setattr(source, field, value)
        source.full_clean()
        source.save()
        if "country" in data:
            # Recommendations carry the source's country for indexed filtering.
            source.recommendations.update(country=source.country)
        after = source_snapshot(source)
        if after != before:
            change_record_create(obj=source, action=ChangeRecord.Action.UPDATE, user=user, before=before, after=after)
        return source


def evidence_add(
    *,
    recommendation_id: int,
    kind: str,
    title: str,
    user: Actor,
    file: UploadedFile | None = None,
    url: str = "",
    excerpt: str = "",
    evidence_date: datetime.date | None = None,
    progress_update_id: int | None = None,
) -> Evidence:
    """Attach evidence; a file is checked by content and stored under its sha256."""
    supplied = {"file": file is not None, "url": bool(url), "excerpt": bool(excerpt)}
    required = {EvidenceKind.FILE: "file", EvidenceKind.LINK: "url", EvidenceKind.EXCERPT: "excerpt"}.get(kind)
    if required is None:
        raise ValidationError({"kind": _("“%(kind)s” is not a kind of evidence.") % {"kind": kind}})
    errors = {}
    if not supplied[required]:
        errors[required] = _("This field is required for evidence of kind “%(kind)s”.") % {"kind": kind}
    for field, present in supplied.items():
        if present and field != required:
            errors[field] = _("Only the %(required)s is accepted for evidence of kind “%(kind)s”.") % {
                "required": required,
                "kind": kind,
            }
    if errors:
        raise ValidationError(errors)
    author, username = _actor(user)
    with transaction.atomic():
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation_id)
        if (
            progress_update_id is not None
            and not recommendation.progress_updates.filter(pk=progress_update_id).exists()
        ):
            raise ValidationError({"progress_update": _("This progress update does not belong to the recommendation.")})
        evidence = Evidence(
            recommendation=recommendation,
            progress_update_id=progress_update_id,
            kind=kind,
            title=title,
            url=url,
            excerpt=excerpt,
            evidence_date=evidence_date,
            added_by=author,
            added_by_username=username,
        )
        if file is not None:
            checked = check_evidence_file(file, name=file.name or "", max_bytes=settings.EVIDENCE_MAX_BYTES)
            evidence.file_name = checked.name
            evidence.file_size = checked.size
            evidence.file_sha256 = checked.sha256
            evidence.content_type = checked.content_type
            evidence.file.save(f"upload.{checked.extension}", file, save=False)
        # The file is on disk before the transaction ends: any failure up to the history row
        # must remove it too, or a rolled-back upload leaves an orphan file behind.
        try:
            evidence.full_clean()
            evidence.save()
            change_record_create(
                obj=recommendation,
                action=ChangeRecord.Action.UPDATE,
                user=user,
                before={"evidence_added": None},
                after={"evidence_added": {"id": evidence.pk, "kind": kind, "title": title}},
            )
        except Exception:
            if evidence.file:
                evidence.file.delete(save=False)
            raise
        return evidence


def evidence_delete(*, evidence_id: int, user: Actor) -> None:
    """Remove evidence (admins only); the recommendation's history keeps what was removed."""
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().get(pk=evidence_id)
        removed = {
            "id": evidence.pk,
            "kind": evidence.kind,
            "title": evidence.title,
            "file_sha256": evidence.file_sha256,
            "url": evidence.url,
        }
        recommendation = evidence.recommendation
        stored_file = evidence.file
        evidence.delete()
        change_record_create(
            obj=recommendation,
            action=ChangeRecord.Action.UPDATE,
            user=user,
            before={"evidence_removed": removed},
            after={"evidence_removed": None},
        )
        if stored_file and not Evidence.objects.filter(file=stored_file.name).exists():
            transaction.on_commit(lambda: stored_file.storage.delete(stored_file.name))


def user_create(*, username: str, role: str, password: str, email: str = "") -> AbstractBaseUser:
    """Create a user in a role's group; admins also get the Django admin site."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model(username=username, email=email)
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        user.full_clean(exclude=["password"])
        validate_password(password, user)
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        return user


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
    max_bytes: int | None = None,
    user: Actor = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a report's text: its source and recommendations, linked to earlier repeats.

    All or nothing in one transaction; a dry-run reads only and returns the same plan. The
    same document imported again changes nothing. Raises DocumentRejected (a
    ValidationError) for a document that is empty, binary, too large or has nothing to
    import, and ValidationError for bad metadata.
    """
    if kind not in PARSERS:
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
    text = decode_document(data, max_bytes=settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes)
    parsed = PARSERS[kind](text, year=report_year, progress=progress)
    records = parsed.records
    if areas is not None:
        areas = list(areas)
        allowed = {area.code for area in AREAS if area.kind == kind}
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

    sha256 = hashlib.sha256(data).hexdigest()
    slug = slug or default_slug(kind=kind, report_year=report_year, country=country)
    elsewhere = Source.objects.filter(document_sha256=sha256).exclude(slug=slug).first()
    if elsewhere is not None:
        raise DocumentRejected(_("This document was already imported as source “%(slug)s”.") % {"slug": elsewhere.slug})
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
    )
    if source is not None and (source.kind, str(source.country), source.report_year) != (kind, country, report_year):
        raise ValidationError(
            {
                "slug": _("Source “%(slug)s” is a %(kind)s report of %(country)s, %(year)d; choose another slug.")
                % {"slug": slug, "kind": source.kind, "country": source.country, "year": source.report_year}
            }
        )
    if dry_run or not report.changes_anything:
        return report

    document_name = f"sources/{sha256}.txt"
    message = _("Imported from %(slug)s") % {"slug": slug}
    with transaction.atomic():
        if source is None:
            country_name = countries.name(country) or country
            source = source_create(
                user=user,
                slug=slug,
                kind=kind,
                publisher=publisher or DEFAULT_PUBLISHERS.get(kind, ""),
                title=title or DEFAULT_TITLES[kind].format(year=report_year, country=country_name),
                report_year=report_year,
                country=country,
                language=language,
                tip_tier=parsed.tier,
                url=url,
                document=document_name,
                document_sha256=sha256,
            )
        else:
            _source_document_replace(
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
                    "repeats": repeated[item.repeats.recommendation_id] if item.repeats else None,
                }
                for item in batch
            ]
            created = recommendations_create_many(source=source, rows=rows, user=user, message=message)
            for item, recommendation in zip(batch, created, strict=True):
                item.recommendation_id = recommendation.pk
            if progress and len(to_create) > IMPORT_PROGRESS_EVERY:
                progress(start + len(batch), len(to_create))
        for item in report.items:
            if item.operation == UPDATE:
                changes = {name: new for name, (_stored, new) in item.changes.items()}
                if item.repeats is not None:
                    changes["repeats"] = repeated[item.repeats.recommendation_id]
                recommendation_update(recommendation_id=item.recommendation_id, data=changes, user=user, note=message)
        transaction.on_commit(lambda: _store_source_document(document_name, data))
    return report


IMPORT_PROGRESS_EVERY = 1000


def _source_document_replace(*, source: Source, document_name: str, sha256: str, tier: str, user: Actor) -> None:
    """A corrected text of a report already imported: the source now points to it."""
    before = source_snapshot(source)
    source.document.name = document_name
    source.document_sha256 = sha256
    source.tip_tier = tier or source.tip_tier
    source.full_clean()
    source.save()
    change_record_create(
        obj=source, action=ChangeRecord.Action.UPDATE, user=user, before=before, after=source_snapshot(source)
    )


def _store_source_document(name: str, data: bytes) -> None:
    # Named by content, so the same text is stored once; written only after the import committed.
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
