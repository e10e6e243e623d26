"""The languages the service reads and writes: settings.LANGUAGES, Azerbaijani first (the
default), each named in itself. Everything that asks "which language?" asks here."""

from collections.abc import Mapping

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


def text_in(language: str, *, original: str, original_language: str, translations: Mapping[str, str]) -> str:
    """A text in `language` when there is one in it, else the original: the one rule for a
    recommendation's action on the model (`Recommendation.action_in`) and in the list's rows
    (`listing.columns.action_in`), so the API, the exports, the pages and the admin agree."""
    if language and language != original_language:
        return translations.get(language) or original
    return original
