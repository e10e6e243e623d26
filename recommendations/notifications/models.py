from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderSent(models.Model):
    """One reminder already mailed: a user, a recommendation, why, and the date the reason
    refers to (the due date, or the last progress). The same reminder is never sent twice;
    a new due date or new progress makes a new one."""

    class Reason(models.TextChoices):
        OVERDUE = "overdue", _("Overdue")
        DUE_SOON = "due_soon", _("Due within 30 days")
        STALE = "stale", _("No progress for a long time")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recommendation = models.ForeignKey("recommendations.Recommendation", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    reference_date = models.DateField(_("reference date"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        app_label = "recommendations"
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "recommendation", "reason", "reference_date"], name="reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.recommendation_id} {self.reason} {self.reference_date}"
