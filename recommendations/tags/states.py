"""A recommending State's name as the UN prints it → its ISO 3166-1 code, or "" when unsure.

The UN writes its members' official short names ("Iran (Islamic Republic of)", "Republic of
Moldova", "Viet Nam", "the former Yugoslav Republic of Macedonia"); django-countries knows
most of them, the rest are declared here. Nothing is matched by part of a name: "(No. 29)"
or "(NHRI)" inside a recommendation are never read as a State.
"""

import functools

import django
from django.apps import apps
from django.utils import translation
from django_countries import countries

from .vocabularies import term_words

# UN names (and former names) django-countries does not give.
UN_NAMES = {
    "Bolivarian Republic of Venezuela": "VE",
    "Venezuela (Bolivarian Republic of)": "VE",
    "Bolivia (Plurinational State of)": "BO",
    "Plurinational State of Bolivia": "BO",
    "Iran (Islamic Republic of)": "IR",
    "Islamic Republic of Iran": "IR",
    "Republic of Korea": "KR",
    "Democratic People's Republic of Korea": "KP",
    "Republic of Moldova": "MD",
    "State of Palestine": "PS",
    "United Republic of Tanzania": "TZ",
    "Micronesia (Federated States of)": "FM",
    "the former Yugoslav Republic of Macedonia": "MK",
    "Czech Republic": "CZ",
    "Swaziland": "SZ",
    "Holy See": "VA",
    "Côte d'Ivoire": "CI",
    "Cote d'Ivoire": "CI",
}


def _untranslated():
    """No language: the names as django-countries writes them (English). The child process a
    document is read in (importing/confine.py) has imported the readers only; django-countries
    needs the translation machinery, which needs the app registry: set up there once."""
    if not apps.ready:
        django.setup()
    return translation.override(None)


@functools.cache
def _names() -> dict[tuple[str, ...], str]:
    names: dict[tuple[str, ...], str] = {}
    with _untranslated():
        for code, name in countries:
            names.setdefault(term_words(str(name)), code)
    for name, code in UN_NAMES.items():
        names[term_words(name)] = code
    return names


def state_code(name: str) -> str:
    """The code of the State `name` is the whole name of, else "" (never a guess)."""
    words = term_words(name.replace("’", "'"))
    if not words:
        return ""
    code = _names().get(words)
    if code:
        return code
    # django-countries' own lookup knows official names too ("United Kingdom of Great
    # Britain and Northern Ireland", "Russian Federation"); it matches whole names only.
    with _untranslated():
        return countries.by_name(" ".join(name.split())) or ""
