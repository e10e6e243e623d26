"""The per-country indicator page: each indicator's values over the years, as a trend chart
with its numbers in a table, every value linked to the report and the place it was read."""

from collections import defaultdict

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_countries import countries

from .charts import trend_chart
from .models import IndicatorValue, ValueState


def _series(values: list[IndicatorValue]) -> dict:
    """One indicator's rows by year: every source's value, the value the chart draws (the
    latest report's statement of that year) and whether the sources disagree."""
    by_year: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in values:
        by_year[value.year].append(value)
    first, last = min(by_year), max(by_year)
    years = []
    rows = []
    for year in range(first, last + 1):
        stated = sorted(by_year.get(year, []), key=lambda value: -value.source.report_year)
        drawn = stated[0] if stated else None
        readings = {(value.state, value.number, value.currency) for value in stated}
        years.append(
            (
                year,
                drawn.state if drawn else "",
                drawn.number if drawn else None,
                drawn.display if drawn else "",
            )
        )
        rows.append({"year": year, "values": stated, "disagree": len(readings) > 1})
    return {"chart": trend_chart(years), "rows": rows}


def indicator_trends(country: str, indicator_ids: list[int] | None = None) -> list[dict]:
    """Each indicator's values in `country` (all of them, or those of `indicator_ids`) as a
    trend chart and the rows of its numbers table, in the vocabulary's order. One query."""
    values = IndicatorValue.objects.filter(country=country)
    if indicator_ids is not None:
        values = values.filter(indicator_id__in=indicator_ids)
    by_indicator: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in values.select_related("indicator", "source").order_by(
        "indicator__kind", "indicator__position", "year", "source__report_year"
    ):
        by_indicator[value.indicator_id].append(value)
    trends = []
    for rows in by_indicator.values():
        series = _series(rows)
        drawn = any(value.state == ValueState.NUMBER for value in rows)
        trends.append({"indicator": rows[0].indicator, "chart": series["chart"] if drawn else None, **series})
    return trends


def indicators_country_page(request: HttpRequest, country: str) -> HttpResponse:
    code = country.upper()
    if code not in dict(countries):
        raise Http404
    context = {
        "country_code": code,
        "country_name": dict(countries)[code],
        "indicators": indicator_trends(code),
    }
    return render(request, "recommendations/indicators/country.html", context)
