"""The dashboard's active filters as chips: each names its filter and values as the form
shows them, and is a link to the same address without that one parameter (and without the
page number, which would point past the end of a longer list). Plain links: no JavaScript."""

from dataclasses import dataclass

from django import forms
from django.http import QueryDict

from recommendations.listing.parameters import MULTI_VALUED_PARAMETERS, parameter_values

# The page's own parameters, which are not filters: kept by a chip's link, never a chip.
NOT_FILTERS = ("page", "interval")


@dataclass(frozen=True)
class FilterChip:
    name: str
    label: str
    values: str
    remove_query: str


def _value_labels(field: forms.Field | None, values: list[str]) -> list[str]:
    choices = getattr(field, "choices", None)
    names = {str(code): str(name) for code, name in choices} if choices else {}
    return [names.get(value, value) for value in values]


def filter_chips(form: forms.Form, params: QueryDict) -> list[FilterChip]:
    """One chip per filter in `params` (blank values already left out), in the form's order."""
    order = list(form.fields)
    names = sorted(
        (name for name in params if name not in NOT_FILTERS),
        key=lambda name: (order.index(name) if name in order else len(order), name),
    )
    chips = []
    for name in names:
        field = form.fields.get(name)
        values = parameter_values(params, name) if name in MULTI_VALUED_PARAMETERS else params.getlist(name)
        rest = params.copy()
        rest.pop(name)
        rest.pop("page", None)
        chips.append(
            FilterChip(
                name=name,
                label=str(field.label) if field is not None and field.label else name,
                values=", ".join(_value_labels(field, values)),
                remove_query=rest.urlencode(),
            )
        )
    return chips
