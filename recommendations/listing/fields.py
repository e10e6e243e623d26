"""The list filters' form fields: strict parsers. Each refuses what the API's schema refuses
(a 400 naming the parameter) rather than reading it as something else or as no filter.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from recommendations.search import parse_query

# Ids are 64-bit: a larger number can match nothing, and must not reach the database.
ID_MAX = 2**63 - 1


class MultipleValueField(forms.MultipleChoiceField):
    """Accepts `?x=a&x=b` and `?x=a,b` alike.

    `known_values`, when given, is a function from the submitted values to those of them
    that exist: validation then looks up only what was asked for instead of walking every
    labelled choice (every country's translated name, every source in the database), which
    cost more than the list query itself. When it answers with a mapping (given → stored), each
    value is cleaned to the spelling stored: a report's slug is found in either case.
    """

    def __init__(self, *args, known_values=None, normalize=None, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_values = known_values
        self.normalize = normalize
        self.allowed = allowed  # the valid values as the error states them; else every choice

    def __deepcopy__(self, memo):
        # Every form gets its own copy of its fields. The choices here are fixed vocabularies
        # no form changes, so they are shared rather than deep-copied label by (lazily
        # translated) label on every request, which cost a tenth of a list request.
        return forms.Field.__deepcopy__(self, memo)

    def to_python(self, value):
        values = [part.strip() for item in super().to_python(value) for part in item.split(",") if part.strip()]
        return [self.normalize(part) for part in values] if self.normalize else values

    def clean(self, value):
        values = self.to_python(value)
        known = self.known_values(values) if self.known_values is not None and values else None
        self._check(values, known)
        self.run_validators(values)
        return [known[item] for item in values] if isinstance(known, Mapping) else values

    def validate(self, value):
        self._check(value, self.known_values(value) if self.known_values is not None and value else None)

    def _check(self, value, known):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        for item in value:
            if item not in known if known is not None else not self.valid_value(item):
                # Named with the values it takes, as `ordering` is.
                choices: Iterable[tuple[Any, Any]] = cast(Iterable[tuple[Any, Any]], self.choices)
                allowed = self.allowed() if self.allowed else ", ".join(str(code) for code, _label in choices)
                raise forms.ValidationError(
                    _("“%(value)s” is not a value of this filter; use one of: %(allowed)s."),
                    code="invalid_choice",
                    params={"value": item, "allowed": allowed},
                )


class StrictIntegerField(forms.IntegerField):
    """Digits only: Django's IntegerField also reads "12.0" as 12, which the schema (integer) refuses."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ModelMultipleValueField(django_filters.fields.ModelMultipleChoiceField):
    """Primary keys as `?x=1&x=2` or `?x=1,2`; an unknown key is an error, not an empty list."""

    def clean(self, value):
        if value:
            value = [part.strip() for item in value for part in str(item).split(",") if part.strip()]
            for part in value:
                # Checked before the lookup: a number no id column can hold must not reach the database.
                if not part.isdigit() or not 1 <= int(part) <= ID_MAX:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": part}
                    )
        return super().clean(value)


class StrictBooleanField(forms.Field):
    """true/false/1/0/yes/no; anything else is an error rather than 'no filter'."""

    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        lowered = str(value).strip().lower()
        if lowered in self.TRUE:
            return True
        if lowered in self.FALSE:
            return False
        raise forms.ValidationError(_("Enter true or false."), code="invalid")


class WithdrawnField(StrictBooleanField):
    """`withdrawn`: unset is `false`, so its condition (withdrawn rows left out) applies to
    every read of the list filters, asked or not."""

    def to_python(self, value):
        return bool(super().to_python(value))


class AsOfField(forms.DateField):
    """A day as YYYY-MM-DD, and only so: 01/02/2023 means different days to different readers.
    Any day is an answer: before the first report nothing is counted; after today, the log
    holds nothing yet (progress is never dated in the future), so it is the status today."""

    input_formats = ["%Y-%m-%d"]

    def to_python(self, value):
        # strptime would also read 2023-1-5; the schema (and this API) say YYYY-MM-DD.
        if isinstance(value, str) and value.strip() and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class SearchField(forms.CharField):
    """A search (`search.parse_query`): refused when nothing in it is a word to look for
    (`😀`, `%`, `—`, a lone `OR`), which would otherwise find every row."""

    def validate(self, value):
        super().validate(value)
        if value and not parse_query(value):
            raise forms.ValidationError(
                _("Nothing to search for: give a word or number (punctuation, symbols and OR alone find nothing)."),
                code="invalid",
            )
