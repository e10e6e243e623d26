from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from recommendations.fields import NFCCharField, NFCJSONField, NFCTextField
from recommendations.languages import ui_language
from recommendations.tracked import TrackedModel


def plain_number(value: Decimal | None) -> str | None:
    """A decimal as JSON keeps it: "11345", "124700.5" (no exponent, no trailing zeros)."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class Unit(models.TextChoices):
    COUNT = "count", _("Count")
    MONEY = "money", _("Money")
    YES_NO = "yes_no", _("Yes or no")
    PERCENT = "percent", _("Percentage")


class ValueState(models.TextChoices):
    """What a cell or sentence says: a number, yes, no — or that the figure is unknown or
    does not apply. Unknown is not zero, and not applicable is neither."""

    NUMBER = "number", _("Number")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Indicator(models.Model):
    """One figure a kind of report states every year. Rows are written from
    `indicators.vocabulary` (by a migration); admins may rename them."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    kind = NFCCharField(_("report kind"), max_length=10)
    name_az = NFCCharField(_("name (Azerbaijani)"), max_length=300)
    name_en = NFCCharField(_("name (English)"), max_length=300)
    unit = NFCCharField(_("unit"), max_length=10, choices=Unit.choices)
    # The table a DOL indicator is a row of ("labor", "criminal"); empty for TIP.
    group = NFCCharField(_("group"), max_length=30, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        app_label = "recommendations"
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["kind", "position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if ui_language() == "en" else self.name_az


class IndicatorValue(TrackedModel):
    """A value of an indicator for a country and year, as one source report states it.

    The same year stated by two reports is two rows, one per source: where they disagree
    both are shown. `as_read` keeps what the importer read, so a correction never loses it.
    """

    editable_fields = ("state", "number", "currency", "converted_usd", "confirmed", "note")
    tracked_fields = ("indicator", "country", "year", "source", *editable_fields)

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    country = CountryField(_("country"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    source = models.ForeignKey(
        "recommendations.Source", on_delete=models.PROTECT, related_name="indicator_values", verbose_name=_("source")
    )
    state = NFCCharField(_("value"), max_length=20, choices=ValueState.choices)
    number = models.DecimalField(_("number"), max_digits=18, decimal_places=2, null=True, blank=True)
    # ISO 4217, for money: the currency the report states the amount in.
    currency = NFCCharField(_("currency"), max_length=3, blank=True)
    # The report's own conversion to US dollars, printed in brackets beside the amount.
    converted_usd = models.DecimalField(_("in US dollars"), max_digits=18, decimal_places=2, null=True, blank=True)
    # The cell or the figure as printed ("11,345 (33)", "124,700 manat (73,350 ABŞ dolları)").
    printed = NFCCharField(_("as printed"), max_length=300, blank=True)
    # The sentence a TIP figure was read from.
    quote = NFCTextField(_("sentence"), blank=True)
    # Where it stands: DOL {"table", "row", "column", "page"}; TIP {"page"} or {"lines": [first, last]}.
    location = NFCJSONField(_("where in the report"), default=dict, blank=True)
    language = NFCCharField(_("read from the text in"), max_length=10, blank=True)
    citations = NFCCharField(_("citation numbers"), max_length=100, blank=True)
    # What the importer read (state, number, currency, converted_usd); empty for a value
    # entered by hand.
    as_read = NFCJSONField(_("as read"), default=dict, blank=True)
    confirmed = models.BooleanField(_("confirmed"), default=False)
    note = NFCTextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        app_label = "recommendations"
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["country", "indicator__kind", "indicator__position", "year", "source_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "indicator", "year"], name="indicator_value_once_per_source"),
            models.CheckConstraint(
                condition=Q(state="number", number__isnull=False) | (~Q(state="number") & Q(number__isnull=True)),
                name="indicator_value_number_iff_state_number",
            ),
        ]
        indexes = [models.Index(fields=["country", "indicator", "year"], name="indicator_value_series")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.country} {self.year}: {self.display}"

    def snapshot(self) -> dict:
        # History rows are JSON: decimals as the plain text `as_read` keeps them in.
        return {
            name: plain_number(value) if isinstance(value, Decimal) else value
            for name, value in super().snapshot().items()
        }

    @property
    def corrected(self) -> bool:
        return bool(self.as_read) and self.as_read != self.read_fields()

    def read_fields(self) -> dict:
        return {
            "state": self.state,
            "number": plain_number(self.number),
            "currency": self.currency,
            "converted_usd": plain_number(self.converted_usd),
        }

    @property
    def display(self) -> str:
        if self.state != ValueState.NUMBER or self.number is None:
            return str(ValueState(self.state).label)
        whole, _dot, fraction = (plain_number(self.number) or "").partition(".")
        text = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
        return f"{text} {self.currency}" if self.currency else text
