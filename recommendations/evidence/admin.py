"""Evidence in the admin: added, corrected (title, date, link or excerpt, a replaced file) and
removed through the evidence service (checked file, history row); found by recommendation,
by report and by words (Azerbaijani folding). The stored file is shown as the
permission-checked download, never a public media URL."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from recommendations.admin_base import ReadOnlyAdminMixin, ServiceFormAdminMixin
from recommendations.admin_forms import EvidenceAdminForm
from recommendations.admin_input import FoldedSearchAdminMixin, HostileQueryAdminMixin, RecommendationNumberFilter
from recommendations.models import Evidence

from .services import evidence_delete

SHOWN = [
    "recommendation",
    "measure",
    "progress_update",
    "title",
    "kind",
    "file_download",
    "size",
    "content_type",
    "file_sha256",
    "url",
    "excerpt",
    "evidence_date",
    "added_by_username",
    "created_at",
]


class EvidenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Evidence
    fields = ["title", "kind", "file_name", "url", "evidence_date", "added_by_username"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


class OfRecommendationFilter(RecommendationNumberFilter):
    """`?recommendation=ID`: one recommendation's evidence, typed in by its number."""

    def of_recommendation(self, queryset, pk: int):
        return queryset.filter(recommendation_id=pk)


@admin.register(Evidence)
class EvidenceAdmin(HostileQueryAdminMixin, FoldedSearchAdminMixin, ServiceFormAdminMixin, admin.ModelAdmin):
    form = EvidenceAdminForm
    list_display = [
        "title",
        "kind",
        "recommendation",
        "measure",
        "file_name",
        "evidence_date",
        "added_by_username",
        "created_at",
    ]
    list_filter = [OfRecommendationFilter, ("recommendation__source", admin.RelatedOnlyFieldListFilter), "kind"]
    list_select_related = ["recommendation", "measure"]
    search_fields = ["title", "file_name", "url", "excerpt"]
    autocomplete_fields = ["recommendation", "measure"]
    raw_id_fields = ["progress_update"]
    readonly_fields = ["file_name", "file_size", "file_sha256", "content_type", "added_by_username", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # An existing evidence: what it is, once each (the adder by the copied name only),
        # the stored file as a link to the permission-checked download, never a public media
        # URL; its title, date and content (by its kind) can be corrected.
        if obj is None:
            return self.readonly_fields
        return [name for name in SHOWN if name not in self._correctable(obj)]

    def get_fields(self, request, obj=None):
        if obj is None:
            return super().get_fields(request, obj)
        correctable = self._correctable(obj)
        return [*SHOWN[:3], *correctable, *(name for name in SHOWN[3:] if name not in correctable)]

    @staticmethod
    def _correctable(obj: Evidence) -> list[str]:
        # A file and the address it came from are one item, whichever the kind names.
        content = {"file": ["file", "url"], "link": ["url", "file"], "excerpt": ["excerpt"]}.get(obj.kind, [])
        return ["title", "evidence_date", *content]

    @admin.display(description=_("file"))
    def file_download(self, obj: Evidence) -> str:
        if not obj.file:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("evidence-file", args=[obj.pk]), obj.file_name or _("file"))

    @admin.display(description=_("file size"))
    def size(self, obj: Evidence) -> str:
        return filesizeformat(obj.file_size) if obj.file_size is not None else "—"

    def delete_model(self, request, obj):
        evidence_delete(evidence_id=obj.pk, user=request.user)

    def delete_queryset(self, request, queryset):
        for evidence_id in queryset.values_list("pk", flat=True):
            evidence_delete(evidence_id=evidence_id, user=request.user)
