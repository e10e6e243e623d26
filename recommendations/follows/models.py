from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    """A user follows one recommendation, or every recommendation of one source."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows", verbose_name=_("user")
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
        verbose_name=_("recommendation"),
    )
    source = models.ForeignKey(
        "recommendations.Source",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
        verbose_name=_("source"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        app_label = "recommendations"
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(recommendation__isnull=False, source__isnull=True)
                | Q(recommendation__isnull=True, source__isnull=False),
                name="follow_one_recommendation_or_one_source",
            ),
            models.UniqueConstraint(
                fields=["user", "recommendation"], condition=Q(recommendation__isnull=False), name="follow_unique_rec"
            ),
            models.UniqueConstraint(
                fields=["user", "source"], condition=Q(source__isnull=False), name="follow_unique_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.recommendation_id or self.source_id}"
