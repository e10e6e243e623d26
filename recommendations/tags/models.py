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
