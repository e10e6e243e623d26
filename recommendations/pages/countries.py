"""One page per country: every report of it, the TIP tier and the DOL advancement level year
by year, and its recommendations by status over the years — the picture a visitor would
rather look at than read. Public figures only (no notes, nothing withdrawn), a fixed number of
queries."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_countries import countries

from recommendations.analytics import over_time, stats
from recommendations.analytics.charts import stacked_area_chart, stacked_bar_chart, status_bar_chart
from recommendations.choices import SourceKind, Status, status_order
from recommendations.listing.parameters import validate_query_parameters
from recommendations.models import Recommendation, Source

# The page reads nothing from its address but the country: any parameter is a 400 naming it.
ACCEPTED_PARAMETERS: tuple[str, ...] = ()


def _levels(sources: list[Any], kind: str) -> list[Any]:
    """A series' level per report year (the TIP tier, or DOL's advancement level, kept in
    the same field), where any report of it states one."""
    rows = [source for source in sources if source["kind"] == kind]
    return rows if any(source["tip_tier"] for source in rows) else []


@require_safe
def country_page(request: HttpRequest, country: str) -> HttpResponse:
    code = country.upper()
    if code not in dict(countries):
        raise Http404(_("No such country."))
    try:
        validate_query_parameters(request.GET, accepted=ACCEPTED_PARAMETERS)
    except ValidationError as error:
        errors = [f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()]
        return render(request, "recommendations/country_invalid.html", {"errors": errors}, status=400)
    sources = list(
        Source.objects.public()
        .filter(country=code)
        .order_by("report_year", "kind", "slug")
        .values("pk", "slug", "title", "kind", "report_year", "tip_tier")
    )
    if not sources:
        raise Http404(_("No report of this country is held."))
    # Withdrawn reports and rows are out of the picture for everyone, as on every list.
    recommendations = Recommendation.objects.public().filter(source__country=code, source__withdrawn_at__isnull=True)
    counts = stats.recommendation_stats(recommendations, breakdowns=("source",))
    statuses = status_order()
    by_source = {row["source"]: row for row in counts["by_source"]}
    reports: list[dict[str, Any]] = []
    for source in reversed(sources):
        counted = by_source.get(source["slug"])
        reports.append({**source, "total": counted["total"] if counted else 0, "counted": counted})
    report_chart = stacked_bar_chart(
        [
            (row["slug"], f"{row['kind'].upper()} {row['report_year']}", row["counted"]["by_status"])
            for row in reports
            if row["counted"]
        ],
        statuses,
    )
    periods = over_time.recommendation_timeline(recommendations, interval="year")["periods"]
    total = counts["total"]
    implemented = counts["by_status"][Status.IMPLEMENTED]
    context: dict[str, Any] = {
        "country": code,
        "country_name": dict(countries)[code],
        "stats": counts,
        "status_totals": [(status, label, counts["by_status"][status]) for status, label in statuses],
        "status_chart": status_bar_chart(counts["by_status"], statuses),
        "implemented_share": (100 * implemented / total) if total else None,
        "levels": [
            {"id": table_id, "label": label, "rows": rows}
            for table_id, label, rows in (
                ("tip-tiers", _("TIP tier"), _levels(sources, SourceKind.TIP)),
                ("dol-levels", _("Advancement level"), _levels(sources, SourceKind.DOL)),
            )
            if rows
        ],
        "reports": reports,
        "report_chart": report_chart,
        "timeline_chart": stacked_area_chart(
            [(row["end"].isoformat(), str(row["end"].year), row["by_status"]) for row in periods], statuses
        ),
    }
    return render(request, "recommendations/country.html", context)
