"""Reading history."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from recommendations.models import ChangeRecord, Measure, Recommendation


def recommendation_history(recommendation: Recommendation | None) -> QuerySet:
    """A recommendation's history: its own changes and those of the objects related to it
    (its evidence), oldest first. None gives an empty queryset (for schema generation)."""
    if recommendation is None:
        return ChangeRecord.objects.none()
    content_type = ContentType.objects.get_for_model(Recommendation)
    return ChangeRecord.objects.filter(
        Q(object_type=content_type, object_id=recommendation.pk)
        | Q(related_object_type=content_type, related_object_id=recommendation.pk)
    ).order_by("changed_at", "id")


def measure_history(measure: Measure | None) -> QuerySet:
    """A measure's history: its own changes (fields, links, status) and its evidence's, oldest
    first. None gives an empty queryset (for schema generation)."""
    if measure is None:
        return ChangeRecord.objects.none()
    content_type = ContentType.objects.get_for_model(Measure)
    return ChangeRecord.objects.filter(
        Q(object_type=content_type, object_id=measure.pk)
        | Q(related_object_type=content_type, related_object_id=measure.pk)
    ).order_by("changed_at", "id")
