"""The admin site edits through the same services as the API, so its edits leave history."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Max, Min, OuterRef
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.filters import CountryFilter

from .admin_forms import EvidenceAdminForm, RecommendationAdminForm, SourceAdminForm
from .admin_input import HostileQueryAdminMixin, _AdminBase
from .choices import Status
from .evidence.services import evidence_delete
from .history.readable import field_changes
from .importing.admin import import_job_view, import_report_view
from .importing.identity import countries_called
from .indicators import admin as indicators_admin  # noqa: F401 - the vocabulary and the values
from .listing.columns import LIST_FIELDS
from .models import ChangeRecord, Evidence, ProgressUpdate, Recommendation, ResponsibleBody, Source
from .progress import timeline
from .search import search_terms
from .templatetags.shortened import shortened
from .users import admin as users_admin  # noqa: F401 - the user, group and token pages

admin.site.site_header = _("Recommendation tracker: administration")
admin.site.site_title = _("Recommendation tracker")
admin.site.index_title = _("Administration")


class ReadOnlyAdminMixin:
    """For append-only rows: visible, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceFormAdminMixin(_AdminBase):
    """For admins whose form writes through a service while it is validated (admin_forms.py):
    the form is given the request, and saving only picks up what the service wrote."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request, obj, form, change):
        obj.pk = form.written.pk
        obj.refresh_from_db()


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


class ProgressUpdateInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProgressUpdate
    fields = ["created_at", "occurred_on", "status_before_in_timeline", "status_after", "note", "author_username"]
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("status before"))
    def status_before_in_timeline(self, update: ProgressUpdate) -> str:
        """The status before the entry as the site's timeline tells it (progress/timeline.py):
        an entry recorded later about an earlier day changes the "before" of the entry after it.
        The stored `status_before` is what its recorder saw."""
        entries = timeline.entries_of(update.recommendation_id)
        return str(Status(timeline.befores(entries).get(update.pk, update.status_before)).label)


class EvidenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Evidence
    fields = ["title", "kind", "file_name", "url", "evidence_date", "added_by_username"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Recommendation)
class RecommendationAdmin(HostileQueryAdminMixin, ServiceFormAdminMixin, admin.ModelAdmin):
    form = RecommendationAdminForm
    # The list's columns (listing/columns.py), short enough that at 1366 px the whole row,
    # the action text included, is on screen: the source by slug, the years in one column.
    list_display = [
        {"action": "short_action", "source": "source_slug", "year_start": "years"}.get(name, name)
        for name in LIST_FIELDS
        if name in {"id", "source", "area", "action", "year_start", "priority", "status", "due_on"}
    ]
    list_display_links = ["id", "short_action"]
    list_filter = ["source", "area", "status", "priority", YearSuggestedFilter]
    search_fields = ["action"]
    search_help_text = _("Finds words with or without Azerbaijani letters (emek → əmək).")
    ordering = ["source", "position"]
    list_select_related = ["source"]
    autocomplete_fields = ["responsible_bodies", "repeats", "indicators"]
    readonly_fields = ["status_changed_at", "version", "created_at", "updated_at"]
    inlines = [ProgressUpdateInline, EvidenceInline]

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
        if len(obj.action) <= 120:
            return obj.action
        return format_html('<span title="{}">{}</span>', obj.action, shortened(obj.action, 120))

    def get_readonly_fields(self, request, obj=None):
        # The source of an existing recommendation is part of its identity.
        return [*self.readonly_fields, "source"] if obj else self.readonly_fields

    def get_search_results(self, request, queryset, search_term):
        for term in search_terms(search_term):
            queryset = queryset.filter(action_search__contains=term)
        return queryset, False

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
    model = Recommendation
    fields = ["link", "position", "area", "year_start", "year_end", "status"]
    readonly_fields = fields
    ordering = ["position"]
    extra = 0

    @admin.display(description=_("recommendation"))
    def link(self, obj: Recommendation) -> str:
        return format_html('<a href="../../../recommendation/{}/change/">{}</a>', obj.pk, str(obj)[:100])


@admin.register(Source)
class SourceAdmin(HostileQueryAdminMixin, ServiceFormAdminMixin, admin.ModelAdmin):
    form = SourceAdminForm
    list_display = ["slug", "kind", "country", "report_year", "tip_tier", "title"]
    # Only the countries that have reports, not all ~250 (CountryFilter).
    list_filter = ["kind", ("country", CountryFilter), "report_year"]
    search_fields = ["slug", "title", "publisher"]
    # The document is set by the importer, never edited here; shown as its stored name, not
    # as a link: source documents and evidence files have no public URL (MEDIA_URL is None).
    exclude = ["document"]
    readonly_fields = ["stored_document", "document_sha256", "created_at", "updated_at"]
    inlines = [RecommendationInline]

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
        return obj.document.name or "—"

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
class ResponsibleBodyAdmin(HostileQueryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "abbreviation", "country"]
    search_fields = ["name", "abbreviation"]


@admin.register(Evidence)
class EvidenceAdmin(HostileQueryAdminMixin, ServiceFormAdminMixin, admin.ModelAdmin):
    form = EvidenceAdminForm
    list_display = ["title", "kind", "recommendation", "file_name", "evidence_date", "added_by_username", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "file_name", "url"]
    autocomplete_fields = ["recommendation"]
    raw_id_fields = ["progress_update"]
    readonly_fields = ["file_name", "file_size", "file_sha256", "content_type", "added_by_username", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # The file as a link to the permission-checked download, never a public media URL.
        return [("file_download" if field.name == "file" else field.name) for field in Evidence._meta.fields]

    def get_fields(self, request, obj=None):
        # An existing evidence is shown read-only: exactly those fields, so the stored file is
        # never rendered by the form's file widget (which would ask for a public URL).
        return self.get_readonly_fields(request, obj) if obj is not None else super().get_fields(request, obj)

    @admin.display(description=_("file"))
    def file_download(self, obj: Evidence) -> str:
        if not obj.file:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("evidence-file", args=[obj.pk]), obj.file_name or _("file"))

    def has_change_permission(self, request, obj=None):
        # Evidence is never edited in place: remove it and add the corrected one.
        return obj is None and super().has_change_permission(request, obj)

    def delete_model(self, request, obj):
        evidence_delete(evidence_id=obj.pk, user=request.user)

    def delete_queryset(self, request, queryset):
        for evidence_id in queryset.values_list("pk", flat=True):
            evidence_delete(evidence_id=evidence_id, user=request.user)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(HostileQueryAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "recommendation",
        "recorded_from",
        "status_after",
        "occurred_on",
        "author_username",
    ]
    list_filter = ["status_after"]
    list_select_related = ["recommendation"]

    @admin.display(description=_("status when recorded"))
    def recorded_from(self, update: ProgressUpdate) -> str:
        # What the recorder saw. The site's timeline (and the recommendation's page here) tell
        # the "before" by date, which a later entry about an earlier day can change.
        return str(update.get_status_before_display())


class ChangedRecommendationFilter(admin.SimpleListFilter):
    """`?recommendation=ID`: the changes of one recommendation (its fields, status and
    evidence), typed in rather than picked from a list of thousands."""

    title = _("recommendation")
    parameter_name = "recommendation"
    template = "admin/recommendations/changerecord/recommendation_filter.html"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, f"#{value}")] if value else [("", "")]

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(_("A recommendation is chosen by its number."))
        return queryset.filter(
            object_type__app_label="recommendations", object_type__model="recommendation", object_id=int(value)
        )


class RecordedKindFilter(admin.RelatedFieldListFilter):
    """The kinds of object that have history rows, not every content type Django knows
    (sessions, permissions, the token's proxy): one index probe per kind."""

    def field_choices(self, field, request, model_admin):
        recorded = ContentType.objects.filter(Exists(ChangeRecord.objects.filter(object_type=OuterRef("pk"))))
        return sorted(((kind.pk, str(kind.name)) for kind in recorded), key=lambda choice: choice[1])


@admin.register(ChangeRecord)
class ChangeRecordAdmin(HostileQueryAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["changed_at", "object_type", "object_repr", "action", "username", "message", "changes_summary"]
    list_filter = [ChangedRecommendationFilter, ("object_type", RecordedKindFilter), "action"]
    search_fields = ["object_repr", "username"]
    ordering = ["-changed_at", "-id"]
    list_select_related = ["object_type"]
    fields = ("changed_at", "object_type", "object_id", "object_repr", "action", "username", "message", "changes")
    readonly_fields = fields

    @admin.display(description=_("changes"))
    def changes_summary(self, obj: ChangeRecord) -> str:
        summary = "; ".join(f"{change.label}: {change.before} → {change.after}" for change in field_changes(obj))
        return shortened(summary, 160)

    @admin.display(description=_("changes"))
    def changes(self, obj: ChangeRecord) -> str:
        rows = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>',
            ((change.label, change.before, change.after) for change in field_changes(obj)),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Field"),
            _("Before"),
            _("After"),
            rows,
        )
