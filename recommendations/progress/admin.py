"""The progress log in the admin: read-only (entries are append-only), newest first, found by
status, author and the day it happened; on a recommendation's page, its entries."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from recommendations.admin_base import ReadOnlyAdminMixin
from recommendations.admin_input import HostileQueryAdminMixin
from recommendations.choices import Status
from recommendations.models import ProgressUpdate

from . import timeline


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


class AuthorFilter(admin.SimpleListFilter):
    """Who recorded the entry, by the copied username (it outlives the user's account)."""

    title = _("author")
    parameter_name = "author"

    def lookups(self, request, model_admin):
        names = ProgressUpdate.objects.order_by("author_username").values_list("author_username", flat=True)
        return [(name, name) for name in names.distinct()[:200]]

    def queryset(self, request, queryset):
        return queryset.filter(author_username=self.value()) if self.value() else queryset


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(HostileQueryAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "recommendation",
        "measure",
        "recorded_from",
        "status_after",
        "occurred_on",
        "author_username",
        "review_state",
    ]
    list_filter = ["status_after", "review_state", AuthorFilter, "occurred_on", "created_at"]
    list_select_related = ["recommendation", "measure"]
    ordering = ["-created_at", "-id"]

    @admin.display(description=_("status when recorded"))
    def recorded_from(self, update: ProgressUpdate) -> str:
        # What the recorder saw. The site's timeline (and the recommendation's page here) tell
        # the "before" by date, which a later entry about an earlier day can change.
        return str(update.get_status_before_display())
