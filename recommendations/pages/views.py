"""Server-rendered pages for people who do not read JSON: the dashboard and one page per
recommendation. They read through the same selectors as the API and the exports, so a
filter selects the same rows everywhere.

Progress notes, authors and evidence may describe victims: they are fetched only for
analysts and above, never merely hidden in the template.
"""

from pathlib import Path
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_countries import countries

from recommendations.analytics import over_time, stats
from recommendations.analytics.charts import stacked_area_chart, stacked_bar_chart, status_bar_chart
from recommendations.analytics.heat import implemented_heat
from recommendations.choices import AREAS, NOT_CLASSIFIED, Role, Status, area_label, area_name, status_order
from recommendations.languages import ui_language
from recommendations.listing import as_of as status_as_of
from recommendations.listing import query, selectors
from recommendations.listing.conditions import NO_AREA
from recommendations.listing.filters import RecommendationFilterSet
from recommendations.listing.parameters import MULTI_VALUED_PARAMETERS, parameter_values
from recommendations.models import Measure, ResponsibleBody, Source
from recommendations.roles import has_role
from recommendations.withdrawal.models import sees_withdrawn
from recommendations.years import YEAR_INPUT_ATTRS

from .filter_chips import filter_chips

PAGE_SIZE = 25
PAGE_PARAMETER = "page"


