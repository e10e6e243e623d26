"""Indicators in the admin: admins rename the vocabulary (codes, units and the report's row
labels stay as vocabulary.py declares them), and confirm, correct or add values through the
same services as the API, so each change leaves a history row."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from recommendations.admin_input import HostileQueryAdminMixin

from .models import Indicator, IndicatorValue
from .services import indicator_value_add, indicator_value_correct, value_fields_clean


@admin.register(Indicator)
class IndicatorAdmin(HostileQueryAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name_az", "name_en", "kind", "unit", "group", "parent"]
    list_filter = ["kind", "unit", "group"]
    search_fields = ["code", "name_az", "name_en"]
    readonly_fields = ["code", "kind", "unit", "group", "parent", "position"]

    def has_add_permission(self, request):
        return False  # declared in indicators/vocabulary.py, where the readers find them

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatorValueForm(forms.ModelForm):
    class Meta:
        model = IndicatorValue
        fields = [
            "indicator",
            "source",
            "year",
            "state",
            "number",
            "currency",
            "converted_usd",
            "confirmed",
            "note",
        ]

    def clean(self):
        cleaned = super().clean() or {}
        indicator = cleaned.get("indicator") or (self.instance.indicator if self.instance.pk else None)
        if indicator is not None:
            # The service's own rules (unit, number, currency), so the error shows at its field.
            fields = ("state", "number", "currency", "converted_usd")
            value_fields_clean({name: cleaned.get(name) for name in fields}, indicator.unit)
        return cleaned


@admin.register(IndicatorValue)
class IndicatorValueAdmin(HostileQueryAdminMixin, admin.ModelAdmin):
    form = IndicatorValueForm
    list_display = ["indicator", "country", "year", "source", "display", "confirmed", "is_corrected"]
    list_filter = ["confirmed", ("country", CountryFilter), "indicator__kind", "indicator", "source"]
    list_select_related = ["indicator", "source"]
    search_fields = ["indicator__code", "indicator__name_az", "indicator__name_en", "quote"]
    readonly_fields = ["country", "printed", "quote", "location", "language", "citations", "as_read"]

    @admin.display(description=_("corrected"), boolean=True)
    def is_corrected(self, obj: IndicatorValue) -> bool:
        return obj.corrected

    def get_readonly_fields(self, request, obj=None):
        # Which figure and where it stands never change; its value may be corrected.
        if obj is not None:
            return [*self.readonly_fields, "indicator", "source", "year"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The form ran the services' checks already; the services write the history row.
        if change:
            data = {
                name: form.cleaned_data[name] for name in form.changed_data if name in IndicatorValue.editable_fields
            }
            saved = indicator_value_correct(value_id=obj.pk, data=data, user=request.user)
        else:
            saved = indicator_value_add(
                user=request.user,
                **{name: form.cleaned_data[name] for name in ("indicator", "source", "year", "state", "number")},
                currency=form.cleaned_data["currency"],
                converted_usd=form.cleaned_data["converted_usd"],
                note=form.cleaned_data["note"],
            )
        obj.pk = saved.pk
        obj.refresh_from_db()
