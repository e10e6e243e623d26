"""One page per report: what it is, how far its recommendations have got, by area, and
which of them an earlier report already made (repeated year after year is the strongest
sign that nothing was done)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from recommendations.analytics import stats
from recommendations.analytics.charts import stacked_bar_chart, status_bar_chart
from recommendations.catalog.repeats import earlier_report_years
from recommendations.choices import SourceKind, Status, area_label, status_order
from recommendations.languages import language_name, supported_languages, ui_language
from recommendations.listing.conditions import NO_AREA
from recommendations.models import Recommendation, Source
from recommendations.withdrawal.services import withdrawn_notice

from .common import document_url

PAGE_SIZE = 50


def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source.objects.visible_to(request.user), slug=slug)
    # Its withdrawn rows are out of the counts and the table for everyone, as on every list.
    recommendations = Recommendation.objects.public().filter(source=source)
    counts = stats.recommendation_stats(recommendations, breakdowns=("area",))
    statuses = status_order()
    area_chart = stacked_bar_chart(
        [
            (
                row["area"] or NO_AREA,
                area_label(row["area"]),
                row["by_status"],
            )
            for row in counts["by_area"]
        ],
        statuses,
    )
    page = Paginator(recommendations.order_by("position", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    earlier = earlier_report_years([item.pk for item in page])
    labels = dict(Status.choices)
    language = ui_language()
    for item in page:
        item.source = source
    rows = [
        {
            "recommendation": item,
            "shown_action": item.action_in(language),
            "area_label": area_label(item.area),
            "status_label": labels[item.status],
            "earlier_years": earlier.get(item.pk, []),
        }
        for item in page
    ]
    tiers = []
    if source.kind in (SourceKind.TIP, SourceKind.DOL):
        # The tier (TIP) or advancement level (DOL, kept in the same field) across the years
        # for the country, where several reports of the series are loaded.
        tiers = list(
            Source.objects.public()
            .filter(kind=source.kind, country=source.country)
            .order_by("report_year", "slug")
            .values("slug", "report_year", "tip_tier")
        )
    total = counts["total"]
    implemented = counts["by_status"][Status.IMPLEMENTED]
    repeated = recommendations.filter(repeats__isnull=False).count()
    context = {
        "source": source,
        "withdrawn_notice": withdrawn_notice(source) if source.is_withdrawn else "",
        "stats": counts,
        "status_totals": [(code, label, counts["by_status"][code]) for code, label in statuses],
        "status_chart": status_bar_chart(counts["by_status"], statuses),
        "implemented_share": (100 * implemented / total) if total else None,
        "area_chart": area_chart,
        "page": page,
        "rows": rows,
        "tiers": (
            tiers if len(tiers) > 1 and (source.kind == SourceKind.TIP or any(t["tip_tier"] for t in tiers)) else []
        ),
        "tier_label": _("Advancement level") if source.kind == SourceKind.DOL else _("TIP tier"),
        "tier_heading": (
            _("Advancement level over the years") if source.kind == SourceKind.DOL else _("TIP tier over the years")
        ),
        "repeated": repeated,
        "submission_languages": [(code, language_name(code)) for code in supported_languages()],
        "documents": [
            {"language": code, "language_name": language_name(code), "url": url}
            for code in [source.language, *sorted(source.translations)]
            if (url := document_url(source, code))
        ],
    }
    return render(request, "recommendations/source_detail.html", context)