class DashboardFilterForm(forms.Form):
    """Draws the dashboard's filters: every filter of the list, several values where the API
    takes several. Validation is the filterset's (see selectors), so the page, the API and
    the exports accept and refuse exactly the same values."""

    q = forms.CharField(
        label=gettext_lazy("Text in the action"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": 200}),
    )
    source = forms.MultipleChoiceField(
        label=gettext_lazy("Source"), required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    country = forms.MultipleChoiceField(
        label=gettext_lazy("Country"), required=False, widget=forms.SelectMultiple(attrs={"size": 3})
    )
    area = forms.MultipleChoiceField(label=gettext_lazy("Area"), required=False, widget=forms.CheckboxSelectMultiple)
    status = forms.MultipleChoiceField(
        label=gettext_lazy("Status"), required=False, widget=forms.CheckboxSelectMultiple
    )
    priority = forms.ChoiceField(label=gettext_lazy("Prioritized"), required=False)
    year = forms.IntegerField(
        label=gettext_lazy("Suggested in year"),
        required=False,
        widget=forms.NumberInput(attrs=YEAR_INPUT_ATTRS),
    )
    year_from = forms.IntegerField(
        label=gettext_lazy("From year"),
        required=False,
        widget=forms.NumberInput(attrs=YEAR_INPUT_ATTRS),
    )
    year_to = forms.IntegerField(
        label=gettext_lazy("To year"),
        required=False,
        widget=forms.NumberInput(attrs=YEAR_INPUT_ATTRS),
    )
    as_of = forms.CharField(
        label=gettext_lazy("Status as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Each recommendation's status at the end of that day."),
    )
    distinct = forms.ChoiceField(label=gettext_lazy("Repeated recommendations"), required=False)
    responsible_body = forms.MultipleChoiceField(
        label=gettext_lazy("Addressed to"), required=False, widget=forms.SelectMultiple(attrs={"size": 3})
    )
    measure = forms.MultipleChoiceField(
        label=gettext_lazy("Answered by measure"), required=False, widget=forms.SelectMultiple(attrs={"size": 3})
    )
    repeats = forms.IntegerField(
        label=gettext_lazy("Repeats recommendation (id)"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
    )
    # Shown to those who may list withdrawn rows (the form is made with `withdrawn_listed`).
    withdrawn = forms.ChoiceField(
        label=gettext_lazy("Withdrawn"),
        required=False,
        choices=[("", gettext_lazy("Left out")), ("true", gettext_lazy("Withdrawn only"))],
    )
    overdue = forms.ChoiceField(
        label=gettext_lazy("Overdue"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            ("true", gettext_lazy("Overdue only")),
            ("false", gettext_lazy("Not overdue")),
        ],
    )
    due_before = forms.DateField(
        label=gettext_lazy("Due on or before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_after = forms.DateField(
        label=gettext_lazy("Due on or after"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, errors: dict[str, list[str]] | None = None, withdrawn_listed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not withdrawn_listed:
            del self.fields["withdrawn"]
        everything = [("", _("All"))]
        sources = list(
            Source.objects.order_by("-report_year", "slug").values_list("slug", "title", "report_year", "kind")
        )
        self._choices("source").choices = [(slug, f"{title} ({year})") for slug, title, year, _kind in sources]
        # The areas of the kinds of report held (a UPR list brings ~50 theme headings): the
        # others would only lengthen the form; the filter still takes any area in the address.
        kinds = {kind for *_rest, kind in sources}
        used_countries = selectors.countries_in_use()
        self._choices("country").choices = [(code, name) for code, name in countries if code in used_countries]
        self._choices("area").choices = [(area.code, area_name(area.code)) for area in AREAS if area.kind in kinds] + [
            (NO_AREA, NOT_CLASSIFIED)
        ]
        self._choices("status").choices = list(Status.choices)
        self._choices("priority").choices = [*everything, ("true", _("Prioritized")), ("false", _("Not prioritized"))]
        self._choices("distinct").choices = [
            ("", _("Counted in every report")),
            ("latest", _("Each recommendation once, in its latest report")),
        ]
        self._choices("responsible_body").choices = [
            (str(pk), name) for pk, name in ResponsibleBody.objects.order_by("name").values_list("pk", "name")
        ]
        # A filter added to the list later still gets a field here, as text.
        for name, list_filter in RecommendationFilterSet.base_filters.items():
            if name not in self.fields and name != "withdrawn":
                self.fields[name] = forms.CharField(label=list_filter.label, required=False)
        self._choices("measure").choices = [
            (str(measure.pk), f"{measure.title} ({measure.country})")
            for measure in Measure.objects.only("pk", "title_az", "title_en", "country").order_by("country", "pk")
        ]
        for name in ("responsible_body", "measure"):
            if not self._choices(name).choices:
                # Until one is entered there is nothing to choose: no empty list.
                del self.fields[name]
        self.filter_errors = errors or {}
        for name, field in self.fields.items():
            if name in self.filter_errors:
                field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"{name}-errors"})

    @classmethod
    def initial_from(cls, params: QueryDict) -> dict:
        """What the address says, as the fields show it: `?status=a,b` and `?status=a&status=b` alike."""
        initial: dict[str, Any] = {}
        for name in RecommendationFilterSet.base_filters:
            if name in MULTI_VALUED_PARAMETERS:
                values = parameter_values(params, name)
                # A filter drawn as text (one without a field of its own) shows them comma-separated:
                # a list there rendered as "[]" and was sent back as a value.
                initial[name] = values if name in cls.base_fields else (",".join(values) or None)
            else:
                initial[name] = params.get(name)
        return initial

    def _choices(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def fields_with_errors(self):
        return [(self[name], self.filter_errors.get(name, [])) for name in self.fields]

    def other_errors(self) -> list[str]:
        """Errors about parameters the form does not show (from a hand-written URL)."""
        return [
            f"{name}: {message}"
            for name, messages in self.filter_errors.items()
            if name not in self.fields
            for message in messages
        ]


def _without_blanks(query: QueryDict) -> QueryDict:
    """An empty form field means "any", as if the parameter were not sent."""
    cleaned = QueryDict(mutable=True)
    for name, values in query.lists():
        kept = [value for value in values if value.strip()]
        if kept:
            cleaned.setlist(name, kept)
    return cleaned


def _with_gaps(by_year: list[dict]) -> list[dict]:
    """Every year from the first to the last, those without recommendations as empty rows:
    a gap in the chart, not a year silently skipped."""
    if not by_year:
        return []
    counted = {row["year"]: row for row in by_year}
    empty = dict.fromkeys(Status.values, 0)
    return [
        counted.get(year, {"year": year, "total": 0, "by_status": empty})
        for year in range(by_year[0]["year"], by_year[-1]["year"] + 1)
    ]


MEASURES_SHOWN = 20


def dashboard(request: HttpRequest) -> HttpResponse:
    params = _without_blanks(request.GET)
    filters = params.copy()
    filters.pop(PAGE_PARAMETER, None)
    initial = DashboardFilterForm.initial_from(params)
    extra = {PAGE_PARAMETER, "interval"}
    try:
        recommendations, cleaned = selectors.recommendation_selection(
            params=params, extra_parameters=extra, user=request.user
        )
        interval = over_time.parse_interval(params.get("interval"))
        counts = stats.filtered_stats(
            params=params,
            breakdowns=("area", "year", "source"),
            extra_parameters=extra,
            by=("area", "year"),
            implemented_cells=True,
            user=request.user,
        )
        periods = _progress_over_time(params, interval, cleaned, user=request.user)
    except (ValidationError, selectors.WithdrawnNotShown) as error:
        form = DashboardFilterForm(
            initial=initial, errors=error.message_dict, withdrawn_listed=sees_withdrawn(request.user)
        )
        context = {"form": form, "invalid": True, "chips": filter_chips(form, params)}
        status = 403 if isinstance(error, selectors.WithdrawnNotShown) else 400
        return render(request, "recommendations/dashboard.html", context, status=status)

    form = DashboardFilterForm(initial=initial, withdrawn_listed=sees_withdrawn(request.user))
    statuses = status_order()
    area_chart = stacked_bar_chart(
        [(row["area"] or NO_AREA, area_label(row["area"]), row["by_status"]) for row in counts["by_area"]], statuses
    )
    year_chart = stacked_bar_chart(
        [(row["year"], str(row["year"]), row["by_status"]) for row in _with_gaps(counts["by_year"])], statuses
    )
    as_of = cleaned.get("as_of")
    rows = recommendations.select_related("source").order_by("id")
    if as_of:
        rows = rows.annotate(status_as_of=status_as_of.status_at_annotation(as_of, rows))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get(PAGE_PARAMETER))
    labels = dict(Status.choices)
    language = ui_language()
    for recommendation in page:
        recommendation.area_label = area_label(recommendation.area)
        recommendation.shown_action = recommendation.action_in(language)
        recommendation.shown_status = recommendation.status_as_of if as_of else recommendation.status
        recommendation.shown_status_label = labels[recommendation.shown_status]
    total = counts["total"]
    implemented = counts["by_status"][Status.IMPLEMENTED]
    can_record = has_role(request.user, Role.NGO_STAFF)
    context = {
        # The measures answering the selection (the whole of it, not only this page).
        "measures": query.measures_answering(filters=cleaned, limit=MEASURES_SHOWN),
        "can_record": can_record,
        "form": form,
        "stats": counts,
        "as_of": as_of,
        "distinct": cleaned.get("distinct") == "latest",
        "status_totals": [(code, label, counts["by_status"][code]) for code, label in statuses],
        "status_chart": status_bar_chart(counts["by_status"], statuses),
        "heat": implemented_heat(counts["table"]),
        "chips": filter_chips(form, params),
        "implemented_share": (100 * implemented / total) if total else None,
        "area_chart": area_chart,
        "year_chart": year_chart,
        "timeline_chart": stacked_area_chart(
            [(row["end"].isoformat(), _period_label(row["end"], interval), row["by_status"]) for row in periods],
            statuses,
        ),
        "interval": interval,
        "intervals": list(INTERVAL_LABELS.items()),
        "sources": counts["by_source"],
        "page": page,
        "query": filters.urlencode(),
        "query_without_interval": _without(filters, "interval").urlencode(),
        # The exports and the stats take the filters only, not the page's own parameters.
        "export_query": _without(filters, *extra).urlencode(),
    }
    return render(request, "recommendations/dashboard.html", context)


def source_document(request: HttpRequest, slug: str, language: str | None = None) -> HttpResponseBase:
    """A report's imported PDF or text: public (these are published reports), downloaded,
    never rendered inline."""
    source = get_object_or_404(Source.objects.visible_to(request.user), slug=slug)
    if language is None or language == source.language:
        name = source.document.name
    else:
        name = source.translations.get(language, {}).get("document", "")
    if not name or not default_storage.exists(name):
        raise Http404(_("No document is stored for this report."))
    extension = name.rsplit(".", 1)[-1]
    content_type = "application/pdf" if extension == "pdf" else "text/plain; charset=utf-8"
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"{source.slug}.{language or source.language}.{extension}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


INTERVAL_LABELS = {
    "year": gettext_lazy("by year"),
    "quarter": gettext_lazy("by quarter"),
    "month": gettext_lazy("by month"),
}


def _without(query: QueryDict, *names: str) -> QueryDict:
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept


def _period_label(end, interval: str) -> str:
    if interval == "year":
        return str(end.year)
    if interval == "quarter":
        return f"{end.year} Q{(end.month - 1) // 3 + 1}"
    return f"{end.year}-{end.month:02d}"


def _progress_over_time(params: QueryDict, interval: str, cleaned: dict, *, user) -> list[dict]:
    """The timeline with the page's filters: up to `as_of` when given, else today."""
    queryset = selectors.recommendation_list(
        params=over_time.without_recounted(params, PAGE_PARAMETER, "interval"), user=user
    )
    return over_time.recommendation_timeline(
        queryset, interval=interval, end=cleaned.get("as_of"), **over_time.recounted(cleaned)
    )["periods"]


FAVICON = Path(__file__).resolve().parent.parent / "static" / "recommendations" / "favicon.ico"


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, which browsers ask for on every page (the admin's and the API's too),
    from the static files: a 404 there is a console error on each page."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
