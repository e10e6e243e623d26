"""What a submission is asked for, checked: one report (named by its page's address), or a
country (by its address) and a period of report years across its reports
(`report_year_from`, `report_year_to`); the day
the statuses are given for (`as_of`, default today); the language it is written in
(`language`, default the request's). Anything else, or a value that cannot be used, is a
ValidationError naming each parameter, which the page and the API answer with a 400."""

import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations.choices import SourceKind
from recommendations.listing.fields import AsOfField
from recommendations.listing.parameters import validate_query_parameters
from recommendations.models import Source
from recommendations.years import YEAR_MAX, YEAR_MIN

REPORT_PARAMETERS = ("as_of", "language")
COUNTRY_PARAMETERS = ("report_year_from", "report_year_to", "as_of", "language")


@dataclass(frozen=True)
class SubmissionRequest:
    reports: tuple[Source, ...]  # oldest first
    country: str
    as_of: datetime.date
    language: str
    single_report: bool

    @property
    def first_year(self) -> int:
        return self.reports[0].report_year

    @property
    def last_year(self) -> int:
        return self.reports[-1].report_year


class NoSuchSubmission(Http404):
    """Well-formed parameters that select nothing (no report by that day); the message says why."""


class SubmissionParametersForm(forms.Form):
    report_year_from = forms.IntegerField(required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)
    report_year_to = forms.IntegerField(required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)
    as_of = AsOfField(required=False)
    language = forms.ChoiceField(required=False, choices=settings.LANGUAGES)

    def clean(self):
        cleaned = super().clean() or {}
        first, last = cleaned.get("report_year_from"), cleaned.get("report_year_to")
        if first is not None and last is not None and first > last:
            self.add_error("report_year_to", _("The period ends before it begins."))
        return cleaned


def _checked(params: QueryDict, accepted: tuple[str, ...], default_language: str) -> tuple[dict, datetime.date, str]:
    validate_query_parameters(params, accepted=accepted)
    form = SubmissionParametersForm(params)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    today = timezone.localdate()
    as_of = min(form.cleaned_data["as_of"] or today, today)  # after today the log says what it says today
    return form.cleaned_data, as_of, form.cleaned_data["language"] or default_language


def report_submission_request(report: Source, params: QueryDict, *, default_language: str) -> SubmissionRequest:
    """One report's submission; raises ValidationError({parameter: [messages]}) for a value
    that cannot be used, Http404 for a day before the report appeared (there is no such
    submission, as there is no such report yet)."""
    _cleaned, as_of, language = _checked(params, REPORT_PARAMETERS, default_language)
    if report.report_year > as_of.year:
        raise NoSuchSubmission(
            _("as_of: the report appeared in %(year)s, after this day.") % {"year": report.report_year}
        )
    return SubmissionRequest((report,), str(report.country), as_of, language, single_report=True)


def country_submission_request(country: str, params: QueryDict, *, default_language: str) -> SubmissionRequest:
    """A country's submission across its reports of a period (every report when no period is
    given); raises ValidationError({parameter: [messages]}), Http404 when no report of the
    country falls in the period by the day."""
    cleaned, as_of, language = _checked(params, COUNTRY_PARAMETERS, default_language)
    reports = Source.objects.public().filter(country=country, report_year__lte=as_of.year)
    if cleaned["report_year_from"] is not None:
        reports = reports.filter(report_year__gte=cleaned["report_year_from"])
    if cleaned["report_year_to"] is not None:
        reports = reports.filter(report_year__lte=cleaned["report_year_to"])
    found = tuple(reports.order_by("report_year", "kind", "slug"))
    if not found:
        raise NoSuchSubmission(_("No report of this country appeared in this period by this day (as_of)."))
    return SubmissionRequest(found, country, as_of, language, single_report=False)


def matrix_request(report: Source, params: QueryDict, *, default_language: str) -> SubmissionRequest:
    """A UPR report's thematic list given back (matrix_content.py): the parameters of its
    submission; Http404 for a report of another kind, which has no such list."""
    wanted = report_submission_request(report, params, default_language=default_language)
    if report.kind != SourceKind.UPR:
        raise NoSuchSubmission(
            _("The thematic list with the assessment is written for UPR reports; ask for this report's submission.")
        )
    return wanted
