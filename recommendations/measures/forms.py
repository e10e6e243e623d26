"""The measure pages' forms: a measure's fields; the statuses its progress records on the
recommendations it answers (each pre-filled "as the measure", changeable or left out); the
recommendations typed in by number."""

import re
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from recommendations.choices import Status
from recommendations.listing.fields import ID_MAX
from recommendations.models import ResponsibleBody

from .models import Measure, MeasureKind

NUMBER_SEPARATORS = re.compile(r"[\s,;]+")
# A linked recommendation's choice: its status, the measure's, or none (left out).
AS_THE_MEASURE = ""
LEFT_OUT = "-"
# The most recommendations one selection or one bulk entry takes (a page of the list is 25).
SELECTION_MAX = 200


def recommendation_numbers(text: str) -> list[int]:
    """The numbers typed in ("12, 15 #31"), once each, in order; a ValidationError naming
    what is not one."""
    parts = [part.lstrip("#") for part in NUMBER_SEPARATORS.split(text or "") if part.lstrip("#")]
    wrong = [part for part in parts if not part.isdigit() or not 1 <= int(part) <= ID_MAX]
    if wrong:
        raise ValidationError(_("Not a recommendation number: %(values)s.") % {"values": ", ".join(wrong)})
    return list(dict.fromkeys(int(part) for part in parts))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeasureForm(forms.ModelForm):
    """A measure's fields, as the page shows them; written through the measure services."""

    country = forms.ChoiceField(label=gettext_lazy("Country"), choices=[])
    responsible_bodies = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Responsible bodies"),
        queryset=ResponsibleBody.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    # The version the page showed; a newer stored one refuses the save (a new measure has none).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Measure
        fields = [
            "title_az",
            "title_en",
            "kind",
            "country",
            "description",
            "responsible_bodies",
            "start_on",
            "end_on",
        ]
        widgets = {
            "title_az": forms.TextInput(attrs={"lang": "az"}),
            "title_en": forms.TextInput(attrs={"lang": "en"}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "start_on": DateInput(),
            "end_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = list(countries)
        cast(forms.ChoiceField, self.fields["kind"]).choices = list(MeasureKind.choices)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version

    def fields_changed(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in Measure.editable_fields}


class NumbersForm(forms.Form):
    """Recommendations typed in by number, to link to the measure."""

    numbers = forms.CharField(
        label=gettext_lazy("Recommendation numbers"),
        max_length=2000,
        help_text=gettext_lazy("Separated by commas or spaces (12, 15, 31)."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean_numbers(self) -> list[int]:
        return recommendation_numbers(self.cleaned_data["numbers"])


class LinkedStatusForm(forms.Form):
    """One recommendation the measure answers, in its progress form: the status to record on
    it with the measure's entry ("as the measure" by default), or left out."""

    recommendation = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=ID_MAX)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    choice = forms.ChoiceField(label=gettext_lazy("Record on it"), required=False, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["choice"]).choices = [
            (AS_THE_MEASURE, _("The measure's new status")),
            *Status.choices,
            (LEFT_OUT, _("Leave it out")),
        ]

    @property
    def status(self) -> str | None:
        """The status chosen; None for "as the measure"."""
        choice = self.cleaned_data.get("choice") or AS_THE_MEASURE
        return None if choice in (AS_THE_MEASURE, LEFT_OUT) else choice

    @property
    def left_out(self) -> bool:
        return self.cleaned_data.get("choice") == LEFT_OUT


def linked_status_formset(data=None, *, initial=None):
    formset_class = forms.formset_factory(
        LinkedStatusForm, extra=0, max_num=SELECTION_MAX, absolute_max=SELECTION_MAX, validate_max=True
    )
    return formset_class(data, initial=initial, prefix="linked")


def selected_recommendations(params) -> list[int]:
    """The recommendations chosen on the list (`?recommendation=1&recommendation=2`, or
    `1,2`), once each; a ValidationError naming `recommendation` for what is not a number, for
    none and for more than a selection takes."""
    ids = recommendation_numbers(" ".join(params.getlist("recommendation")))
    if not ids:
        raise ValidationError(_("Choose recommendations on the list first."))
    if len(ids) > SELECTION_MAX:
        raise ValidationError(
            _("At most %(count)d recommendations at once; narrow the list with its filters.") % {"count": SELECTION_MAX}
        )
    return ids
