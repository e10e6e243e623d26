"""The exports of the filtered list (`export.csv`, `export.xlsx`, `export/?format=`): their
renderers, the format negotiation and the views; the files themselves are written by
analytics/exports.py."""

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer

from recommendations.analytics import exports, spreadsheets
from recommendations.indicators.exports import indicator_values_sheet
from recommendations.listing import selectors
from recommendations.progress import log

from .negotiation import FirstRendererNegotiation
from .recommendation_filters import RecommendationFiltersMixin
from .renderers import ORJSONRenderer


class SpreadsheetRenderer(BaseRenderer):
    """Marks a format the exports produce; the views build the response body themselves."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CSVRenderer(SpreadsheetRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class XLSXRenderer(SpreadsheetRenderer):
    media_type = spreadsheets.XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None


class FormatNegotiation(FirstRendererNegotiation):
    """A format the URL names (`export.csv`, `?format=xlsx`) wins over a generic Accept
    header, which API clients often send as `application/json` on every call; only an export
    URL that names no format is negotiated by Accept (and may be a 406). An unknown `format`
    is a 400 naming the parameter (FirstRendererNegotiation.filter_renderers)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if not format_suffix and request.query_params.get(self.settings.URL_FORMAT_OVERRIDE) == "":
            self.filter_renderers(renderers, "")  # an empty `format=` would silently mean the default
        named = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if named:
            renderers = self.filter_renderers(renderers, named)
        if named or len(renderers) == 1:
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


ORDERING_PARAMETER = OpenApiParameter(
    "ordering",
    OpenApiTypes.STR,
    description="Sort field, `-` for descending; comma-separate several. Default `id`.",
    enum=[
        *selectors.RECOMMENDATION_ORDERING_FIELDS,
        *(f"-{name}" for name in selectors.RECOMMENDATION_ORDERING_FIELDS),
    ],
)


DELIMITER_PARAMETER = OpenApiParameter(
    spreadsheets.DELIMITER_PARAMETER,
    OpenApiTypes.STR,
    enum=list(spreadsheets.DELIMITERS),
    description=(
        "CSV only: what separates the cells, `,` (default), `;` (Excel where the list separator is `;`, "
        "as under Azerbaijani regional settings) or `tab`. A workbook takes none (400)."
    ),
)

EXPORT_RESPONSES = {
    "csv": ((200, "text/csv"), OpenApiResponse(OpenApiTypes.STR, description="CSV, UTF-8 with a byte-order mark")),
    "xlsx": ((200, spreadsheets.XLSX_CONTENT_TYPE), OpenApiResponse(OpenApiTypes.BINARY, description="Excel workbook")),
}


def export_schema(*formats: str):
    negotiated = {406: OpenApiResponse(description="Without `format`, none of the Accept header's types.")}
    return extend_schema(
        operation_id=f"recommendations_export_{'_'.join(formats)}",
        summary=f"Export the filtered recommendations as {'/'.join(formats).upper()}",
        description=(
            "The recommendations matching the filters, with the columns "
            f"{', '.join(exports.EXPORT_FIELDS)}. Area names and status labels are in the "
            "request's language; `last_progress_on` is the date of the latest progress update. "
            "Streamed: any number of rows."
        ),
        parameters=[ORDERING_PARAMETER, *([DELIMITER_PARAMETER] if "csv" in formats else [])],
        responses={
            **dict(EXPORT_RESPONSES[name] for name in formats),
            400: OpenApiResponse(
                description="A bad or unknown parameter; the body names it. XLSX: more rows than an Excel sheet "
                f"holds ({exports.XLSX_MAX_ROWS:,}), under `format`."
            ),
            **(negotiated if len(formats) > 1 else {}),
        },
    )


