"""Adding and removing evidence."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from recommendations.choices import EvidenceKind
from recommendations.history import services as history
from recommendations.history.services import Actor
from recommendations.models import ChangeRecord, Evidence, Recommendation

from .files import check_evidence_file

REQUIRED_CONTENT = {EvidenceKind.FILE: "file", EvidenceKind.LINK: "url", EvidenceKind.EXCERPT: "excerpt"}
# What each kind may hold beside its own content: a file and the address it came from are one
# item (a downloaded report keeps its origin), whichever of the two the kind names. An excerpt
# stands alone.
ALSO_ACCEPTED = {EvidenceKind.FILE: {"url"}, EvidenceKind.LINK: {"file"}, EvidenceKind.EXCERPT: set()}


def evidence_content_errors(
    *, kind: str, file: UploadedFile | FieldFile | None, url: str, excerpt: str
) -> dict[str, str]:
    """The content its kind takes — the file, the link (either may come with the other) or the
    excerpt alone — each error on its field."""
    supplied = {"file": file is not None, "url": bool(url), "excerpt": bool(excerpt)}
    required = REQUIRED_CONTENT.get(kind)
    if required is None:
        return {"kind": _("“%(kind)s” is not a kind of evidence.") % {"kind": kind}}
    errors = {}
    if not supplied[required]:
        errors[required] = _("This field is required for evidence of kind “%(kind)s”.") % {"kind": kind}
    also = ALSO_ACCEPTED[EvidenceKind(kind)]
    for field, present in supplied.items():
        if not present or field == required or field in also:
            continue
        if also:
            errors[field] = _("Evidence of kind “%(kind)s” holds a file, a link or both; not an %(field)s.") % {
                "kind": kind,
                "field": field,
            }
        else:
            errors[field] = _("Only the %(required)s is accepted for evidence of kind “%(kind)s”.") % {
                "required": required,
                "kind": kind,
            }
    return errors


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
    errors = evidence_content_errors(kind=kind, file=file, url=url, excerpt=excerpt)
    if errors:
        raise ValidationError(errors)
    author, username = history.actor(user)
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
            history.tracked_create(obj=evidence, user=user, related=recommendation)
        except Exception:
            if evidence.file:
                evidence.file.delete(save=False)
            raise
        return evidence


EDITABLE = ("title", "evidence_date", "url", "excerpt")


def evidence_update(*, evidence_id: int, data: dict, user: Actor, file: UploadedFile | None = None) -> Evidence:
    """Correct an evidence: its title, date, link or excerpt, or replace its file (checked and
    stored like a new one). Its kind and recommendation stay. One history row, related to the
    recommendation; a replaced file no other evidence holds is removed once this commits."""
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise ValidationError({name: _("This field cannot be edited.") for name in unknown})
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().select_related("recommendation").get(pk=evidence_id)
        errors = evidence_content_errors(
            kind=evidence.kind,
            file=file if file is not None else (evidence.file or None),
            url=data.get("url", evidence.url),
            excerpt=data.get("excerpt", evidence.excerpt),
        )
        if errors:
            raise ValidationError(errors)
        replaced = evidence.file.name if file is not None and evidence.file else ""

        def before_save(obj) -> None:
            if file is not None:
                checked = check_evidence_file(file, name=file.name or "", max_bytes=settings.EVIDENCE_MAX_BYTES)
                obj.file_name, obj.file_size = checked.name, checked.size
                obj.file_sha256, obj.content_type = checked.sha256, checked.content_type
                obj.file.save(f"upload.{checked.extension}", file, save=False)

        history.tracked_update(
            obj=evidence, data=data, user=user, related=evidence.recommendation, before_save=before_save
        )
        if replaced and replaced != evidence.file.name:
            storage = evidence.file.storage

            def remove_unreferenced() -> None:
                if not Evidence.objects.filter(file=replaced).exists():
                    storage.delete(replaced)

            transaction.on_commit(remove_unreferenced)
        return evidence


def evidence_delete(*, evidence_id: int, user: Actor) -> None:
    """Remove evidence (admins only); the history keeps what was removed."""
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().select_related("recommendation").get(pk=evidence_id)
        removed = evidence.snapshot()
        recommendation = evidence.recommendation
        stored_file = evidence.file
        record = history.change_record_build(
            obj=evidence,
            action=ChangeRecord.Action.DELETE,
            user=user,
            before=removed,
            after=None,
            related=recommendation,
        )
        evidence.delete()
        record.save()
        if stored_file and not Evidence.objects.filter(file=stored_file.name).exists():
            transaction.on_commit(lambda: stored_file.storage.delete(stored_file.name))
