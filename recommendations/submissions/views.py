"""Where a submission is asked for: the pages (a report's or a country's print-ready page and
its DOCX, reached from the report's page) and the API (`…/submission.docx`, with a token).
All read the same parameters and the same content; what is shown depends on who asks."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import override
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.views import APIView

from recommendations.api.schema import RoleAwareAutoSchema
from recommendations.choices import Role
from recommendations.languages import supported_languages, ui_language
from recommendations.models import Source
from recommendations.roles import has_role
from recommendations.years import YEAR_SCHEMA

from . import texts
from .content import Submission, submission_content
from .docx_document import submission_docx
from .matrix_content import Matrix, matrix_content
from .matrix_document import matrix_docx
from .parameters import (
    NoSuchSubmission,
    SubmissionRequest,
    country_submission_request,
    matrix_request,
    report_submission_request,
)
from .word import DOCX_CONTENT_TYPE


def _country(code: str) -> str:
    code = code.upper()
    if code not in countries:
        raise Http404
    return code


def _filled(query: QueryDict) -> QueryDict:
    """A page form's query without the fields left empty (the form sends every field)."""
    filled = QueryDict(mutable=True)
    for name, values in query.lists():
        if given := [value for value in values if value.strip()]:
            filled.setlist(name, given)
    return filled


def _requested(request, *, slug: str | None = None, country: str | None = None) -> SubmissionRequest:
    params = _filled(request.GET) if isinstance(request, HttpRequest) else request.query_params
    if slug is not None:
        report = get_object_or_404(Source.objects.public(), slug=slug)
        return report_submission_request(report, params, default_language=ui_language())
    return country_submission_request(_country(country or ""), params, default_language=ui_language())


def _content(request, wanted: SubmissionRequest, *, build=submission_content):
    """What `build` gathers for this requester: notes and evidence only for analysts and above."""

    def absolute(url_name: str, pk: int) -> str:
        return request.build_absolute_uri(reverse(url_name, args=[pk]))

    return build(wanted, private_included=has_role(request.user, Role.ANALYST), absolute=absolute)


def _matrix_response(request, slug: str) -> HttpResponse:
    """A UPR report's thematic list with the assessment column filled (matrix_content.py)."""
    report = get_object_or_404(Source.objects.public(), slug=slug)
    params = _filled(request.GET) if isinstance(request, HttpRequest) else request.query_params
    wanted = matrix_request(report, params, default_language=ui_language())
    matrix: Matrix = _content(request, wanted, build=matrix_content)
    response = HttpResponse(matrix_docx(matrix), content_type=DOCX_CONTENT_TYPE)
    name = f"thematic-list-{matrix.slug}-{matrix.as_of.isoformat()}-{matrix.language}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file_name(submission: Submission) -> str:
    subject = submission.reports[0].slug if submission.single_report else f"{submission.country.lower()}"
    if not submission.single_report:
        subject += f"-{submission.first_year}-{submission.last_year}"
    return f"submission-{subject}-{submission.as_of.isoformat()}-{submission.language}.docx"


def _docx_response(submission: Submission) -> HttpResponse:
    response = HttpResponse(submission_docx(submission), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(submission)}"'
    return response


def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return render(
        request, "recommendations/submission_invalid.html", {"errors": sorted(error.message_dict.items())}, status=400
    )


def _page_context(submission: Submission) -> dict:
    """The texts of the page in the submission's language (the page around it stays in the
    reader's)."""
    with override(submission.language):
        return {
            "submission": submission,
            "title": texts.document_title(),
            "subtitle": texts.subtitle(submission),
            "facts": texts.facts(submission),
            "counting_note": texts.counting_note(submission),
            "private_left_out": texts.private_left_out(),
            "status_as_of": texts.status_as_of(submission),
            "reports": [texts.report_line(report) for report in submission.reports],
            "areas": [
                {
                    "area": area,
                    "items": [
                        {
                            "item": item,
                            "heading": texts.item_heading(submission, item),
                            "only_in": texts.only_in(item.action.language_name) if item.action.fallback else "",
                            "repeated": texts.repeated(item) if item.earlier_years else "",
                            "notes": [(texts.note_lead(note), note.text) for note in item.notes],
                        }
                        for item in area.items
                    ],
                }
                for area in submission.areas
            ],
            "labels": texts.labels(),
        }


def _with(query: QueryDict, **values: str) -> str:
    query = query.copy()
    for name, value in values.items():
        query[name] = value
    return query.urlencode()


def submission_page(request: HttpRequest, slug: str | None = None, country: str | None = None) -> HttpResponse:
    """The print-ready page: the document itself, with links to the DOCX and the other language."""
    try:
        wanted = _requested(request, slug=slug, country=country)
    except ValidationError as error:
        return _invalid(request, error)
    submission = _content(request, wanted)
    context = _page_context(submission)
    docx_path = request.path.removesuffix("/") + ".docx"
    languages = list(supported_languages())
    context["docx_links"] = [(code, f"{docx_path}?{_with(request.GET, language=code)}") for code in languages]
    context["page_links"] = [(code, f"{request.path}?{_with(request.GET, language=code)}") for code in languages]
    return render(request, "recommendations/submission.html", context)


