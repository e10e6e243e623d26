"""What a submission says, gathered once as plain data that the DOCX and the print page both
write out, so the two formats cannot disagree.

The status of each recommendation is the one it had at the end of the day asked for, by the
rule of listing/as_of.py (the list, the stats and the exports use the same SQL). Across
several reports a recommendation that a later report of the selection repeats is given once,
in its latest report, marked with the earlier report years it was already made in (its
lineage, catalog/repeats.py) and how long it has been open.

Progress notes and evidence may describe victims: they are read only for analysts and above
(README "Roles"), never fetched and then hidden.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_countries import countries

from recommendations.catalog.repeats import earlier_report_years
from recommendations.choices import AREAS, EvidenceKind, Status, area_label
from recommendations.evidence.selectors import evidence_by_recommendation
from recommendations.indicators.models import Indicator, IndicatorValue
from recommendations.listing.as_of import status_at_annotation
from recommendations.models import Recommendation, Source
from recommendations.progress.published import published_entries

from .parameters import SubmissionRequest

NOTES_PER_RECOMMENDATION = 2
LANGUAGE_NAMES_IN = {
    # The name of a language as the submission's own language writes it.
    "az": lambda: _("Azerbaijani"),
    "en": lambda: _("English"),
}


# What XML 1.0 (a DOCX, a printed page) cannot hold: the C0 controls but tab, line feed and
# carriage return. A note pasted from elsewhere may carry one (a vertical tab from a word
# processor); it is left out rather than failing the whole document.
NOT_IN_XML = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def document_text(text: str) -> str:
    return text.translate(NOT_IN_XML)


@dataclass(frozen=True)
class Text:
    """A text and the language it is in; `fallback` when it is not the submission's
    language because the report holds it only in another one (said so where it is shown)."""

    text: str
    language: str
    fallback: bool = False
    language_name: str = ""


@dataclass(frozen=True)
class Note:
    occurred_on: datetime.date
    status_label: str
    text: str


@dataclass(frozen=True)
class EvidenceEntry:
    title: str
    kind: str
    url: str  # empty for an excerpt
    excerpt: str
    sign_in_needed: bool  # a stored file: downloaded from the tracker by analysts and above


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator named as measuring the recommendation, with the values the reports state
    for its country up to the submission's year ("2020: 18; 2021: 15")."""

    name: str
    values: str


@dataclass(frozen=True)
class Item:
    pk: int
    number: int  # its position in its report
    report_year: int
    report_title: str
    action: Text
    status: str
    status_label: str
    page_url: str
    earlier_years: list[int]
    open_years: int | None  # repeated and not implemented: years since its first report
    notes: list[Note] = field(default_factory=list)
    evidence: list[EvidenceEntry] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)


@dataclass(frozen=True)
class AreaSection:
    code: str | None
    name: str
    items: list[Item]


@dataclass(frozen=True)
class ReportLine:
    slug: str
    title: str
    report_year: int
    kind_label: str
    tip_tier: str


@dataclass(frozen=True)
class Submission:
    language: str
    as_of: datetime.date
    generated_on: datetime.date
    country: str
    country_name: str
    first_year: int
    last_year: int
    single_report: bool
    reports: list[ReportLine]
    total: int
    by_status: list[tuple[str, str, int]]  # (code, label, count), least to most done
    areas: list[AreaSection]
    private_included: bool  # notes and evidence, for analysts and above
    repeated: int


def action_text(recommendation: Recommendation, language: str) -> Text:
    if recommendation.source.language == language:
        return Text(document_text(recommendation.action), language)
    translated = recommendation.action_translations.get(language)
    if translated:
        return Text(document_text(translated), language)
    original = recommendation.source.language
    name = LANGUAGE_NAMES_IN.get(original, lambda: original)()
    return Text(document_text(recommendation.action), original, fallback=True, language_name=str(name))


def latest_notes(ids: list[int], as_of: datetime.date, labels: dict[str, str]) -> dict[int, list[Note]]:
    """The latest notes on or before the day, newest first (by when it happened, then recorded)."""
    found: dict[int, list[Note]] = defaultdict(list)
    rows = (
        published_entries()
        .filter(recommendation_id__in=ids, occurred_on__lte=as_of)
        .exclude(note="")
        .order_by("recommendation_id", "-occurred_on", "-created_at", "-id")
        .values_list("recommendation_id", "occurred_on", "status_after", "note")
    )
    for pk, occurred_on, status_after, note in rows:
        if len(found[pk]) < NOTES_PER_RECOMMENDATION:
            found[pk].append(Note(occurred_on, labels[status_after], document_text(note)))
    return found


def evidence_by_day(ids: list[int], as_of: datetime.date, absolute) -> dict[int, list[EvidenceEntry]]:
    """The evidence of the day or before: dated by its own date, else by the progress entry it
    belongs to, else by when it was added."""
    found: dict[int, list[EvidenceEntry]] = defaultdict(list)
    rows = [(pk, evidence) for pk, items in evidence_by_recommendation(ids).items() for evidence in items]
    for recommendation_id, evidence in rows:
        entry = evidence.progress_update
        day = evidence.evidence_date or (entry.occurred_on if entry else timezone.localdate(evidence.created_at))
        if day > as_of:
            continue
        url = ""
        if evidence.kind == EvidenceKind.LINK:
            url = evidence.url
        elif evidence.kind == EvidenceKind.FILE:
            # Where the file came from, public, when known; else the tracker's own copy.
            url = evidence.url or absolute("evidence-file", evidence.pk)
        found[recommendation_id].append(
            EvidenceEntry(
                title=document_text(evidence.title),
                kind=evidence.kind,
                url=url,
                excerpt=document_text(evidence.excerpt),
                sign_in_needed=evidence.kind == EvidenceKind.FILE and not evidence.url,
            )
        )
    return found


