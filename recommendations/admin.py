"""The admin site edits through the same services as the API, so its edits leave history.
The evidence, progress and history pages are in their packages' admin modules."""

from django.contrib import admin, messages
from django.db.models import Count, Max, Min
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import Country
from django_countries.filters import CountryFilter

from .admin_base import ReadOnlyAdminMixin, ServiceFormAdminMixin
from .admin_forms import RecommendationAdminForm, SourceAdminForm
from .admin_input import FoldedSearchAdminMixin, HostileQueryAdminMixin
from .catalog.admin_actions import ACTIONS, RecommendationActionForm
from .choices import AREAS, area_name
from .evidence.admin import EvidenceInline
from .history import admin as history_admin  # noqa: F401 - the change records
from .importing.admin import import_job_view, import_report_view
from .importing.identity import countries_called
from .indicators import admin as indicators_admin  # noqa: F401 - the vocabulary and the values
from .jobs import admin as jobs_admin  # noqa: F401 - the import log
from .languages import ui_language
from .listing.columns import LIST_FIELDS
from .measures.admin import linked_measures
from .models import Recommendation, ResponsibleBody, Source
from .overdue import overdue_q
from .progress.admin import ProgressUpdateInline
from .search import matching_q, parse_query
from .templatetags.shortened import shortened
from .users import admin as users_admin  # noqa: F401 - the user, group and token pages
from .withdrawal.admin import (
    SourceActionForm,
    WithdrawalStateMixin,
    WithdrawnListFilter,
    sources_restore,
    sources_withdraw,
)

admin.site.site_header = _("Recommendation tracker: administration")
admin.site.site_title = _("Recommendation tracker")
admin.site.index_title = _("Administration")
# No side menu of every model: at 1366 px it took a fifth of the width the lists need (the
# recommendation list hid its status and due date behind a sideways scroll); the index page
# and the breadcrumbs lead to every list.
admin.site.enable_nav_sidebar = False


class AreaHeldFilter(admin.SimpleListFilter):
    """The areas of the kinds of report held, as the dashboard lists them: every area (UPR's
    ~50 headings among them) made the list's side panel 3,200 px long for two DOL rows."""

    title = _("area")
    parameter_name = "area__exact"  # the address the field's own filter used

    def lookups(self, request, model_admin):
        kinds = set(Source.objects.order_by().values_list("kind", flat=True).distinct())
        return [(area.code, area_name(area.code)) for area in AREAS if area.kind in kinds]

    def queryset(self, request, queryset):
        return queryset.filter(area=self.value()) if self.value() else queryset


