"""Measures in the admin: created and edited through the measure services (history rows, a
stale form refused), the recommendations they answer typed in by number, their progress and
evidence shown read-only (progress is recorded on the measure's page or through the API)."""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.filters import CountryFilter

from recommendations.admin_base import ReadOnlyAdminMixin, ServiceFormAdminMixin
from recommendations.admin_forms import ServiceForm
from recommendations.admin_input import FoldedSearchAdminMixin, HostileQueryAdminMixin
from recommendations.choices import Status
from recommendations.models import Evidence, ProgressUpdate, Recommendation
from recommendations.progress import timeline

from .models import Measure, MeasureLink
from .services import measure_create, measure_delete, measure_link_remove, measure_links_add, measure_update

NUMBER_SEPARATORS = re.compile(r"[\s,;]+")


class MeasureAdminForm(ServiceForm):
    # Typed in by number ("12, 15, #31"), as the change records' filter takes one: a list of
    # thousands to pick from would not fit a page.
    recommendation_numbers = forms.CharField(
        label=gettext_lazy("recommendations it answers"),
        required=False,
        help_text=gettext_lazy("Their numbers, separated by commas or spaces (12, 15, 31)."),
    )
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    service_field_names = {"recommendations": "recommendation_numbers"}

    class Meta:
        model = Measure
        fields = list(Measure.editable_fields)
        widgets = {
            "start_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.version
            linked = self.instance.links.order_by("recommendation_id").values_list("recommendation_id", flat=True)
            self.fields["recommendation_numbers"].initial = ", ".join(str(pk) for pk in linked)

    def clean_recommendation_numbers(self) -> list[int]:
        parts = [part.lstrip("#") for part in NUMBER_SEPARATORS.split(self.cleaned_data["recommendation_numbers"])]
        numbers = [part for part in parts if part]
        wrong = [part for part in numbers if not part.isdigit() or len(part) > 18]
        if wrong:
            raise ValidationError(_("Not a recommendation number: %(values)s.") % {"values": ", ".join(wrong)})
        return list(dict.fromkeys(int(part) for part in numbers))

    def write(self) -> Measure:
        data = self.cleaned_data
        numbers = data.get("recommendation_numbers") or []
        user = self.request.user
        if self.instance.pk is None:
            fields = {name: data[name] for name in Measure.editable_fields if name != "responsible_bodies"}
            return measure_create(
                **fields, responsible_bodies=data.get("responsible_bodies") or (), recommendation_ids=numbers, user=user
            )
        measure = measure_update(
            measure_id=self.instance.pk,
            data=self.changed(Measure.editable_fields),
            user=user,
            expected_version=data.get("opened_version"),
        )
        linked = set(self.instance.links.values_list("recommendation_id", flat=True))
        if set(numbers) - linked:
            measure = measure_links_add(measure_id=measure.pk, recommendation_ids=numbers, user=user)
        for recommendation_id in sorted(linked - set(numbers)):
            measure = measure_link_remove(measure_id=measure.pk, recommendation_id=recommendation_id, user=user)
        return measure


class MeasureLinkInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MeasureLink
    fields = readonly_fields = ("recommendation", "recommendation_status", "created_at")
    extra = 0

    @admin.display(description=gettext_lazy("status"))
    def recommendation_status(self, link: MeasureLink) -> str:
        return link.recommendation.get_status_display()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recommendation")


class MeasureProgressInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProgressUpdate
    fk_name = "measure"
    fields = readonly_fields = (
        "created_at",
        "occurred_on",
        "status_before_in_timeline",
        "status_after",
        "note",
        "author_username",
    )
    extra = 0

    @admin.display(description=gettext_lazy("status before"))
    def status_before_in_timeline(self, update: ProgressUpdate) -> str:
        entries = timeline.entries_of(measure_id=update.measure_id)
        return str(Status(timeline.befores(entries).get(update.pk, update.status_before)).label)


class MeasureEvidenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Evidence
    fk_name = "measure"
    fields = readonly_fields = ("title", "kind", "file_name", "url", "evidence_date", "added_by_username")
    extra = 0
    show_change_link = True


@admin.register(Measure)
class MeasureAdmin(HostileQueryAdminMixin, FoldedSearchAdminMixin, ServiceFormAdminMixin, admin.ModelAdmin):
    form = MeasureAdminForm
    list_display = ["title_shown", "country", "kind", "status", "start_on", "end_on", "answers"]
    list_filter = [("country", CountryFilter), "kind", "status"]
    search_fields = ["title_az", "title_en", "description"]
    autocomplete_fields = ["responsible_bodies"]
    readonly_fields = ["status", "status_changed_at", "version", "created_at", "updated_at"]
    inlines = [MeasureLinkInline, MeasureProgressInline, MeasureEvidenceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(recommendation_total=Count("links"))

    def get_actions(self, request):
        # A measure is removed one at a time, through the service (refused when it has progress).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=gettext_lazy("title"), ordering="title_az")
    def title_shown(self, obj: Measure) -> str:
        return obj.title

    @admin.display(description=gettext_lazy("recommendations it answers"), ordering="recommendation_total")
    def answers(self, obj: Measure) -> int:
        return getattr(obj, "recommendation_total", 0)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.progress_updates.exists() or obj.evidence.exists()):
            return False  # the progress log refers to it
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        try:
            measure_delete(measure_id=obj.pk, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        # Links and bodies were saved by the service; the inlines are view-only (see the
        # recommendation's admin: saving them records what the change message reads).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


def linked_measures(recommendation: Recommendation) -> str:
    """The measures answering a recommendation, linked to their admin pages."""
    measures = recommendation.measures.all()
    if not measures:
        return "—"
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((reverse("admin:recommendations_measure_change", args=[measure.pk]), measure.title) for measure in measures),
    )