def _indicators(rows: list[Recommendation], as_of: datetime.date) -> dict[int, list[IndicatorLine]]:
    """Two queries for every item: the links, then the values of the linked indicators in the
    items' countries. A year stated by several reports shows the latest report's value, as
    the indicator charts do; published figures, so in every submission."""
    links = Recommendation.indicators.through.objects.filter(recommendation_id__in=[row.pk for row in rows])
    named: dict[int, list[int]] = defaultdict(list)
    for recommendation_id, indicator_id in links.values_list("recommendation_id", "indicator_id"):
        named[recommendation_id].append(indicator_id)
    if not named:
        return {}
    countries_of = {row.pk: str(row.country) for row in rows}
    values = (
        IndicatorValue.objects.filter(
            indicator_id__in={pk for ids in named.values() for pk in ids},
            country__in={countries_of[pk] for pk in named},
            year__lte=as_of.year,
        )
        .select_related("indicator", "source")
        .order_by("indicator__kind", "indicator__position", "year", "source__report_year")
    )
    series: dict[tuple[str, int], dict[int, IndicatorValue]] = defaultdict(dict)
    indicators: dict[int, Indicator] = {}
    for value in values:
        series[(str(value.country), value.indicator_id)][value.year] = value  # the latest report last
        indicators[value.indicator_id] = value.indicator
    found: dict[int, list[IndicatorLine]] = {}
    for pk, indicator_ids in named.items():
        lines = []
        for indicator_id, indicator in indicators.items():  # in the vocabulary's order
            by_year = series.get((countries_of[pk], indicator_id))
            if indicator_id in indicator_ids and by_year:
                text = "; ".join(f"{year}: {value.display}" for year, value in sorted(by_year.items()))
                lines.append(IndicatorLine(indicator.name, text))
        found[pk] = lines
    return found


def _selected(request: SubmissionRequest):
    recommendations = Recommendation.objects.public().filter(source__in=request.reports)
    if not request.single_report:
        # Once, in its latest report of the selection: the earlier rows are its lineage.
        recommendations = recommendations.exclude(repeated_by__source__in=request.reports)
    return recommendations.select_related("source")


def _area_order(code: str | None) -> int:
    positions = {area.code: area.position for area in AREAS}
    return positions.get(code, len(AREAS) + 1) if code else len(AREAS) + 1


def submission_content(request: SubmissionRequest, *, private_included: bool, absolute) -> Submission:
    """Everything the submission shows, in `request.language`. `absolute(url_name, pk)` gives
    the full address of a page, so links work from a document sent away."""
    with override(request.language):
        return _content(request, private_included=private_included, absolute=absolute)


def _content(request: SubmissionRequest, *, private_included: bool, absolute) -> Submission:
    as_of = request.as_of
    labels = {code: str(label) for code, label in Status.choices}
    queryset = _selected(request)
    rows = list(
        queryset.annotate(status_at=status_at_annotation(as_of, queryset)).order_by(
            "source__report_year", "position", "pk"
        )
    )
    ids = [row.pk for row in rows]
    earlier = earlier_report_years(ids)
    notes = latest_notes(ids, as_of, labels) if private_included else {}
    evidence = evidence_by_day(ids, as_of, absolute) if private_included else {}
    indicators = _indicators(rows, as_of)
    sections: dict[str | None, list[Item]] = defaultdict(list)
    counts = dict.fromkeys(labels, 0)
    for row in rows:
        counts[row.status_at] += 1
        years = earlier.get(row.pk, [])
        still_open = years and row.status_at != Status.IMPLEMENTED
        sections[row.area].append(
            Item(
                pk=row.pk,
                number=row.position,
                report_year=row.source.report_year,
                report_title=row.source.title,
                action=action_text(row, request.language),
                status=row.status_at,
                status_label=labels[row.status_at],
                page_url=absolute("recommendations:detail", row.pk),
                earlier_years=years,
                open_years=(as_of.year - years[0]) if still_open else None,
                notes=notes.get(row.pk, []),
                evidence=evidence.get(row.pk, []),
                indicators=indicators.get(row.pk, []),
            )
        )
    areas = [
        AreaSection(code, area_label(code), items)
        for code, items in sorted(sections.items(), key=lambda pair: _area_order(pair[0]))
    ]
    return Submission(
        language=request.language,
        as_of=as_of,
        generated_on=timezone.localdate(),
        country=request.country,
        country_name=_country_name(request.reports[0]),
        first_year=request.first_year,
        last_year=request.last_year,
        single_report=request.single_report,
        reports=[_report_line(report) for report in request.reports],
        total=len(rows),
        by_status=[(code, label, counts[code]) for code, label in labels.items()],
        areas=areas,
        private_included=private_included,
        repeated=sum(1 for row in rows if earlier.get(row.pk)),
    )


def _country_name(report: Source) -> str:
    return str(countries.name(str(report.country)))


def _report_line(report: Source) -> ReportLine:
    return ReportLine(report.slug, report.title, report.report_year, str(report.get_kind_display()), report.tip_tier)
