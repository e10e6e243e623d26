from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recommendations.fields import NFCCharField

from .vocabularies import Vocabulary


class Tag(models.Model):
    """One term of one vocabulary (tags/vocabularies.py), linked to many recommendations.

    SDGs, positions and States take their names from the declared vocabularies; themes and
    groups are the terms the reports print, named as first printed (English: OHCHR's lists)."""

    vocabulary = NFCCharField(_("vocabulary"), max_length=20, choices=Vocabulary.choices)
    code = NFCCharField(_("code"), max_length=100)
    name_en = NFCCharField(_("name (English)"), max_length=300)
    name_az = NFCCharField(_("name (Azerbaijani)"), max_length=300, blank=True)
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation", blank=True, related_name="tags", verbose_name=_("recommendations")
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["vocabulary", "code"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="tag_unique_code"),
            models.CheckConstraint(condition=models.Q(vocabulary__in=Vocabulary.values), name="tag_vocabulary_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_vocabulary_display()}: {self.name_en}"

    def name(self, language: str) -> str:
        """Its name in `language`: Azerbaijani where known, else English."""
        return self.name_az if language.startswith("az") and self.name_az else self.name_en


class TagSuggestion(models.Model):
    """A tag the model (tags/suggest.py) suggests for a recommendation that does not carry it.

    Written by the background refresh (tags/suggestions.py), never by hand; it becomes a tag
    only when a person accepts it. A decided suggestion stays, with who decided and when, so
    the same tag is not suggested again after a rejection; the decision is a history row."""

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.CASCADE,
        related_name="tag_suggestions",
        verbose_name=_("recommendation"),
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("tag"))
    # The share of the nearest tagged recommendations' votes (0–1).
    score = models.FloatField(_("score"))
    # The stored tags the model was learnt from ("<links>.<last link id>").
    model_version = models.CharField(_("model version"), max_length=40)
    state = models.CharField(_("suggestion"), max_length=10, choices=State.choices, default=State.SUGGESTED)
    suggested_at = models.DateTimeField(_("suggested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tag suggestion")
        verbose_name_plural = _("tag suggestions")
        ordering = ["recommendation", "-score", "tag"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "tag"], name="tag_suggestion_once"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=1), name="tag_suggestion_score_share"),
        ]
        indexes = [models.Index(fields=["state", "recommendation"], name="tag_suggestion_open")]

    def __str__(self) -> str:
        return f"{self.tag} → #{self.recommendation_id}"
