"""The writes an import makes besides its own source's rows: later reports' links to them,
indicator values alone, and the document itself once the import has committed."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from recommendations.catalog.services import recommendation_import_update
from recommendations.history.services import Actor
from recommendations.indicators.importing import indicators_store
from recommendations.models import Recommendation, Source

from .plan import ImportReport


def link_later_repeats(report: ImportReport, *, user: Actor, message: str) -> None:
    """Later reports' recommendations that repeat the ones just imported, linked to them
    (a chapter imported after the next year's)."""
    for item in report.items:
        if not item.repeated_by:
            continue
        assert item.recommendation_id is not None  # created or stored before the links
        repeated = Recommendation.objects.get(pk=item.recommendation_id)
        for later in item.repeated_by:
            stored = Recommendation.objects.only("provenance").get(pk=later.recommendation_id).provenance
            recommendation_import_update(
                recommendation_id=later.recommendation_id,
                data={"repeats": repeated},
                provenance=stored,
                user=user,
                note=message,
            )


def store_indicators_only(report: ImportReport, source: Source | None, user: Actor) -> ImportReport:
    """The document's recommendations are stored already; its indicator values may not be
    (a report imported before they were read)."""
    if not report.dry_run and source is not None and report.indicators.changes_anything:
        with transaction.atomic():
            indicators_store(plan=report.indicators, source=source, user=user)
    return report


def store_source_document(name: str, data: bytes) -> None:
    # Named by content, so the same text is stored once; written only after the import committed.
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