class YearSuggestedFilter(admin.SimpleListFilter):
    title = _("year suggested")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        bounds = Recommendation.objects.aggregate(first=Min("year_start"), last=Max("year_end"))
        if bounds["first"] is None:
            return []
        return [(str(year), str(year)) for year in range(bounds["last"], bounds["first"] - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(year_start__lte=int(value), year_end__gte=int(value))
        return queryset


class DueFilter(admin.SimpleListFilter):
    """Overdue by the one rule (overdue.py), due later, or with no due date."""

    title = _("due date")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("due", _("Due, not overdue")), ("none", _("No due date"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "overdue":
            return queryset.filter(overdue_q(today))
        if value == "due":
            return queryset.filter(due_on__isnull=False).exclude(overdue_q(today))
        if value == "none":
            return queryset.filter(due_on__isnull=True)
        return queryset


@admin.register(Recommendation)
class RecommendationAdmin(WithdrawalStateMixin, HostileQueryAdminMixin, ServiceFormAdminMixin, admin.ModelAdmin):
    form = RecommendationAdminForm
    # The list's columns (listing/columns.py), short enough that at 1366 px the whole row,
    # the action text included, is on screen: the source by slug, the years in one column,
    # the country by its code; priority is a filter, not a column.
    list_display = [
        {"action": "short_action", "source": "source_slug", "year_start": "years"}.get(name, name)
        for name in LIST_FIELDS
        if name in {"id", "source", "area", "action", "year_start", "status", "due_on"}
    ]
    list_display_links = ["id", "short_action"]
    list_filter = [
        "source",
        ("country", CountryFilter),
        AreaHeldFilter,
        "status",
        DueFilter,
        ("responsible_bodies", admin.RelatedOnlyFieldListFilter),
        "priority",
        YearSuggestedFilter,
        WithdrawnListFilter,
    ]
    search_fields = ["action"]
    search_help_text = _("Finds words with or without Azerbaijani letters (emek → əmək), or a number (#12).")
    ordering = ["source", "position"]
    list_select_related = ["source"]
    autocomplete_fields = ["responsible_bodies", "repeats", "indicators"]
    readonly_fields = [
        "withdrawal_state",
        "status_changed_at",
        "version",
        "created_at",
        "updated_at",
        "evidence_add",
        "measures_answering",
    ]
    inlines = [ProgressUpdateInline, EvidenceInline]
    action_form = RecommendationActionForm
    actions = ACTIONS

    def get_list_display(self, request):
        # The country and the responsible bodies after the action: they say whose it is.
        shown = list(self.list_display)
        after = shown.index("short_action") + 1
        return [*shown[:after], "country_code", "bodies", *shown[after:]]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("responsible_bodies")

    def view_on_site(self, obj: Recommendation) -> str:
        return reverse("recommendations:detail", args=[obj.pk])

    @admin.display(description=_("country"), ordering="country")
    def country_code(self, obj: Recommendation) -> str:
        # The code, named in full on hover: the action keeps the row's width.
        country = Country(str(obj.country))
        return format_html('<abbr title="{}">{}</abbr>', country.name, country.code)

    @admin.display(description=_("responsible bodies"))
    def bodies(self, obj: Recommendation) -> str:
        return ", ".join(body.abbreviation or body.name for body in obj.responsible_bodies.all()) or "—"

    @admin.display(description=_("measures answering it"))
    def measures_answering(self, obj: Recommendation) -> str:
        return linked_measures(obj) if obj.pk is not None else "—"

    @admin.display(description=_("evidence"))
    def evidence_add(self, obj: Recommendation) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<a class="addlink" href="{}?recommendation={}">{}</a> · <a href="{}?recommendation={}">{}</a>',
            reverse("admin:recommendations_evidence_add"),
            obj.pk,
            _("Add evidence"),
            reverse("admin:recommendations_evidence_changelist"),
            obj.pk,
            _("All its evidence"),
        )

    @admin.display(description=_("source"), ordering="source__slug")
    def source_slug(self, obj: Recommendation) -> str:
        return obj.source.slug

    # The admin capitalises a column's title with `str.upper` ("illər" → "Illər"), so it is
    # translated capitalised.
    @admin.display(description=pgettext_lazy("admin column", "years"), ordering="year_start")
    def years(self, obj: Recommendation) -> str:
        return str(obj.year_start) if obj.year_start == obj.year_end else f"{obj.year_start}–{obj.year_end}"

    @admin.display(description=_("action"))
    def short_action(self, obj: Recommendation) -> str:
        # In the admin's language where the report is there in it (English admin: English).
        text = obj.action_in(ui_language())
        shown = text if len(text) <= 120 else format_html('<span title="{}">{}</span>', text, shortened(text, 120))
        if obj.is_withdrawn:  # marked where it stands in the list, not only behind a filter
            return format_html('<strong class="withdrawn">{}</strong> {}', _("Withdrawn:"), shown)
        return shown

    def get_readonly_fields(self, request, obj=None):
        # The source of an existing recommendation is part of its identity.
        return [*self.readonly_fields, "source"] if obj else self.readonly_fields

    def get_search_results(self, request, queryset, search_term):
        # "12" or "#12" also finds recommendation 12 (the evidence form's picker asks so).
        number = search_term.strip().lstrip("#")
        by_number = queryset.filter(pk=int(number)) if number.isdigit() and len(number) < 10 else None
        # The API's query language and word-start rule; a search of no word lists everything.
        query = parse_query(search_term)
        queryset = queryset.filter(matching_q(query)) if query else queryset
        return (queryset | by_number if by_number is not None else queryset), False

    def has_delete_permission(self, request, obj=None):
        # Recommendations are kept: their progress log and history refer to them.
        return False

    def history_view(self, request, object_id, extra_context=None):
        # The admin's "History" button shows the tracker's own history rows, which every
        # client's changes leave, not Django's admin log.
        url = reverse("admin:recommendations_changerecord_changelist")
        return HttpResponseRedirect(f"{url}?recommendation={int(object_id)}")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        paired_by = [name for name in ("area", "year_start", "year_end") if name in form.changed_data]
        if change and paired_by and obj.provenance:
            before = {name: form.initial.get(name) for name in ("area", "year_start", "year_end")}
            self.message_user(
                request,
                _(
                    "Row %(position)d of %(source)s is now %(new)s, no longer %(old)s. The report's text in its "
                    "other language is paired with these rows by area and years: a document of it that still "
                    "gives this row as %(old)s will be refused until the row is read the same way there."
                )
                % {
                    "position": obj.position,
                    "source": obj.source.slug,
                    "new": _row_shape(obj.area, obj.year_start, obj.year_end),
                    "old": _row_shape(before["area"], before["year_start"], before["year_end"]),
                },
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        # Responsible bodies were saved by the service, so no form.save_m2m(). The inlines are
        # view-only, so saving them writes nothing, but it records what the admin's change
        # message reads (new/changed/deleted objects); skipping it made every save a 500.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


def _row_shape(area: str | None, year_start: int, year_end: int) -> str:
    years = str(year_start) if year_start == year_end else f"{year_start}–{year_end}"
    return f"{area or '—'} {years}"


class RecommendationInline(ReadOnlyAdminMixin, admin.TabularInline):
    # Each row's text once: the inline prints the recommendation itself, with its change link.
    model = Recommendation
    fields = ["position", "area", "year_start", "year_end", "status"]
    readonly_fields = fields
    ordering = ["position"]
    extra = 0
    show_change_link = True


@admin.register(Source)
class SourceAdmin(
    WithdrawalStateMixin, HostileQueryAdminMixin, FoldedSearchAdminMixin, ServiceFormAdminMixin, admin.ModelAdmin
):
    form = SourceAdminForm
    list_display = [
        "slug",
        "kind",
        "country",
        "report_year",
        "tip_tier",
        "title",
        "recommendation_count",
        "document_link",
    ]
    # Only the countries that have reports, not all ~250 (CountryFilter).
    list_filter = ["kind", ("country", CountryFilter), "report_year", WithdrawnListFilter]
    search_fields = ["slug", "title", "publisher"]
    # The document is set by the importer, never edited here; linked to the site's public
    # download of the report (source documents have no media URL: MEDIA_URL is None).
    exclude = ["document"]
    readonly_fields = ["withdrawal_state", "stored_document", "document_sha256", "created_at", "updated_at"]
    inlines = [RecommendationInline]
    action_form = SourceActionForm
    actions = [sources_withdraw, sources_restore]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(recommendation_total=Count("recommendations"))

    def view_on_site(self, obj: Source) -> str:
        return reverse("recommendations:source", args=[obj.slug])

    @admin.display(description=_("recommendations"), ordering="recommendation_total")
    def recommendation_count(self, obj: Source) -> str:
        url = reverse("admin:recommendations_recommendation_changelist")
        total = getattr(obj, "recommendation_total", "—")  # annotated by get_queryset
        return format_html('<a href="{}?source__id__exact={}">{}</a>', url, obj.pk, total)

    @admin.display(description=_("source document"))
    def document_link(self, obj: Source) -> str:
        if not obj.document:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("recommendations:source-document", args=[obj.slug]), obj.language.upper()
        )

    def get_search_results(self, request, queryset, search_term):
        # A source is also found by its country's name in either language, whatever its
        # title says ("armenia" finds a report titled "…: Ermənistan").
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        codes = countries_called(search_term)
        if codes:
            found = found | queryset.filter(country__in=codes)
        return found, may_have_duplicates

    @admin.display(description=_("source document"))
    def stored_document(self, obj: Source) -> str:
        if not obj.document:
            return "—"
        url = reverse("recommendations:source-document", args=[obj.slug])
        return format_html('<a href="{}">{}</a>', url, obj.document.name)

    def get_urls(self):
        def import_view(request):
            return import_report_view(request, {**self.admin_site.each_context(request), "opts": self.model._meta})

        def job_view(request, job_id):
            context = {**self.admin_site.each_context(request), "opts": self.model._meta}
            return import_job_view(request, context, job_id)

        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_import"
        import_urls = [
            path("import/", self.admin_site.admin_view(import_view), name=name),
            path("import/jobs/<int:job_id>/", self.admin_site.admin_view(job_view), name=f"{name}_job"),
        ]
        return [*import_urls, *super().get_urls()]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResponsibleBody)
class ResponsibleBodyAdmin(HostileQueryAdminMixin, FoldedSearchAdminMixin, admin.ModelAdmin):
    list_display = ["name", "abbreviation", "country"]
    search_fields = ["name", "abbreviation"]
