"""Recording progress: the only way a recommendation's or a measure's status changes; with
its evidence, in one transaction, when a page submits both at once."""

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.choices import ReviewState, Role, Status
from recommendations.evidence.services import evidence_add
from recommendations.history import services as history
from recommendations.history.services import Actor
from recommendations.models import ChangeRecord, Evidence, Measure, MeasureLink, ProgressUpdate, Recommendation
from recommendations.notifications.services import status_change_announce
from recommendations.reviews.tasks import review_waiting_mail
from recommendations.roles import has_role

from . import timeline
from .published import review_required


class StaleVersion(Exception):
    """The client's copy is older than the stored one (a failed If-Match)."""

    def __init__(self, current_etag: str) -> None:
        super().__init__(current_etag)
        self.current_etag = current_etag


def recommendation_lock(recommendation_id: int, expected_version: int | None) -> Recommendation:
    """The recommendation, locked for this transaction; StaleVersion when the client's
    version is not the stored one."""
    # The row lock serialises concurrent writers on PostgreSQL; SQLite serialises all writers.
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation_id)
    if expected_version is not None and recommendation.version != expected_version:
        raise StaleVersion(recommendation.etag)
    return recommendation


def measure_lock(measure_id: int, expected_version: int | None) -> Measure:
    """The measure, locked for this transaction, as `recommendation_lock`."""
    measure = Measure.objects.select_for_update().get(pk=measure_id)
    if expected_version is not None and measure.version != expected_version:
        raise StaleVersion(measure.etag)
    return measure


def _subject(recommendation_id: int | None, measure_id: int | None) -> dict[str, int]:
    """What an entry is about, as the progress log's column: exactly one of the two."""
    if recommendation_id is not None and measure_id is None:
        return {"recommendation_id": recommendation_id}
    if measure_id is not None and recommendation_id is None:
        return {"measure_id": measure_id}
    raise TypeError("progress is recorded on a recommendation or on a measure")


def may_record_progress(user: Actor) -> bool:
    """NGO staff and admins report progress; commands and imports act as the system (None)."""
    return user is None or has_role(user, Role.NGO_STAFF)


def progress_record(
    *,
    recommendation_id: int | None = None,
    measure_id: int | None = None,
    status: str,
    note: str = "",
    occurred_on: datetime.date | None = None,
    user: Actor,
    expected_version: int | None = None,
    with_evidence: bool = False,
    measure_update_id: int | None = None,
) -> ProgressUpdate:
    """Log reported progress on a recommendation or a measure (exactly one of the two ids)
    and set its status by the timeline rule (progress/timeline.py): an entry dated before
    later entries is inserted in its place, and the current status is the latest by the date
    things happened.

    An entry that records nothing — the status in force that day, no note, no evidence
    (`with_evidence`, when the caller attaches some to it) — is refused: it would only
    restate the status and, being the latest by date, outrank entries recorded later about
    earlier days.

    `measure_update_id`: a recommendation's entry recorded with that entry of a measure
    linked to it, whose evidence it then shows (measures/services.py)."""
    if not may_record_progress(user):
        raise PermissionDenied(_("Only NGO staff and administrators may record progress."))
    subject_column = _subject(recommendation_id, measure_id)
    with transaction.atomic():
        subject: Recommendation | Measure
        if recommendation_id is not None:
            subject = recommendation = recommendation_lock(recommendation_id, expected_version)
        else:
            subject = measure_lock(subject_column["measure_id"], expected_version)
        today = timezone.localdate()
        occurred_on = occurred_on or today
        if occurred_on > today:
            raise ValidationError({"occurred_on": _("The date of the progress cannot be in the future.")})
        if recommendation_id is not None and occurred_on.year < recommendation.year_start:
            # Almost always a mistyped year (1990 for 2019): it would count the progress in
            # every chart from years before anyone suggested the action.
            raise ValidationError(
                {
                    "occurred_on": _(
                        "The date of the progress cannot be before %(year)d, the first year the "
                        "recommendation was made."
                    )
                    % {"year": recommendation.year_start}
                }
            )
        if measure_update_id is not None:
            _check_measure_update(measure_update_id, recommendation_id)
        entries = timeline.entries_of(**subject_column)
        in_force = timeline.status_before_on(entries, occurred_on, subject.status)
        if status == in_force and not note.strip() and not with_evidence:
            raise ValidationError({"status": _nothing_to_record(status)})
        author, username = history.actor(user)
        # A person's entry waits for a reviewer when the deployment asks for review; commands
        # and imports (no user) act as the system, whose entries are published at once.
        proposed = review_required() and user is not None
        # The instance itself, not its id: callers read the version this entry produced from
        # it (the API's ETag), as it stands under this transaction's lock.
        about = {"recommendation": subject} if recommendation_id is not None else {"measure": subject}
        update = ProgressUpdate(
            **about,
            measure_update_id=measure_update_id,
            status_before=in_force,
            status_after=status,
            note=note,
            occurred_on=occurred_on,
            author=author,
            author_username=username,
            review_state=ReviewState.PROPOSED if proposed else ReviewState.PUBLISHED,
        )
        update.full_clean()
        update.save()
        if proposed:
            # The status stays; the version moves all the same, so a form or client that read
            # the recommendation before this proposal (a double click too) is told it changed.
            subject.version += 1
            subject.save(update_fields=["version", "updated_at"])
            proposal_announce(update=update, subject=subject, user=user)
        else:
            subject_status_refresh(subject=subject, update=update, user=user)
        return update


