"""The UPR thematic list given back as NGOs send it (issue 29 §5): OHCHR's list of a review's
recommendations, theme by theme in the list's own order, with its "Assessment/comments on
level of implementation" column filled from the tracker — gathered here as plain data that
matrix_document.py writes out.

Each recommendation keeps what the list printed: its paragraph number, its text, the States
that made it, the position and its source, its themes, SDGs and affected groups (tags). The
assessment is its status at the end of the day asked for (listing/as_of.py, as the list
and the submission read it), and for analysts and above the latest progress notes and the
evidence of that day (content.py's rules: never fetched for others, then hidden).
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import override
from django_countries import countries

from recommendations.choices import Status, area_label
from recommendations.listing.as_of import status_at_annotation
from recommendations.models import Recommendation
from recommendations.tags.models import Tag
from recommendations.tags.selectors import tags_by_recommendation
from recommendations.tags.states import state_code
from recommendations.tags.vocabularies import Vocabulary

from .content import EvidenceEntry, Note, Text, action_text, evidence_by_day, latest_notes
from .parameters import SubmissionRequest

# A bracketed group in a text, one level of brackets inside ("(Iran (Islamic Republic of))").
BRACKETED = re.compile(r"\(((?:[^()]|\([^()]*\))*)\)")
TOP_LEVEL_COMMA = re.compile(r",\s*(?![^()]*\))")


@dataclass(frozen=True)
class MatrixRow:
    number: str  # the paragraph number the list printed ("121.1"); empty for one added by hand
    action: Text
    states: list[str]  # recommending States the text does not already name, in the language
    position: str  # "Supported" / "Noted" in the language; empty when the list gave none
    position_source: str  # "A/HRC/43/15 - Para 121"
    themes: list[str]
    sdgs: list[str]  # "16 - Peace, justice and strong institutions"
    groups: list[str]
    status_label: str
    notes: list[Note] = field(default_factory=list)
    evidence: list[EvidenceEntry] = field(default_factory=list)


@dataclass(frozen=True)
class ThemeSection:
    code: str | None
    name: str
    rows: list[MatrixRow]


@dataclass(frozen=True)
class Matrix:
    language: str
    as_of: datetime.date
    generated_on: datetime.date
    slug: str
    title: str
    country_name: str
    report_year: int
    sections: list[ThemeSection]
    total: int
    private_included: bool  # notes and evidence, for analysts and above


def states_named_in(text: str) -> set[str]:
    """The codes of the States a text already names in brackets: where one row of the list
    holds two States' wordings, the first one's States stay inside the text ("… (Ukraine);
    Increase efforts … (Slovakia)"), and are not written a second time after it."""
    named: set[str] = set()
    for group in BRACKETED.finditer(text):
        codes = [state_code(name) for name in TOP_LEVEL_COMMA.split(group[1])]
        if all(codes):
            named.update(codes)
    return named


def _position_source(recommendation: Recommendation) -> str:
    provenance = recommendation.provenance or {}
    for where in (provenance.get(recommendation.source.language), *provenance.values()):
        if isinstance(where, dict) and where.get("position_source"):
            return str(where["position_source"])
    return ""


def _row(recommendation: Recommendation, tags: list[Tag], language: str, status_label: str) -> MatrixRow:
    action = action_text(recommendation, language)
    named = states_named_in(action.text)
    by_vocabulary: dict[str, list[Tag]] = {}
    for tag in tags:
        by_vocabulary.setdefault(tag.vocabulary, []).append(tag)

    def names(vocabulary: Vocabulary) -> list[str]:
        return sorted((tag.name(language) for tag in by_vocabulary.get(vocabulary, [])), key=str.casefold)

    states = [tag for tag in by_vocabulary.get(Vocabulary.STATE, []) if tag.code not in named]
    sdgs = sorted(by_vocabulary.get(Vocabulary.SDG, []), key=lambda tag: int(tag.code))
    positions = by_vocabulary.get(Vocabulary.POSITION, [])
    return MatrixRow(
        number=recommendation.number,
        action=action,
        states=sorted((tag.name(language) for tag in states), key=str.casefold),
        position=positions[0].name(language) if positions else "",
        position_source=_position_source(recommendation),
        themes=names(Vocabulary.THEME),
        sdgs=[f"{tag.code} - {tag.name(language)}" for tag in sdgs],
        groups=names(Vocabulary.GROUP),
        status_label=status_label,
    )


def matrix_content(request: SubmissionRequest, *, private_included: bool, absolute) -> Matrix:
    """The thematic list of `request`'s one report, in `request.language`; `absolute(url_name,
    pk)` gives the full address of a page (evidence files kept in the tracker)."""
    with override(request.language):
        return _content(request, private_included=private_included, absolute=absolute)


def _content(request: SubmissionRequest, *, private_included: bool, absolute) -> Matrix:
    (report,) = request.reports
    as_of, language = request.as_of, request.language
    labels = {code: str(label) for code, label in Status.choices}
    queryset = Recommendation.objects.public().filter(source=report).select_related("source")
    rows = list(queryset.annotate(status_at=status_at_annotation(as_of, queryset)).order_by("position", "pk"))
    ids = [row.pk for row in rows]
    tags = tags_by_recommendation(ids)
    notes = latest_notes(ids, as_of, labels) if private_included else {}
    evidence = evidence_by_day(ids, as_of, absolute) if private_included else {}
    sections: list[ThemeSection] = []
    for recommendation in rows:
        # The list's own order: a theme's heading again wherever the area changes.
        if not sections or sections[-1].code != recommendation.area:
            name = area_label(recommendation.area, language)
            sections.append(ThemeSection(recommendation.area, str(name), []))
        row = _row(recommendation, tags.get(recommendation.pk, []), language, labels[recommendation.status_at])
        row.notes.extend(notes.get(recommendation.pk, []))
        row.evidence.extend(evidence.get(recommendation.pk, []))
        sections[-1].rows.append(row)
    return Matrix(
        language=language,
        as_of=as_of,
        generated_on=timezone.localdate(),
        slug=report.slug,
        title=report.title,
        country_name=str(countries.name(str(report.country))),
        report_year=report.report_year,
        sections=sections,
        total=len(rows),
        private_included=private_included,
    )
