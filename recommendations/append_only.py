"""The append-only rule of the progress log and the history, on the ORM's side."""

from django.core.exceptions import PermissionDenied
from django.db import models


class AppendOnlyError(PermissionDenied):
    """Raised on any attempt to change or remove a row of the progress log or the history."""


class AppendOnlyQuerySet(models.QuerySet):
    """The ORM half of the append-only rule; database triggers (migration 0002) are the other.

    Deleting a user still clears the user column: Django does that through the model's base
    manager, which this queryset does not replace, and the triggers allow exactly that.
    """

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} are append-only")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name_plural} are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name_plural} are append-only")
