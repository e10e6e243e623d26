"""`{{ text|shortened:180 }}`: a long text cut after a whole word, never mid-word, with "…".

Django's `truncatechars` cuts inside a word ("Dövlət Əmək Müfət…"), which reads as a typo in
Azerbaijani; the admin's lists and the pages use this one rule."""

from django import template

register = template.Library()


@register.filter
def shortened(text: str, limit: int) -> str:
    """`text` if it has at most `limit` characters; else at most `limit` characters ending
    after a whole word (unless the first word alone is longer than half of it), with "…"."""
    text = str(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"
