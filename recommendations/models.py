from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .append_only import AppendOnlyModel
from .catalog.repeat_rule import repeat_refusal
from .choices import AREA_CHOICES, AREA_CODES, EvidenceKind, ReviewState, SourceKind, Status
from .fields import NFCCharField, NFCJSONField, NFCTextField, NFCURLField, WebLinkField
from .languages import text_in
from .overdue import is_overdue, overdue_day
from .tracked import TrackedModel
from .validation import evidence_errors, raise_if_any, recommendation_errors, source_errors
from .withdrawal.models import WITHDRAWAL_FIELDS, Withdrawable
from .years import YEAR_VALIDATORS


class Source(Withdrawable, TrackedModel):
    """A published report that recommendations come from."""

    editable_fields = ("slug", "kind", "publisher", "title", "report_year", "country", "language", "tip_tier", "url")
    tracked_fields = (*editable_fields, "document_sha256", "translations", *WITHDRAWAL_FIELDS)

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = NFCCharField(_("kind"), max_length=10, choices=SourceKind.choices)
    publisher = NFCCharField(_("publisher"), max_length=200)
    title = NFCCharField(_("title"), max_length=500)
    report_year = models.PositiveSmallIntegerField(_("report year"), validators=YEAR_VALIDATORS)
    country = CountryField(_("country"))
    language = NFCCharField(_("language of the text"), max_length=10, default="az")
    tip_tier = NFCCharField(_("TIP tier"), max_length=50, blank=True)
    document = models.FileField(_("source document"), upload_to="sources/", blank=True)
    document_sha256 = NFCCharField(_("document sha256"), max_length=64, blank=True)
    # The same report in other languages, imported onto this source's recommendations:
    # {language: {"document": storage name, "sha256": …}}. Written only by the importer.
    translations = models.JSONField(
        _("translations of the document"), default=dict, db_default={}, blank=True, editable=False
    )
    url = NFCURLField(_("URL"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-report_year", "slug"]
        indexes = [models.Index(fields=["country", "kind", "report_year"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.report_year})"

    def clean(self) -> None:
        latest = self.recommendations.aggregate(latest=models.Max("year_end"))["latest"] if self.pk else None
        raise_if_any(source_errors(self, latest_year_suggested=latest))


class ResponsibleBody(models.Model):
    """A ministry or agency a recommendation is addressed to."""

    name = NFCCharField(_("name"), max_length=300, unique=True)
    abbreviation = NFCCharField(_("abbreviation"), max_length=50, blank=True)
    country = CountryField(_("country"), blank=True)

    class Meta:
        verbose_name = _("responsible body")
        verbose_name_plural = _("responsible bodies")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name


class Recommendation(Withdrawable, TrackedModel):
    # Status is not among the editable fields: it changes only through the progress log.
    editable_fields = (
        "area",
        "action",
        "action_translations",
        "year_start",
        "year_end",
        "priority",
        "position",
        "number",
        "responsible_bodies",
        "repeats",
        "due_on",
        "indicators",
    )
    tracked_fields = (
        "source",
        "country",
        *editable_fields,
        "provenance",
        "status",
        "status_changed_at",
        *WITHDRAWAL_FIELDS,
    )

    # No index of its own: the unique (source, position) constraint's index serves lookups by
    # source. A second one led the planner, for "the rows of these sources in one country"
    # (the reports published after an `as_of` day), to read every country's rows of them.
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("source"), db_index=False
    )
    # Copied from the source so that "country + area/year, newest first" is one index scan
    # without a join; services keep it equal to source.country.
    country = CountryField(_("country"))
    area = NFCCharField(_("area"), max_length=30, choices=AREA_CHOICES, null=True, blank=True)
    action = NFCTextField(_("action"))
    # The action in the source's other languages, {language: text}; `action` is the text in
    # the source's own language (the original).
    action_translations = NFCJSONField(_("action in other languages"), default=dict, db_default={}, blank=True)
    # Where the importer read it, per language: {"az": {"lines": [31, 35]}, "en": {"table":
    # "Table 11", "pages": [7, 7]}}; its row in the table is `position`.
    provenance = models.JSONField(_("where it was read"), default=dict, db_default={}, blank=True, editable=False)
    # Case- and diacritic-folded copy of `action` (and its translations) that free-text search runs against.
    action_search = NFCTextField(_("searchable action"), editable=False, default="")
    year_start = models.PositiveSmallIntegerField(_("first year suggested"), validators=YEAR_VALIDATORS)
    year_end = models.PositiveSmallIntegerField(_("last year suggested"), validators=YEAR_VALIDATORS)
    priority = models.BooleanField(_("prioritized"), default=False)
    position = models.PositiveIntegerField(_("position in the source"))
    # The paragraph number the report prints for it ("121.1" in a UPR list); empty if none.
    number = NFCCharField(_("number in the report"), max_length=20, blank=True, default="", db_default="")
    responsible_bodies = models.ManyToManyField(
        ResponsibleBody, blank=True, related_name="recommendations", verbose_name=_("responsible bodies")
    )
    # The figures that show whether it is carried out ("investigate and prosecute…" ↔ cases
    # investigated, prosecutions, convictions): named by a person, never guessed.
    indicators = models.ManyToManyField(
        "recommendations.Indicator", blank=True, related_name="recommendations", verbose_name=_("measured by")
    )
    status = NFCCharField(_("status"), max_length=30, choices=Status.choices, default=Status.NOT_ASSESSED)
    # Set when the current status was set (import time for `not_assessed`), so it always sorts.
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    # The date the government should have carried it out by; set by admins, may be empty.
    due_on = models.DateField(
        _("due on"), null=True, blank=True, help_text=_("The target date for carrying out the recommendation.")
    )
    repeats = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeated_by",
        verbose_name=_("repeats"),
        help_text=_("The earlier recommendation this one repeats."),
    )
    # Bumped on every change; the API's ETag, so a stale If-Match can be refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_start__lte=models.F("year_end")),
                name="recommendation_year_start_lte_year_end",
                violation_error_message=_("The first year must not be after the last year."),
            ),
            models.CheckConstraint(
                condition=models.Q(area__isnull=True) | models.Q(area__in=AREA_CODES),
                name="recommendation_area_known",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="recommendation_status_known",
            ),
            models.UniqueConstraint(fields=["source", "position"], name="recommendation_unique_position"),
        ]
        indexes = [
            models.Index(fields=["country", "area", "id"], name="rec_country_area_id"),
            # Also the stats' year × status counts for a country, answered from the index alone.
            models.Index(fields=["country", "year_start", "year_end", "status"], name="rec_country_years_status"),
            models.Index(fields=["area", "status"], name="rec_area_status"),
            models.Index(fields=["status", "id"], name="rec_status_id"),
            models.Index(fields=["year_start", "year_end"], name="rec_years"),
            # `as_of`: only a status that began after the day can have been another then
            # (country first, as an NGO's every question is about its country).
            models.Index(fields=["country", "status_changed_at"], name="rec_country_status_changed"),
            # "country (+ years), ORDER BY id": the years are key columns so the index
            # itself rejects rows outside the year, before any table row is read; serves the
            # deep keyset page (country, id > cursor) too.
            models.Index(fields=["country", "id", "year_start", "year_end"], name="rec_country_id_years"),
            # Counts by area × status and by source × status for a country, from the index alone.
            models.Index(fields=["country", "area", "status"], name="rec_country_area_status"),
            models.Index(fields=["country", "source", "status"], name="rec_country_source_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action[:80]}"

    def clean(self) -> None:
        super().clean()
        errors = recommendation_errors(self)
        # The rule (catalog/repeat_rule.py) read where every write validates: API, admin, imports.
        refusal = repeat_refusal(self, self.repeats) if self.repeats_id and self.source_id else None
        if refusal:
            errors["repeats"] = [refusal]
        raise_if_any(errors)

    @property
    def is_overdue(self) -> bool:
        """Overdue today (recommendations/overdue.py, the `overdue` filter's rule)."""
        return is_overdue(due_on=self.due_on, status=self.status, day=overdue_day())

    @property
    def etag(self) -> str:
        return f'"r{self.pk}v{self.version}"'

    def action_in(self, language: str) -> str:
        """The action in `language` when the report is there in it, else the original (the
        source is read: select it with the recommendation)."""
        return text_in(
            language,
            original=self.action,
            original_language=self.source.language,
            translations=self.action_translations,
        )


class ProgressUpdate(AppendOnlyModel):
    """What NGO staff reported about a recommendation or a measure: append-only, so the
    timeline can be trusted. A recommendation's entry recorded with a measure's points at
    that entry (`measure_update`), whose evidence it shares."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("recommendation"),
    )
    measure = models.ForeignKey(
        "recommendations.Measure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("measure"),
    )
    measure_update = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendation_updates",
        verbose_name=_("recorded with the measure's entry"),
    )
    status_before = NFCCharField(_("status before"), max_length=30, choices=Status.choices)
    status_after = NFCCharField(_("status after"), max_length=30, choices=Status.choices)
    note = NFCTextField(_("note"), blank=True)
    occurred_on = models.DateField(_("date of the progress"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    author_username = NFCCharField(_("author's username"), max_length=150)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    # The one column the log lets change, once, from proposed (reviews/services.py; the guard
    # in migration 0023): everything the entry says stays as its author recorded it.
    review_state = NFCCharField(
        _("review"), max_length=10, choices=ReviewState.choices, default=ReviewState.PUBLISHED, db_default="published"
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["created_at", "id"]
        permissions = [("review_progress", _("Can review proposed progress"))]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(recommendation__isnull=False, measure__isnull=True)
                    | models.Q(recommendation__isnull=True, measure__isnull=False)
                ),
                name="progress_about_one_subject",
            ),
            # Only a recommendation's entry is recorded with a measure's.
            models.CheckConstraint(
                condition=models.Q(measure_update__isnull=True) | models.Q(recommendation__isnull=False),
                name="progress_measure_update_of_recommendation",
            ),
        ]
        indexes = [
            models.Index(fields=["recommendation", "created_at"], name="progress_rec_created"),
            # "Has progress dated after D?" per recommendation: the status as of D can differ
            # from the stored one only for those (analytics/stats.py).
            models.Index(fields=["recommendation", "occurred_on"], name="progress_rec_occurred"),
        ]

    def __str__(self) -> str:
        subject = f"#{self.recommendation_id}" if self.recommendation_id else f"M{self.measure_id}"
        return f"{subject}: {self.get_status_before_display()} → {self.get_status_after_display()}"


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    # Never the client's file name: a content-addressed name cannot traverse folders.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.file_sha256[:2]}/{instance.file_sha256}.{extension}"


class Evidence(TrackedModel):
    # Its history rows are related to its recommendation or measure, so they show in that
    # one's history. A measure's evidence is stored once and shown on every recommendation
    # whose entry was recorded with the measure's entry (evidence/selectors.py).
    tracked_fields = (
        "recommendation",
        "measure",
        "progress_update",
        "kind",
        "title",
        "file_sha256",
        "url",
        "evidence_date",
    )

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("recommendation"),
    )
    measure = models.ForeignKey(
        "recommendations.Measure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("measure"),
    )
    progress_update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("progress update"),
    )
    title = NFCCharField(_("title"), max_length=300)
    kind = NFCCharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, max_length=200)
    file_name = NFCCharField(_("original file name"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    file_sha256 = NFCCharField(_("file sha256"), max_length=64, blank=True)
    content_type = NFCCharField(_("content type"), max_length=100, blank=True)
    url = WebLinkField(_("URL"), max_length=2000, blank=True)
    excerpt = NFCTextField(_("excerpt"), blank=True)
    evidence_date = models.DateField(_("date"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_by_username = NFCCharField(_("added by (username)"), max_length=150)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                # A file, a link or both (a downloaded report and its address: its kind names
                # the one it stands for); an excerpt alone.
                condition=(
                    (models.Q(kind=EvidenceKind.FILE) & ~models.Q(file="") & models.Q(excerpt=""))
                    | (models.Q(kind=EvidenceKind.LINK) & ~models.Q(url="") & models.Q(excerpt=""))
                    | (models.Q(kind=EvidenceKind.EXCERPT) & ~models.Q(excerpt="") & models.Q(file="", url=""))
                ),
                name="evidence_has_content_for_kind",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(recommendation__isnull=False, measure__isnull=True)
                    | models.Q(recommendation__isnull=True, measure__isnull=False)
                ),
                name="evidence_of_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        raise_if_any(evidence_errors(self))


# Models of the capabilities that live in their own packages; imported here so the app loads them.
from .follows.models import Follow  # noqa: E402, F401
from .history.models import ChangeRecord  # noqa: E402, F401
from .idempotency.models import IdempotentRequest  # noqa: E402, F401
from .indicators.models import Indicator, IndicatorValue  # noqa: E402, F401
from .jobs.models import ImportJob  # noqa: E402, F401
from .measures.models import Measure, MeasureLink  # noqa: E402, F401
from .notifications.models import ReminderSent  # noqa: E402, F401
from .tags.models import Tag, TagSuggestion  # noqa: E402, F401
from .users.models import ApiToken  # noqa: E402, F401
