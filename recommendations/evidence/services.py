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
from recommendations.models import ChangeRecord, Evidence, Measure, Recommendation

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
    recommendation_id: int | None = None,
    measure_id: int | None = None,
    kind: str,
    title: str,
    user: Actor,
    file: UploadedFile | None = None,
    url: str = "",
    excerpt: str = "",
    evidence_date: datetime.date | None = None,
    progress_update_id: int | None = None,
    file_from: Evidence | None = None,
) -> Evidence:
    """Attach evidence to a recommendation or a measure (exactly one of the two ids); a file
    is checked by content and stored under its sha256. `file_from`: an evidence holding the
    same file (checked when it was stored), whose stored file this one shares instead of
    storing `file` again — one file for the same upload recorded on several recommendations."""
    shared = file_from.file if file_from is not None and file_from.file else None
    if shared:
        file = None  # the same upload, stored once already
    errors = evidence_content_errors(kind=kind, file=file or shared, url=url, excerpt=excerpt)
    if errors:
        raise ValidationError(errors)
    if (recommendation_id is None) == (measure_id is None):
        raise TypeError("evidence is attached to a recommendation or to a measure")
    author, username = history.actor(user)
    with transaction.atomic():
        subject: Recommendation | Measure
        if recommendation_id is not None:
            subject = Recommendation.objects.select_for_update().get(pk=recommendation_id)
        elif measure_id is not None:
            subject = Measure.objects.select_for_update().get(pk=measure_id)
        if progress_update_id is not None and not subject.progress_updates.filter(pk=progress_update_id).exists():
            raise ValidationError({"progress_update": _not_its_entry(subject)})
        evidence = Evidence(
            recommendation_id=recommendation_id,
            measure_id=measure_id,
            progress_update_id=progress_update_id,
            kind=kind,
            title=title,
            url=url,
            excerpt=excerpt,
            evidence_date=evidence_date,
            added_by=author,
            added_by_username=username,
        )
        if shared and file_from is not None:
            evidence.file = shared.name
            evidence.file_name, evidence.file_size = file_from.file_name, file_from.file_size
            evidence.file_sha256, evidence.content_type = file_from.file_sha256, file_from.content_type
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
            history.tracked_create(obj=evidence, user=user, related=subject)
        except Exception:
            if evidence.file and file is not None:
                evidence.file.delete(save=False)
            raise
        return evidence


def _not_its_entry(subject: Recommendation | Measure) -> str:
    if isinstance(subject, Measure):
        return _("This progress update does not belong to the measure.")
    return _("This progress update does not belong to the recommendation.")


EDITABLE = ("title", "evidence_date", "url", "excerpt")


def subject_of(evidence: Evidence) -> Recommendation | Measure:
    """The recommendation or measure the evidence is attached to (its history rows' related object)."""
    subject = evidence.recommendation or evidence.measure
    assert subject is not None  # the evidence_of_one_subject constraint
    return subject


def evidence_update(*, evidence_id: int, data: dict, user: Actor, file: UploadedFile | None = None) -> Evidence:
    """Correct an evidence: its title, date, link or excerpt, or replace its file (checked and
    stored like a new one). Its kind and recommendation stay. One history row, related to the
    recommendation; a replaced file no other evidence holds is removed once this commits."""
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise ValidationError({name: _("This field cannot be edited.") for name in unknown})
    with transaction.atomic():
        evidence = (
            Evidence.objects.select_for_update(of=("self",))
            .select_related("recommendation", "measure")
            .get(pk=evidence_id)
        )
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
            obj=evidence, data=data, user=user, related=subject_of(evidence), before_save=before_save
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
        evidence = (
            Evidence.objects.select_for_update(of=("self",))
            .select_related("recommendation", "measure")
            .get(pk=evidence_id)
        )
        removed = evidence.snapshot()
        stored_file = evidence.file
        record = history.change_record_build(
            obj=evidence,
            action=ChangeRecord.Action.DELETE,
            user=user,
            before=removed,
            after=None,
            related=subject_of(evidence),
        )
        evidence.delete()
        record.save()
        if stored_file and not Evidence.objects.filter(file=stored_file.name).exists():
            transaction.on_commit(lambda: stored_file.storage.delete(stored_file.name))
