from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from recommendations.choices import Status
from recommendations.fields import NFCCharField, NFCTextField
from recommendations.languages import ui_language
from recommendations.tracked import TrackedModel
from recommendations.validation import raise_if_any


class MeasureKind(models.TextChoices):
    LAW = "law", _("Law or regulation")
    ACTION_PLAN = "action_plan", _("National action plan or strategy")
    BUDGET = "budget", _("Budget line")
    INSTITUTION = "institution", _("Institution or service")
    PROGRAMME = "programme", _("Programme or project")
    OTHER = "other", _("Other measure")


class Measure(TrackedModel):
    """A government's action answering recommendations. Its status changes only through the
    progress log, as a recommendation's does; its links through `services.measure_links_add`
    and `measure_link_remove`, which record both sides."""

    editable_fields = (
        "country",
        "kind",
        "title_az",
        "title_en",
        "description",
        "responsible_bodies",
        "start_on",
        "end_on",
    )
    tracked_fields = (*editable_fields, "recommendations", "status", "status_changed_at")

    # The government whose action it is; the recommendations it answers may be of any country.
    country = CountryField(_("country"))
    kind = NFCCharField(_("kind of measure"), max_length=20, choices=MeasureKind.choices)
    title_az = NFCCharField(_("title in Azerbaijani"), max_length=300, blank=True)
    title_en = NFCCharField(_("title in English"), max_length=300, blank=True)
    description = NFCTextField(_("description"), blank=True)
    responsible_bodies = models.ManyToManyField(
        "recommendations.ResponsibleBody", blank=True, related_name="measures", verbose_name=_("responsible bodies")
    )
    start_on = models.DateField(_("starts on"), null=True, blank=True)
    end_on = models.DateField(_("ends on"), null=True, blank=True)
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation",
        through="MeasureLink",
        blank=True,
        related_name="measures",
        verbose_name=_("recommendations it answers"),
    )
    status = NFCCharField(_("status"), max_length=30, choices=Status.choices, default=Status.NOT_ASSESSED)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    # Bumped on every change; the API's ETag, so a stale If-Match can be refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True) | Q(end_on__isnull=True) | Q(start_on__lte=models.F("end_on")),
                name="measure_starts_before_it_ends",
                violation_error_message=_("A measure cannot end before it starts."),
            ),
            models.CheckConstraint(condition=~Q(title_az="", title_en=""), name="measure_has_a_title"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="measure_status_known"),
        ]
        indexes = [models.Index(fields=["country", "status"], name="measure_country_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The title in the active language, else the other one."""
        english = ui_language() == "en"
        first, second = (self.title_en, self.title_az) if english else (self.title_az, self.title_en)
        return first or second

    @property
    def etag(self) -> str:
        return f'"m{self.pk}v{self.version}"'

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if not (self.title_az or "").strip() and not (self.title_en or "").strip():
            message = str(_("Give the title in Azerbaijani, in English or in both."))
            errors = {"title_az": [message], "title_en": [message]}
        if self.start_on and self.end_on and self.start_on > self.end_on:
            errors["end_on"] = [str(_("A measure cannot end before it starts."))]
        raise_if_any(errors)


class MeasureLink(TrackedModel):
    """A measure answers a recommendation. Created and removed only by the measure services,
    each a history row related to the recommendation (so its history shows it)."""

    tracked_fields = ("measure", "recommendation")

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="links", verbose_name=_("measure"))
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.PROTECT,
        related_name="measure_links",
        verbose_name=_("recommendation"),
    )
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("link of a measure to a recommendation")
        verbose_name_plural = _("links of measures to recommendations")
        ordering = ["measure", "recommendation"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "recommendation"], name="measure_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} → #{self.recommendation_id}"
