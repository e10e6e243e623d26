"""Which imported values someone corrected by hand: told from an import's own changes by the
message every import writes on its history rows."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.translation import gettext as _

from recommendations.models import ChangeRecord, Recommendation

# Fields of a recommendation that come from the document; status, responsible bodies and
# anything staff record are never touched by an import.
IMPORTED_FIELDS = ("area", "action", "year_start", "year_end", "priority", "number")


def import_message(*, slug: str) -> str:
    return _("Imported from %(slug)s") % {"slug": slug}


def translation_message(*, slug: str, language: str) -> str:
    return _("The %(language)s text imported onto %(slug)s") % {"language": language, "slug": slug}


def _import_messages(slug: str) -> set[str]:
    """Every message an import of `slug` leaves on history rows, in each interface language
    it may have run in: what tells an import's change from a hand correction."""
    messages = set()
    for interface, _label in settings.LANGUAGES:
        with translation.override(interface):
            messages.add(import_message(slug=slug))
            messages.update(translation_message(slug=slug, language=code) for code, _name in settings.LANGUAGES)
    return messages


@dataclass(frozen=True)
class Correction:
    """A field someone changed by hand after the last import wrote it (its history row)."""

    username: str
    changed_at: Any


def hand_corrections(recommendation_ids: list[int], *, slug: str, language: str) -> dict[int, dict[str, Correction]]:
    """Per recommendation, the imported fields whose stored value is a hand correction: changed
    by a history row that no import of `slug` wrote, and not rewritten by an import since.
    `action_translations` stands for the text in `language` only."""
    imports = _import_messages(slug)
    corrected: dict[int, dict[str, Correction]] = {}
    records = ChangeRecord.objects.filter(
        object_type=ContentType.objects.get_for_model(Recommendation),
        object_id__in=recommendation_ids,
        action=ChangeRecord.Action.UPDATE,
    ).order_by("changed_at", "id")
    for record in records.iterator():
        before, after = record.before or {}, record.after or {}
        fields = {name for name in IMPORTED_FIELDS if name in after}
        if "action_translations" in after and (before.get("action_translations") or {}).get(language) != (
            after.get("action_translations") or {}
        ).get(language):
            fields.add("action_translations")
        if not fields:
            continue
        mine = corrected.setdefault(record.object_id, {})
        for name in fields:
            if record.message in imports:
                mine.pop(name, None)
            else:
                mine[name] = Correction(record.username, record.changed_at)
    return corrected