def subject_status_refresh(
    *,
    subject: Recommendation | Measure,
    update: ProgressUpdate,
    user: Actor,
    message: str = "",
    status_before: str | None = None,
) -> None:
    """Set the subject's status from its published entries (the timeline rule), with its
        history row and the followers' mail: when an entry is recorded without review, or when a
        reviewer approves one (reviews/services.py), giving the entry's `status_before` by the
    timeline then. The subject is locked by the caller."""
    column = {"recommendation_id": subject.pk} if isinstance(subject, Recommendation) else {"measure_id": subject.pk}
    before = subject.snapshot()
    state = timeline.current_and_since(timeline.entries_of(**column))
    if state is not None:  # always, with a published entry
        subject.status, subject.status_changed_at = state
    subject.version += 1
    subject.save(update_fields=["status", "status_changed_at", "version", "updated_at"])
    after = subject.snapshot()
    if after != before:
        history.change_record_create(
            obj=subject,
            action=ChangeRecord.Action.UPDATE,
            user=user,
            before=before,
            after=after,
            message=message or _("Progress update #%(id)d") % {"id": update.pk},
        )
    before_status = update.status_before if status_before is None else status_before
    if isinstance(subject, Recommendation) and before_status != update.status_after:
        # Followers hear of it once the change has committed (a job queued with it).
        status_change_announce(update=update)


def proposal_announce(*, update: ProgressUpdate, subject: Recommendation | Measure, user: Actor) -> None:
    """A proposed entry: its history row (who proposed what, about which subject) and the
    reviewers' mail, queued with it. The subject's status does not move until approval."""
    history.change_record_create(
        obj=update,
        related=subject,
        action=ChangeRecord.Action.CREATE,
        user=user,
        before=None,
        after={
            "status_after": update.status_after,
            "occurred_on": update.occurred_on.isoformat(),
            "review_state": ReviewState.PROPOSED.value,
        },
        message=_("Progress update #%(id)d proposed for review") % {"id": update.pk},
    )
    review_waiting_mail.enqueue(update.pk)


