"""Rules that tie a record's fields to each other or to its report: checked by the models'
`clean()`, so every path — the services the API, pages, imports and commands call, and the
admin's forms — refuses the same values with the same field errors.

Functions of the instance's values only (no import of the models, which call them).
"""

import datetime
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .languages import supported_languages


@deconstructible
class WebLinkValidator(URLValidator):
    """A link a page may show: http or https only — never `javascript:`, `data:` or `ftp:`.
    The one rule for evidence links, on the model (so the admin has it) and used by the API's
    serializer and the page's form."""

    scheme_message = gettext_lazy("Only http and https links are accepted.")

    def __init__(self, **kwargs):
        super().__init__(schemes=["http", "https"], **kwargs)

    def __call__(self, value):
        if isinstance(value, str) and urlsplit(value).scheme.lower() not in self.schemes:
            raise ValidationError(self.scheme_message, code="invalid_scheme", params={"value": value})
        super().__call__(value)


web_link = WebLinkValidator()


def raise_if_any(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def recommendation_errors(recommendation: Any) -> dict[str, list[str]]:
    """Years within its report's, a due date not before it was made, texts in its report's
    other languages only — and none of those removed."""
    errors: dict[str, list[str]] = {}
    source = recommendation.source if recommendation.source_id is not None else None
    year_start, year_end = recommendation.year_start, recommendation.year_end
    if source is not None and source.report_year:
        for name, year in (("year_start", year_start), ("year_end", year_end)):
            if isinstance(year, int) and year > source.report_year:
                errors.setdefault(name, []).append(
                    _("A %(report)d report cannot suggest an action for %(year)d.")
                    % {"report": source.report_year, "year": year}
                )
    due_on = recommendation.due_on
    if isinstance(due_on, datetime.date) and isinstance(year_start, int) and due_on.year < year_start:
        errors["due_on"] = [
            _("The due date cannot be before %(year)d, the first year the recommendation was made.")
            % {"year": year_start}
        ]
    translations = recommendation.action_translations
    if not isinstance(translations, dict):
        errors["action_translations"] = [_('Give the texts as {"language": "text"}, e.g. {"en": "…"}.')]
        return errors
    own = source.language if source is not None else None
    problems = []
    for language, text in translations.items():
        if language not in supported_languages():
            problems.append(
                _("“%(language)s” is not a language of the site; use one of: %(languages)s.")
                % {"language": language, "languages": ", ".join(supported_languages())}
            )
        elif language == own:
            problems.append(
                _("“%(language)s” is the report's own language: its text is the action itself.")
                % {"language": language}
            )
        elif not isinstance(text, str) or not text.strip():
            problems.append(_("The “%(language)s” text is empty.") % {"language": language})
    # The report's document in that language was imported row by row: its text can be
    # corrected, not removed (the page in that language would fall back to the original).
    for language in sorted(source.translations if source is not None else ()):
        if language != own and language not in translations:
            problems.append(
                _("The report's “%(language)s” text cannot be removed; correct it instead.") % {"language": language}
            )
    if problems:
        errors["action_translations"] = problems
    return errors


def source_errors(source: Any, *, latest_year_suggested: int | None) -> dict[str, list[str]]:
    """A language of the site, and a report year no earlier than its recommendations' years."""
    errors: dict[str, list[str]] = {}
    if source.language not in supported_languages():
        errors["language"] = [
            _("“%(language)s” is not a language of the site; use one of: %(languages)s.")
            % {"language": source.language, "languages": ", ".join(supported_languages())}
        ]
    year = source.report_year
    if latest_year_suggested is not None and isinstance(year, int) and year < latest_year_suggested:
        errors["report_year"] = [
            _("Its recommendations suggest actions up to %(year)d; the report cannot be from before then.")
            % {"year": latest_year_suggested}
        ]
    return errors


def evidence_errors(evidence: Any) -> dict[str, list[str]]:
    if isinstance(evidence.evidence_date, datetime.date) and evidence.evidence_date > timezone.localdate():
        return {"evidence_date": [_("Evidence cannot be dated in the future.")]}
    return {}
