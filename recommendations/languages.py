"""The languages the service reads and writes: settings.LANGUAGES, Azerbaijani first (the
default), each named in itself. Everything that asks "which language?" asks here."""

from django.conf import settings
from django.utils.translation import get_language


def supported_languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def language_name(code: str) -> str:
    """A language as its speakers write it ("Azərbaycanca"); an unknown code as it is."""
    return dict(settings.LANGUAGES).get(code, code)


def ui_language() -> str:
    """The language of this request (or of the task's activated translation) without its
    region: "az" or "en". Outside any activated language, the default."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]
