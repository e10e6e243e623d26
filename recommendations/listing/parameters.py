"""Query parameters as an HTTP concern: which take several values, and the refusal of what
the filters would otherwise read as something else (unknown, repeated, not text).
"""

from collections.abc import Iterable

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .filters import RecommendationFilterSet


def _takes_several(filter_: django_filters.Filter) -> bool:
    return issubclass(filter_.field_class, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)


# The parameters that take several values, repeated (`?area=a&area=b`) or comma-separated
# (`?area=a,b`): the list filters whose field takes several, and the stats' `breakdown`.
# Declared here alone: any other parameter given twice is a 400 (`validate_query_parameters`)
# rather than answered with its last value, and the dashboard's form and the cursor's
# binding (api/pagination.py) read the same set.
MULTI_VALUED_PARAMETERS = frozenset(
    {*(name for name, filter_ in RecommendationFilterSet.base_filters.items() if _takes_several(filter_)), "breakdown"}
)


def parameter_values(params, name: str) -> list[str]:
    """The values given for `name`: each comma-separated part of a multi-valued parameter."""
    values = params.getlist(name)
    if name not in MULTI_VALUED_PARAMETERS:
        return values
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def validate_query_parameters(params, *, accepted: Iterable[str]) -> None:
    """Refuse what the filters would otherwise read as something else: a parameter the
    endpoint does not know (a typo such as `stauts` would answer with the unfiltered list),
    a parameter that takes one value given twice (it would answer with the last one), an
    empty value (`?area=` or `?year=` would answer as if not given), and a value that is not
    text (Django turns bytes that are not UTF-8 into U+FFFD; a NUL cannot be stored or
    searched)."""
    known = set(accepted)
    unknown = sorted(set(params) - known)
    if unknown:
        message = _("Unknown parameter; this endpoint accepts: %(known)s.") % {"known": ", ".join(sorted(known))}
        raise ValidationError({name: [message] for name in unknown})
    repeated = sorted(name for name in params if name not in MULTI_VALUED_PARAMETERS and len(params.getlist(name)) > 1)
    if repeated:
        once = _("Given more than once; this parameter takes one value.")
        raise ValidationError({name: [once] for name in repeated})
    # `?area=` would answer as no filter: the unfiltered list, for an asked-for filter.
    empty = sorted(name for name in params if not any(value.strip() for value in parameter_values(params, name)))
    if empty:
        blank = _("Empty; give a value, or leave the parameter out.")
        raise ValidationError({name: [blank] for name in empty})
    unreadable = sorted(
        name
        for name in params
        if any(marker in value for value in params.getlist(name) for marker in ("\ufffd", "\x00"))
    )
    if unreadable:
        message = _("The value is not valid UTF-8 text or contains a NUL byte.")
        raise ValidationError({name: [message] for name in unreadable})