def submission_docx_page(request: HttpRequest, slug: str | None = None, country: str | None = None) -> HttpResponse:
    try:
        wanted = _requested(request, slug=slug, country=country)
    except ValidationError as error:
        return _invalid(request, error)
    return _docx_response(_content(request, wanted))


def matrix_docx_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        return _matrix_response(request, slug)
    except ValidationError as error:
        return _invalid(request, error)


class DOCXRenderer(BaseRenderer):
    """Marks the format; the view builds the body itself."""

    media_type = DOCX_CONTENT_TYPE
    format = "docx"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class NamedFormat(BaseContentNegotiation):
    """The address names the format (`.docx`): whatever a generic Accept header says, that is
    what is answered (errors are JSON, see `finalize_response`)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


SUBMISSION_PARAMETERS = [
    OpenApiParameter(
        "as_of",
        OpenApiTypes.DATE,
        description="The day the statuses are given for (YYYY-MM-DD; default and latest: today).",
    ),
    OpenApiParameter(
        "language",
        OpenApiTypes.STR,
        enum=list(supported_languages()),
        description="Default: the request's language.",
    ),
]
SUBMISSION_DESCRIPTION = (
    "The submission document (DOCX): a cover (country, period, reports, recommendations by status as of the "
    "day), then per area each recommendation with its status that day, the recommendations repeated from "
    "earlier reports and how long they have been open; progress notes and evidence links for analysts and "
    "above only. Written in `language`; a text the report holds only in the other language is given in it, "
    "marked."
)


class SubmissionSchema(RoleAwareAutoSchema):
    def _get_format_parameters(self):
        return []  # the address names the format (`.docx`); `format` is no parameter here

    def _process_override_parameters(self, direction="request"):
        parameters = super()._process_override_parameters(direction)
        for parameter in parameters.values():
            if parameter and parameter.get("in") == "query":
                # An empty value is a 400 through the API (listing/parameters.py); only the
                # page's form, which sends its empty fields, leaves them out.
                parameter.pop("allowEmptyValue", None)
        return parameters


class SubmissionDOCXView(APIView):
    renderer_classes = [DOCXRenderer]
    content_negotiation_class = NamedFormat
    read_role = None

    schema = SubmissionSchema()

    def get(self, request, **kwargs):
        try:
            wanted = _requested(request, **kwargs)
        except NoSuchSubmission as error:
            raise NotFound(str(error)) from error
        return _docx_response(_content(request, wanted))


_RESPONSES = {
    (200, DOCX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="Word document"),
    400: OpenApiResponse(description="A bad or unknown parameter; the body names it."),
    404: OpenApiResponse(
        description="No such report or country, or no report of it by `as_of` (in the period); the body says which."
    ),
}


class ReportSubmissionDOCXView(SubmissionDOCXView):
    @extend_schema(
        operation_id="source_submission_docx",
        tags=["submissions"],
        summary="A report's submission document (DOCX)",
        description=SUBMISSION_DESCRIPTION,
        parameters=SUBMISSION_PARAMETERS,
        responses=_RESPONSES,
    )
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


class CountrySubmissionDOCXView(SubmissionDOCXView):
    @extend_schema(
        operation_id="country_submission_docx",
        tags=["submissions"],
        summary="A country's submission document across its reports of a period (DOCX)",
        description=SUBMISSION_DESCRIPTION
        + " A recommendation repeated by a later report of the period is given once, in its latest report.",
        parameters=[
            OpenApiParameter("report_year_from", YEAR_SCHEMA, description="First report year (default: all)."),
            OpenApiParameter("report_year_to", YEAR_SCHEMA, description="Last report year (default: all)."),
            OpenApiParameter("country", OpenApiTypes.STR, OpenApiParameter.PATH, description="ISO 3166-1 alpha-2"),
            *SUBMISSION_PARAMETERS,
        ],
        responses=_RESPONSES,
    )
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


class ReportMatrixDOCXView(SubmissionDOCXView):
    @extend_schema(
        operation_id="source_thematic_list_docx",
        tags=["submissions"],
        summary="A UPR report's thematic list with the assessment column filled (DOCX)",
        description=(
            "OHCHR's thematic list of the review's recommendations as NGOs send it back: landscape, a "
            "“Theme: …” row before each theme, and per recommendation its paragraph number, text, "
            "recommending States, position and its source, themes, SDGs and affected persons, and the "
            "“Assessment/comments on level of implementation” column filled with its status as of the day; "
            "the latest progress notes and evidence links for analysts and above only. Written in `language`; "
            "a text the report holds only in the other language is given in it, marked. UPR reports only "
            "(404 for another kind)."
        ),
        parameters=SUBMISSION_PARAMETERS,
        responses={
            **_RESPONSES,
            404: OpenApiResponse(
                description=(
                    "No such report, not a UPR report, or a day before the report appeared; the body says which."
                )
            ),
        },
    )
    def get(self, request, **kwargs):
        try:
            return _matrix_response(request, kwargs["slug"])
        except NoSuchSubmission as error:
            raise NotFound(str(error)) from error
