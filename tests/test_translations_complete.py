"""Every text the site shows has its Azerbaijani translation: none missing, none left fuzzy
(gettext skips a fuzzy entry, so the page would show English)."""

import re
from pathlib import Path

from django.conf import settings

CATALOG = Path(settings.BASE_DIR) / "recommendations" / "locale" / "az" / "LC_MESSAGES" / "django.po"


def entries() -> list[str]:
    return CATALOG.read_text(encoding="utf-8").split("\n\n")[1:]  # the first is the header


def test_no_entry_is_fuzzy():
    assert [entry for entry in entries() if "#, fuzzy" in entry] == []


def test_no_entry_is_untranslated():
    untranslated = [
        entry
        for entry in entries()
        if entry.strip()
        and not entry.lstrip().startswith("#~")
        # msgstr "" (or msgstr[n] "") with no continuation line after it
        and re.search(r'^msgstr(\[\d+\])? ""\s*$(?!\n")', entry, re.M)
    ]
    assert untranslated == []


def test_the_country_is_named_in_the_pages_language(db):
    from django.test import Client

    from tests.factories import RecommendationFactory

    recommendation = RecommendationFactory()  # an Azerbaijani report's
    page = f"/recommendations/{recommendation.pk}/"
    assert "<dd>Azərbaycan</dd>" in Client().get(page, HTTP_ACCEPT_LANGUAGE="az").content.decode()
    assert "<dd>Azerbaijan</dd>" in Client().get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