class RecommendationExportView(RecommendationFiltersMixin, generics.GenericAPIView):
    renderer_classes = [CSVRenderer, XLSXRenderer]
    content_negotiation_class = FormatNegotiation
    extra_parameters = frozenset({"format", "ordering", spreadsheets.DELIMITER_PARAMETER})

    @export_schema("csv", "xlsx")
    def get(self, request):
        return self.export(request)

    def export(self, request):
        recommendations, filters = selectors.recommendation_selection(
            params=request.query_params, extra_parameters=self.extra_parameters, user=request.user
        )
        queryset = selectors.recommendation_order(
            recommendations, request.query_params.get("ordering"), filters.get("as_of")
        )
        xlsx = request.accepted_renderer.format == "xlsx"
        delimiter = spreadsheets.csv_delimiter(request.query_params, csv_format=not xlsx)
        stamp = timezone.localdate().isoformat()
        as_of = filters.get("as_of")
        page_url = request.build_absolute_uri(reverse("recommendations:detail", args=[0])).replace("/0/", "/{id}/")
        if xlsx:
            stated = [(name, ",".join(values)) for name, values in request.query_params.lists() if name != "format"]
            if exports.xlsx_too_many_rows(queryset):
                raise ValidationError(
                    {
                        "format": [
                            _(
                                "These filters select more than %(limit)s recommendations, more than an Excel "
                                "sheet holds: export them as CSV (format=csv) or narrow the filters."
                            )
                            % {"limit": f"{exports.XLSX_MAX_ROWS:,}"}
                        ]
                    }
                )
            response = StreamingHttpResponse(
                exports.xlsx_chunks(
                    queryset,
                    as_of=as_of,
                    page_url=page_url,
                    filters=stated,
                    more_sheets=[
                        # The log (notes only for those who may read them), then the figures of
                        # the exported recommendations' countries (published: for anyone).
                        log.progress_sheet(recommendations, as_of=as_of, with_notes=log.reads_notes(request.user)),
                        indicator_values_sheet(queryset),
                    ],
                ),
                content_type=spreadsheets.XLSX_CONTENT_TYPE,
            )
            response["Content-Disposition"] = f'attachment; filename="recommendations-{stamp}.xlsx"'
            return response
        response = StreamingHttpResponse(
            exports.csv_chunks(queryset, as_of=as_of, page_url=page_url, delimiter=delimiter),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="recommendations-{stamp}.csv"'
        return response

    def perform_content_negotiation(self, request, force=False):
        # OPTIONS describes the endpoint, in JSON, whatever the Accept header or URL says.
        if request.method == "OPTIONS":
            return ORJSONRenderer(), ORJSONRenderer.media_type
        return super().perform_content_negotiation(request, force)


class RecommendationCSVExportView(RecommendationExportView):
    renderer_classes = [CSVRenderer]

    @export_schema("csv")
    def get(self, request):
        return self.export(request)


class RecommendationXLSXExportView(RecommendationExportView):
    renderer_classes = [XLSXRenderer]
    # A workbook has no cell separator: not a parameter here (its 400 listed it as one).
    extra_parameters = RecommendationExportView.extra_parameters - {spreadsheets.DELIMITER_PARAMETER}

    @export_schema("xlsx")
    def get(self, request):
        return self.export(request)


JSON_AND_SPREADSHEETS = [ORJSONRenderer, BrowsableAPIRenderer, CSVRenderer, XLSXRenderer]


def spreadsheet_responses(schema, description: str) -> dict:
    """A JSON answer's schema beside its CSV and XLSX forms (`format=csv|xlsx`) and the
    browsable page (`format=api`)."""
    return {
        (200, "application/json"): schema,
        (200, "text/csv"): OpenApiResponse(
            OpenApiTypes.STR, description=f"CSV, UTF-8 with a byte-order mark: {description}"
        ),
        (200, spreadsheets.XLSX_CONTENT_TYPE): OpenApiResponse(
            OpenApiTypes.BINARY, description=f"Excel workbook: {description}; a `filters` sheet says what was asked"
        ),
        (200, "text/html"): OpenApiResponse(
            OpenApiTypes.STR, description="`format=api`: the JSON answer in a browsable HTML page"
        ),
    }


class SpreadsheetFormatsMixin:
    """JSON, or with `format=csv|xlsx` (or an Accept header asking for them) the same
    numbers as a spreadsheet (`analytics/tables.py`); any other `format` is a 400 naming it.
    Errors stay JSON whatever format was asked for (`exceptions.answer_in_json`)."""

    renderer_classes = JSON_AND_SPREADSHEETS
    spreadsheet_name = "data"

    def spreadsheet(self, request, sheets, *, as_of=None, states_as_of: bool = True):
        """The CSV (the first sheet) or workbook of `sheets`; None when the answer is JSON.
        `delimiter` is checked even then: a JSON answer takes none."""
        chosen = request.accepted_renderer.format
        delimiter = spreadsheets.csv_delimiter(request.query_params, csv_format=chosen == "csv")
        stamp = timezone.localdate().isoformat()
        filename = f"{self.spreadsheet_name}-{stamp}"
        if chosen == "csv":
            _name, header, rows = sheets[0]
            response = StreamingHttpResponse(
                spreadsheets.csv_lines(header, rows, delimiter=delimiter), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
            return response
        if chosen == "xlsx":
            stated = [(name, ",".join(values)) for name, values in request.query_params.lists() if name != "format"]
            response = StreamingHttpResponse(
                spreadsheets.workbook_chunks(sheets, stated=stated, as_of=as_of, states_as_of=states_as_of),
                content_type=spreadsheets.XLSX_CONTENT_TYPE,
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
            return response
        return None
