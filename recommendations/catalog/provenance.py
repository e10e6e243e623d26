"""Where a recommendation was read, said in the reader's language: "the English text: table
11, row 3, page 7". The recommendation's page and its history both say it from here; before,
the page named the document's language in that language and kept the table's own heading
("English: Table 11, cərgə 3"), and the history printed the stored keys ("en: table Table 11,
pages 6–6")."""

import re
from typing import Any

from django.utils.translation import gettext as _

# A table's heading as the importers store it: "Table 11" (DOL) or "Cədvəl 11".
NUMBERED_TABLE = re.compile(r"^(?:table|cədvəl)\s+(\S+)$", re.IGNORECASE)


def text_language_label(code: str) -> str:
    """Which of the report's texts, in the reader's language."""
    labels = {"az": _("Azerbaijani text"), "en": _("English text")}
    return labels.get(code, code)


def _span(bounds: list[int], one: str, several: str) -> str:
    """One page or line as such ("page 6", not "pages 6–6")."""
    first, last = bounds
    return (one if first == last else several) % {"first": first, "last": last}


def where_read(where: dict[str, Any], row: int | None = None) -> str:
    """One text's place: its table, row, pages or lines; `row` when `where` holds none."""
    parts = []
    table = str(where.get("table") or "").strip()
    if table:
        numbered = NUMBERED_TABLE.match(table)
        parts.append(_("table %(number)s") % {"number": numbered[1]} if numbered else f"«{table}»")
    row = where.get("row") or row
    if row:
        parts.append(_("row %(row)d") % {"row": row})
    if where.get("pages"):
        parts.append(_span(where["pages"], _("page %(first)d"), _("pages %(first)d–%(last)d")))
    elif where.get("lines"):
        parts.append(_span(where["lines"], _("line %(first)d"), _("lines %(first)d–%(last)d")))
    return ", ".join(parts)


def provenance_text(provenance: dict[str, Any]) -> str:
    """Every text's place, as one line: "Azerbaijani text: row 1, lines 33–37; English text: …"."""
    return "; ".join(
        f"{text_language_label(language)}: {where_read(where)}"
        for language, where in provenance.items()
        if isinstance(where, dict)
    )
