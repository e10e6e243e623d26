"""Vocabularies: report kinds, areas, implementation statuses, roles, evidence kinds.

Codes are stable (they appear in URLs, exports and other tools' scripts); labels are
translated. Area names are kept in both languages as data because the Azerbaijani ones are
the exact labels the reports print, which the importer matches against.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from recommendations.tags.vocabularies import UPR_THEMES

from .languages import ui_language


class SourceKind(models.TextChoices):
    DOL = "dol", _("US DOL findings on the worst forms of child labor")
    TIP = "tip", _("US State Department Trafficking in Persons report")
    UPR = "upr", _("UN Universal Periodic Review")
    OTHER = "other", _("Other report")


class Status(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not assessed")
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
    IMPLEMENTED = "implemented", _("Implemented")


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")
    EXCERPT = "excerpt", _("Excerpt of a report")


class Role(models.TextChoices):
    """Django groups, from least to most trusted; each role can do what the ones before it can."""

    ANALYST = "analyst", _("Analyst")
    NGO_STAFF = "ngo_staff", _("NGO staff")
    ADMIN = "admin", _("Administrator")


class ReviewState(models.TextChoices):
    """Where a progress entry stands in review (REVIEW_REQUIRED): only a published entry
    counts anywhere the public, the stats or the as-of rule look."""

    PUBLISHED = "published", _("Published")
    PROPOSED = "proposed", _("Proposed")
    RETURNED = "returned", _("Returned")
    REJECTED = "rejected", _("Rejected")


ROLE_RANK = {None: 0, Role.ANALYST: 1, Role.NGO_STAFF: 2, Role.ADMIN: 3}


@dataclass(frozen=True)
class AreaDefinition:
    code: str
    kind: str
    name_az: str
    name_en: str
    position: int


AREAS: tuple[AreaDefinition, ...] = (
    AreaDefinition("legal_framework", SourceKind.DOL, "Qanun və Nizamnamələr", "Legal Framework", 1),
    AreaDefinition("enforcement", SourceKind.DOL, "Tətbiqat", "Enforcement", 2),
    AreaDefinition("coordination", SourceKind.DOL, "Əlaqələndirmə", "Coordination", 3),
    AreaDefinition("government_policies", SourceKind.DOL, "Dövlət Siyasəti", "Government Policies", 4),
    AreaDefinition("social_programs", SourceKind.DOL, "Sosial Proqramlar", "Social Programs", 5),
    AreaDefinition("prosecution", SourceKind.TIP, "Məhkəmə təqibi", "Prosecution", 6),
    AreaDefinition("protection", SourceKind.TIP, "Müdafiə", "Protection", 7),
    AreaDefinition("prevention", SourceKind.TIP, "Qarşısının alınması", "Prevention", 8),
    # The UPR's areas are the theme headings of OHCHR's thematic lists (tags/vocabularies.py).
    *(
        AreaDefinition(code, SourceKind.UPR, name_az, name_en, 9 + index)
        for index, (code, name_en, name_az, _aliases) in enumerate(UPR_THEMES)
    ),
)
AREA_CODES = tuple(area.code for area in AREAS)
AREA_BY_CODE = {area.code: area for area in AREAS}


def _english(language: str | None = None) -> bool:
    return (language or ui_language()).startswith("en")


def area_name(code: str | None, language: str | None = None) -> str | None:
    """An area's name in the given (or the active) language; Azerbaijani unless English."""
    if code is None:
        return None
    area = AREA_BY_CODE[code]
    return area.name_en if _english(language) else area.name_az


# What a recommendation without an area is listed under, wherever areas are named.
NOT_CLASSIFIED = _("Not classified")


def area_label(code: str | None, language: str | None = None) -> str:
    """An area's name as `area_name` gives it, or "Not classified" for no area (in the active
    language: a caller wanting another activates it)."""
    return area_name(code, language) if code else str(NOT_CLASSIFIED)  # type: ignore[return-value]


def area_names(language: str | None = None) -> dict[str, str]:
    """Every area's name in the given (or the active) language, by code."""
    english = _english(language)
    return {area.code: area.name_en if english else area.name_az for area in AREAS}


_STATUS_LABELS: dict[str | None, dict[str, str]] = {}


def status_labels() -> dict[str, str]:
    """Every status's label in the active language, by code (translated once per language:
    the list asks on every request). Read it, don't change it."""
    language = get_language()
    labels = _STATUS_LABELS.get(language)
    if labels is None:
        labels = _STATUS_LABELS[language] = {value: str(label) for value, label in Status.choices}
    return labels


def status_order() -> list[tuple[str, str]]:
    """Statuses from least to most done, with their labels in the active language."""
    return [(value, str(label)) for value, label in Status.choices]


def _area_label(code: str) -> str:
    # English when no language is active (migrations, commands), so the choices a migration
    # records never change with the language; Azerbaijani for Azerbaijani requests.
    area = next(area for area in AREAS if area.code == code)
    language = get_language()
    return area.name_en if not language or language.startswith("en") else area.name_az


# The model field's choices: the admin's forms, filters and lists show the area's name in the
# language of the page, from the names kept above (no separate translation to drift).
AREA_CHOICES = [(area.code, lazy(_area_label, str)(area.code)) for area in AREAS]