def _check_measure_update(measure_update_id: int, recommendation_id: int | None) -> None:
    """A recommendation's entry is recorded with an entry of a measure that answers it."""
    measure_id = (
        ProgressUpdate.objects.filter(pk=measure_update_id, measure__isnull=False)
        .values_list("measure_id", flat=True)
        .first()
    )
    linked = (
        measure_id is not None
        and recommendation_id is not None
        and MeasureLink.objects.filter(measure_id=measure_id, recommendation_id=recommendation_id).exists()
    )
    if not linked:
        raise ValidationError({"measure_update": _("This entry is not of a measure that answers the recommendation.")})


def _nothing_to_record(status: str) -> str:
    label = dict(Status.choices).get(status, status)
    return _(
        "Nothing to record: the status on that day was already “%(status)s”. Change it, or add a note or evidence."
    ) % {"status": label}


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence to attach: exactly one of file, url or excerpt, by kind."""

    kind: str
    title: str
    file: UploadedFile | None = None
    url: str = ""
    excerpt: str = ""
    evidence_date: datetime.date | None = None


class EvidenceItemInvalid(ValidationError):
    """An evidence item was refused; `index` says which, the error names the field."""

    def __init__(self, index: int, error: ValidationError) -> None:
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.messages)
        self.index = index


def evidence_item_add(
    *,
    recommendation_id: int | None = None,
    measure_id: int | None = None,
    progress_update_id: int | None,
    item: EvidenceItem,
    user: Actor,
    file_from: Evidence | None = None,
) -> Evidence:
    """Attach one evidence item (to a progress entry, when given) through the evidence
    service; `file_from`: an evidence already holding this item's file, whose stored file is
    shared rather than stored again."""
    return evidence_add(
        recommendation_id=recommendation_id,
        measure_id=measure_id,
        progress_update_id=progress_update_id,
        file_from=file_from,
        kind=item.kind,
        title=item.title,
        file=item.file,
        url=item.url,
        excerpt=item.excerpt,
        evidence_date=item.evidence_date,
        user=user,
    )


def progress_record_with_evidence(
    *,
    recommendation_id: int | None = None,
    measure_id: int | None = None,
    status: str,
    user: Actor,
    note: str = "",
    occurred_on: datetime.date | None = None,
    evidence: tuple[EvidenceItem, ...] | list[EvidenceItem] = (),
    expected_version: int | None = None,
    evidence_files_from: Sequence[Evidence | None] = (),
) -> tuple[ProgressUpdate, list[Evidence]]:
    """Record a status with its note and date on a recommendation or a measure, and attach
    evidence to that entry (`evidence_files_from`, item by item: an evidence whose stored
    file the item shares).

    Raises StaleVersion (nothing written) when the recommendation or measure changed since
    `expected_version`, ValidationError for the progress fields, EvidenceItemInvalid for an
    item; in every case nothing is saved."""
    with files_removed_on_failure() as stored_files, transaction.atomic():
        update = progress_record(
            recommendation_id=recommendation_id,
            measure_id=measure_id,
            status=status,
            note=note,
            occurred_on=occurred_on,
            user=user,
            expected_version=expected_version,
            with_evidence=bool(evidence),
        )
        added = []
        for index, item in enumerate(evidence):
            try:
                created = evidence_item_add(
                    recommendation_id=recommendation_id,
                    measure_id=measure_id,
                    progress_update_id=update.pk,
                    item=item,
                    user=user,
                    file_from=evidence_files_from[index] if index < len(evidence_files_from) else None,
                )
            except ValidationError as error:
                raise EvidenceItemInvalid(index, error) from error
            if created.file and created.file.name:
                stored_files.append(created.file.name)
            added.append(created)
        return update, added


@contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    """The names of files a transaction stores: on failure its rows are rolled back, and the
    files go too, unless a committed evidence holds the same bytes (files are named by their
    content)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        _remove_unreferenced(stored)
        raise


def _remove_unreferenced(names: list[str]) -> None:
    for name in names:
        if not Evidence.objects.filter(file=name).exists():
            default_storage.delete(name)
