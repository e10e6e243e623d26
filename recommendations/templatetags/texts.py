"""`{% action_text recommendation 180 %}`: a recommendation's action in the page's language when
the report is there in it, else in its original, marked as such.

Every page shows the text in its own language where it exists (the English text on English
pages, the Azerbaijani on Azerbaijani ones). Text only in the other language is marked twice:
`lang` on its element, so a screen reader pronounces it in that language, and a visible
"Azerbaijani original" / "English original" in the page's language."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from recommendations.languages import ui_language

from .shortened import shortened

register = template.Library()

# What a text only in another language is marked with, by that language.
ORIGINAL_LABELS = {"az": _("Azerbaijani original"), "en": _("English original")}


def shown_language(recommendation, language: str) -> str:
    """The language `recommendation.action_in(language)` is in."""
    source_language = recommendation.source.language
    if language != source_language and recommendation.action_translations.get(language):
        return language
    return source_language


def original_label(language: str) -> str:
    """Nothing when `language` is the page's own; else what marks a text in it."""
    if language == ui_language():
        return ""
    return str(ORIGINAL_LABELS.get(language, language))


@register.simple_tag
def action_text(recommendation, limit: int = 0) -> SafeString:
    page = ui_language()
    language = shown_language(recommendation, page)
    text = recommendation.action_in(page)
    if limit:
        text = shortened(text, limit)
    label = original_label(language)
    if not label:
        return format_html('<span lang="{}">{}</span>', language, text)
    return format_html('<span lang="{}">{}</span> <small class="original-language">({})</small>', language, text, label)


@register.simple_tag
def original_marker(language: str) -> SafeString:
    """The visible mark of a text in `language` on this page, or nothing."""
    label = original_label(language)
    return format_html('<small class="original-language">({})</small>', label) if label else SafeString("")
