from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from recommendations.append_only import AppendOnlyModel
from recommendations.fields import NFCCharField, NFCTextField


class ChangeRecord(AppendOnlyModel):
    """One row per change to a tracked object; written only by services, never edited.

    The object is referenced by type and id, not a foreign key, so the record outlives the
    object; the username is copied so it outlives the user.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")

    object_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of object")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    object_repr = NFCCharField(_("object"), max_length=200)
    # The object this change belongs to, e.g. the recommendation of a piece of evidence, so a
    # recommendation's history shows its evidence too.
    related_object_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    related_object_id = models.PositiveBigIntegerField(_("related object id"), null=True, blank=True)
    action = NFCCharField(_("action"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = NFCCharField(_("username"), max_length=150)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    message = NFCTextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change history")
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "changed_at"], name="change_object"),
            models.Index(fields=["related_object_type", "related_object_id", "changed_at"], name="change_related"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr} by {self.username}"
