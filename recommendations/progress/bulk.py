"""One progress entry recorded on several recommendations in one submission: the staff's
bulk entry from a filtered list, the admin's bulk action, and the statuses a measure's entry
records on the recommendations it answers. Each entry goes through `progress_record` (its
timeline, history row and followers' mail); one refused refuses all, naming which."""

import datetime
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from recommendations.history.services import Actor
from recommendations.models import Evidence, ProgressUpdate

from .services import (
    EvidenceItem,
    StaleVersion,
    files_removed_on_failure,
    progress_record_with_evidence,
)


class RecommendationRefused(ValidationError):
    """One recommendation of a submission about several was refused; nothing was saved.
    The messages name it (for a list of errors); `error` holds them as the fields gave them."""

    def __init__(self, recommendation_id: int, error: ValidationError) -> None:
        self.recommendation_id = recommendation_id
        self.error = error
        messages = error.message_dict if hasattr(error, "error_dict") else {"status": error.messages}
        super().__init__(
            {field: [f"#{recommendation_id}: {message}" for message in texts] for field, texts in messages.items()}
        )


class RecommendationStale(StaleVersion):
    """One recommendation of a submission about several changed since the client read it."""

    def __init__(self, recommendation_id: int, current_etag: str) -> None:
        super().__init__(current_etag)
        self.recommendation_id = recommendation_id


@contextmanager
def naming_the_recommendation(recommendation_id: int) -> Iterator[None]:
    """A refusal of one recommendation's entry, as one of several: which one it was."""
    try:
        yield
    except StaleVersion as stale:
        raise RecommendationStale(recommendation_id, stale.current_etag) from stale
    except ValidationError as error:
        raise RecommendationRefused(recommendation_id, error) from error


def progress_record_many(
    *,
    recommendation_ids: Sequence[int],
    status: str,
    user: Actor,
    note: str = "",
    occurred_on: datetime.date | None = None,
    evidence: Sequence[EvidenceItem] = (),
    expected_versions: Mapping[int, int] | None = None,
) -> list[tuple[ProgressUpdate, list[Evidence]]]:
    """The same entry — status, day, note, evidence — on each recommendation, in one
    transaction. Each entry has its own evidence rows (an admin may remove one from one
    recommendation); a file is stored once and shared by them. Recommendations are locked in
    the order of their ids, so two bulk entries never wait for each other in a circle."""
    if not recommendation_ids:
        raise ValidationError({"recommendations": _("Choose at least one recommendation.")})
    ordered = sorted(set(recommendation_ids))
    recorded: list[tuple[ProgressUpdate, list[Evidence]]] = []
    with files_removed_on_failure() as stored, transaction.atomic():
        first: list[Evidence] = []
        for recommendation_id in ordered:
            with naming_the_recommendation(recommendation_id):
                update, added = progress_record_with_evidence(
                    recommendation_id=recommendation_id,
                    status=status,
                    note=note,
                    occurred_on=occurred_on,
                    evidence=tuple(evidence),
                    evidence_files_from=first,
                    user=user,
                    expected_version=(expected_versions or {}).get(recommendation_id),
                )
            if not first:
                first = added
                stored.extend(name for item in added if (name := item.file.name))
            recorded.append((update, added))
    return recorded
