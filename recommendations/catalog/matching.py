"""Which row of an earlier chapter each row of a new chapter repeats, and how sure that is.

A DOL chapter states, for each suggested action, the years it was suggested ("2014 – 2018").
A row whose years begin at or before the report year of the latest earlier chapter imported
(same country and kind) was suggested then too: it repeats one row of that chapter, in the
same area (the repeat rule, `repeat_rule.py`), often reworded ("Publish information on the
labor inspectorate's funding" for "Make complete data on the funding of the inspectorate
publicly available"). A row whose years begin after it is new, and is never linked, however
alike its words. A TIP chapter states no years: its rows are matched by text alone, and only
text close enough to be the same recommendation counts.

Which row: the texts are compared in every language the two rows share (the Azerbaijani seed
has its English original too), by the content words they share (`text_similarity`). Rows of
the earlier chapter whose first year is the new row's own are preferred: DOL keeps that year.
Each earlier row is repeated by at most one new row. A link is made only when it is clear:
the new row's best score is high enough and ahead of its next candidate by MARGIN, and no other
new row wants that earlier row as much; a clear link takes its earlier row out of the others'
candidates, which may make theirs clear in turn. What stays unclear is listed with its
candidates for a person to choose, never linked on a guess.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from recommendations.choices import SourceKind
from recommendations.models import Recommendation, Source
from recommendations.search import fold

# Kinds whose rows state the years they were suggested.
KINDS_WITH_YEARS = frozenset({SourceKind.DOL})
# Scores (0–1, `text_similarity`). With the years saying a row repeats one of a few rows of its
# area, a modest overlap picks it out; by text alone (no years), only a close text is the same.
FLOOR_WITH_YEARS = 0.2
FLOOR_TEXT_ONLY = 0.6
# How far the chosen row must be ahead of the next candidate, for the new row and for the
# earlier row alike.
MARGIN = 0.1
# Candidates a row lists when no match is clear.
LISTED = 5

# Words that say nothing of what a recommendation asks (English and Azerbaijani, folded).
_STOP_WORDS = """
    a an and are as at be by for from in into is it its of on or such that the their this to was
    were which with all any other including ensure make take so not
    ve ile ucun bu bir olan olaraq kimi ya yaxud hem daha en de da ki uzre edin etmek edilmesi
