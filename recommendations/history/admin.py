"""The history rows in the admin: read-only, newest first, found by recommendation, by who
made the change and when, and by words of its message (Azerbaijani folding)."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from recommendations.admin_base import ReadOnlyAdminMixin
from recommendations.admin_input import FoldedSearchAdminMixin, HostileQueryAdminMixin, RecommendationNumberFilter
from recommendations.models import ChangeRecord
from recommendations.templatetags.shortened import shortened

from .readable import field_changes


class ChangedRecommendationFilter(RecommendationNumberFilter):
    """`?recommendation=ID`: the changes of one recommendation (its fields, status and
    evidence), typed in rather than picked from a list of thousands."""

    def of_recommendation(self, queryset, pk: int):
        return queryset.filter(
            object_type__app_label="recommendations", object_type__model="recommendation", object_id=pk
        )


class RecordedKindFilter(admin.RelatedFieldListFilter):
    """The kinds of object that have history rows, not every content type Django knows
    (sessions, permissions, the token's proxy): one index probe per kind."""

    def field_choices(self, field, request, model_admin):
        recorded = ContentType.objects.filter(Exists(ChangeRecord.objects.filter(object_type=OuterRef("pk"))))
        return sorted(((kind.pk, str(kind.name)) for kind in recorded), key=lambda choice: choice[1])


class ChangedByFilter(admin.SimpleListFilter):
    """Who made the change, by the copied username (it outlives the user's account)."""

    title = _("changed by")
    parameter_name = "username"

    def lookups(self, request, model_admin):
        names = ChangeRecord.objects.order_by("username").values_list("username", flat=True).distinct()[:200]
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        return queryset.filter(username=self.value()) if self.value() else queryset


@admin.register(ChangeRecord)
class ChangeRecordAdmin(HostileQueryAdminMixin, FoldedSearchAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # What changed comes right after when and on what: on a phone (390 px) the later columns are
    # off-screen, and before the change itself was the last of seven (issue 24 §3).
    list_display = ["changed_at", "object_repr", "changes_summary", "username", "action", "object_type", "message"]
    list_filter = [
        ChangedRecommendationFilter,
        ("object_type", RecordedKindFilter),
        "action",
        ChangedByFilter,
        "changed_at",
    ]
    search_fields = ["object_repr", "username", "message"]
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
