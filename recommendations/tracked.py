"""The base of every model whose changes history keeps: its own module, so the models of a
capability's package (indicators, measures) build on it without importing
`recommendations.models`, which imports them to register them."""

import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django_countries.fields import Country


def json_moment(value: datetime.datetime) -> str:
    """A moment as history keeps and shows it: in the service's time zone (TIME_ZONE), as the
    API shows every time. One convention, so the same moment read back from the database (in
    UTC) and set in Python (in local time) is the same text, never a change."""
    return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return json_moment(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Country):
        return str(value)
    return value


class TrackedModel(models.Model):
    """A model whose changes are kept in history (services call `history.services`).

    `tracked_fields` is what a history row records; `editable_fields` what the update
    service of the model accepts. Both are declared here, beside the fields, and nowhere else.
    """

    tracked_fields: tuple[str, ...] = ()
    editable_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def snapshot(self) -> dict[str, Any]:
        """The tracked fields as JSON values: foreign keys as ids, many-to-many as sorted ids."""
        values: dict[str, Any] = {}
        for name in self.tracked_fields:
            field = self._meta.get_field(name)
            if field.many_to_many:
                values[name] = sorted(getattr(self, name).values_list("pk", flat=True)) if self.pk else []
            elif field.is_relation:
                values[name] = getattr(self, field.attname)
            else:
                values[name] = _json_value(getattr(self, name))
        return values