"""
STOP_WORDS = frozenset(fold(word) for word in _STOP_WORDS.split())  # as the texts are ("which" → "whic")
STEM = 5  # letters a word is cut to: "publish", "publicly" and "publication" meet at "publi"
_WORD = re.compile(r"[^\W\d_]+")


def text_stems(text: str) -> frozenset[str]:
    """The content words of a text, folded (`search.fold`) and cut to their first STEM letters."""
    return frozenset(word[:STEM] for word in _WORD.findall(fold(text)) if len(word) > 2 and word not in STOP_WORDS)


def text_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice's coefficient of two texts' stems: 1 for the same words, 0 for none shared."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


@dataclass(frozen=True)
class EarlierRow:
    recommendation_id: int
    source_slug: str
    report_year: int
    position: int
    area: str | None
    year_start: int
    action: str
    stems: dict[str, frozenset[str]]  # language → stems of its text in that language


@dataclass(frozen=True)
class NewRow:
    key: int  # the caller's (a position)
    area: str | None
    year_start: int
    texts: dict[str, str]  # language → text


@dataclass(frozen=True)
class Scored:
    row: EarlierRow
    score: float
    language: str  # the language the texts were compared in ("" if they share none)
    same_first_year: bool


@dataclass
class Verdict:
    """What became of one new row: linked to `link` (ahead of `beaten`), or, when not,
    `candidates` for a person to choose from, and `reason` in a few words."""

    link: Scored | None = None
    beaten: list[Scored] = field(default_factory=list)
    candidates: list[Scored] = field(default_factory=list)
    reason: str = ""


def earlier_rows(*, country: str, kind: str, report_year: int) -> tuple[int | None, list[EarlierRow]]:
    """The latest earlier chapter of the series (its report year) and its rows."""
    latest = (
        Source.objects.filter(country=country, kind=kind, report_year__lt=report_year)
        .order_by("-report_year")
        .values_list("report_year", flat=True)
        .first()
    )
    if latest is None:
        return None, []
    rows = []
    for pk, slug, year, language, position, area, year_start, action, translations in (
        Recommendation.objects.filter(source__country=country, source__kind=kind, source__report_year=latest)
        .order_by("source__slug", "position")
        .values_list(
            "pk",
            "source__slug",
            "source__report_year",
            "source__language",
            "position",
            "area",
            "year_start",
            "action",
            "action_translations",
        )
    ):
        texts = {**(translations or {}), language: action}
        stems = {code: text_stems(text) for code, text in texts.items() if text}
        rows.append(EarlierRow(pk, slug, year, position, area, year_start, action, stems))
    return latest, rows


def _score(new: NewRow, stems: dict[str, frozenset[str]], earlier: EarlierRow) -> Scored:
    best, language = 0.0, ""
    for code, mine in stems.items():
        theirs = earlier.stems.get(code)
        if theirs is not None:
            score = text_similarity(mine, theirs)
            if score > best or not language:
                best, language = score, code
    return Scored(earlier, round(best, 3), language, earlier.year_start == new.year_start)


def match_rows(
    rows: Sequence[NewRow],
    earlier: Sequence[EarlierRow],
    *,
    earlier_year: int | None,
    with_years: bool,
    taken: Iterable[int] = (),
) -> dict[int, Verdict]:
    """A verdict per new row (by key). `taken`: earlier rows already repeated (by rows linked
    before, which keep their links), never offered again."""
    verdicts = {row.key: Verdict() for row in rows}
    taken = set(taken)
    floor = FLOOR_WITH_YEARS if with_years else FLOOR_TEXT_ONLY
    options: dict[int, list[Scored]] = {}
    for row in rows:
        if earlier_year is None:
            verdicts[row.key].reason = "no earlier chapter imported"
            continue
        if with_years and row.year_start > earlier_year:
            verdicts[row.key].reason = f"new: first suggested in {row.year_start}, after {earlier_year}"
            continue
        stems = {code: text_stems(text) for code, text in row.texts.items() if text}
        scored = [
            _score(row, stems, other)
            for other in earlier
            if other.area == row.area and other.recommendation_id not in taken
        ]
        if with_years and any(item.same_first_year for item in scored):
            scored = [item for item in scored if item.same_first_year]
        scored.sort(key=lambda item: (-item.score, item.row.position))
        options[row.key] = scored
        if not scored:
            verdicts[row.key].reason = "no row of the same area left in the earlier chapter"

    # Clear links first; each takes its earlier row from the others, which may clear theirs.
    progress = True
    while progress:
        progress = False
        for key, scored in options.items():
            if verdicts[key].link or not scored or scored[0].score < floor:
                continue
            best = scored[0]
            runner_up = scored[1].score if len(scored) > 1 else 0.0
            # The best any other row still undecided scores against the same earlier row.
            rival = max(
                (
                    item.score
                    for other_key, other in options.items()
                    if other_key != key and not verdicts[other_key].link
                    for item in other
                    if item.row is best.row
                ),
                default=0.0,
            )
            if best.score - runner_up < MARGIN or best.score - rival < MARGIN:
                continue
            verdicts[key].link = best
            verdicts[key].beaten = scored[1:]
            for other_key, other in options.items():
                if other_key != key:
                    options[other_key] = [item for item in other if item.row is not best.row]
            progress = True

    for key, scored in options.items():
        verdict = verdicts[key]
        if verdict.link:
            verdict.reason = "clear"
            continue
        verdict.candidates = scored[:LISTED]
        if not scored:
            verdict.reason = verdict.reason or "no row of the same area left in the earlier chapter"
        elif scored[0].score < floor:
            verdict.reason = "no text close enough"
        else:
            verdict.reason = "unclear: candidates too close"
    if not with_years:
        # By text alone, a row with nothing close enough is simply new: nothing to list.
        for verdict in verdicts.values():
            if not verdict.link and verdict.reason == "no text close enough":
                verdict.candidates = []
    return verdicts


def earlier_version_choices(recommendation: Recommendation) -> list[Scored]:
    """The rows of the earlier chapter a person may choose as this recommendation's earlier
    version, best first — what an import lists for a row with no clear match, for deciding
    later on the recommendation's page (a clear match it was not linked to comes first). None
    once it repeats a row, and none its years or text rule out: nothing is offered on a guess."""
    if recommendation.repeats_id is not None:
        return []
    source = recommendation.source
    earlier_year, earlier = earlier_rows(country=source.country, kind=source.kind, report_year=source.report_year)
    if not earlier:
        return []
    taken = (
        Recommendation.objects.filter(repeats_id__in=[row.recommendation_id for row in earlier])
        .exclude(pk=recommendation.pk)
        .values_list("repeats_id", flat=True)
    )
    row = NewRow(
        key=recommendation.pk,
        area=recommendation.area,
        year_start=recommendation.year_start,
        texts={**(recommendation.action_translations or {}), source.language: recommendation.action},
    )
    verdict = match_rows(
        [row], earlier, earlier_year=earlier_year, with_years=source.kind in KINDS_WITH_YEARS, taken=taken
    )[row.key]
    if verdict.link is not None:
        return [verdict.link, *verdict.beaten][:LISTED]
    return verdict.candidates
