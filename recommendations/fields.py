"""Text fields that store Unicode in one form (NFC).

"ə" typed on one keyboard is one code point (U+0259); pasted from some PDFs or macOS file
names it can arrive decomposed (NFD) as a base letter and a combining mark. Both look the
same, but a database compares code points: without one form, equal names are "different"
(a unique responsible body twice), and an exact filter misses half the rows. So every text
column is normalised to NFC when it is cleaned (`full_clean`), saved (also `bulk_create`) and
compared in a query. Search folds further (recommendations/search.py).
"""

import unicodedata
from typing import TYPE_CHECKING

from django import forms
from django.db import models

from .validation import web_link

# Mixed into Django's field classes; type-checked as one.
if TYPE_CHECKING:
    _FieldBase = models.Field
else:
    _FieldBase = object


def nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def nfc_deep(value):
    """`nfc` on every text in a JSON value, keys included."""
    if isinstance(value, dict):
        return {nfc(key): nfc_deep(item) for key, item in value.items()}
    if isinstance(value, list):
        return [nfc_deep(item) for item in value]
    return nfc(value)


class NFCTextMixin(_FieldBase):
    """Normalisation is Python's job, not the schema's: migrations record the plain Django
    field (`deconstruct`), so adopting these fields changes no table. (On SQLite an altered
    field rebuilds its table, which would drop the append-only triggers of migration 0002.)"""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        base = next(cls for cls in type(self).__mro__ if cls.__module__.startswith("django.db.models.fields"))
        return name, f"django.db.models.{base.__name__}", args, kwargs

    def to_python(self, value):
        return nfc(super().to_python(value))

    def get_prep_value(self, value):
        return nfc(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        value = nfc(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)  # what the caller sees is what is stored
        return value


class NFCCharField(NFCTextMixin, models.CharField):
    pass


class NFCTextField(NFCTextMixin, models.TextField):
    pass


class NFCURLField(NFCTextMixin, models.URLField):
    pass


class WebLinkFormField(forms.URLField):
    """A form's link field: http or https only (validation.web_link)."""

    default_validators = [web_link]


class WebLinkField(NFCURLField):
    """A link shown on pages: http or https only, checked by the model and its forms alike."""

    default_validators = [web_link]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WebLinkFormField, **kwargs})


class NFCJSONField(NFCTextMixin, models.JSONField):
    """Translations and other texts kept as JSON: every string in them, keys too, in NFC."""

    def to_python(self, value):
        return nfc_deep(super(NFCTextMixin, self).to_python(value))

    def get_prep_value(self, value):
        return super(NFCTextMixin, self).get_prep_value(nfc_deep(value))

    def pre_save(self, model_instance, add):
        value = nfc_deep(super(NFCTextMixin, self).pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value
