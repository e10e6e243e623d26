"""US State Department TIP report, one country's chapter: tier and prioritized recommendations.

The tier comes from the chapter heading ("AZƏRBAYCAN (Səviyyə 2)", "AZERBAIJAN: TIER 2",
"Tier 2 Watch List"). The recommendations run from "PRİORİTET TÖVSİYƏLƏR:" /
"PRIORITIZED RECOMMENDATIONS:" (older reports: "RECOMMENDATIONS FOR AZERBAIJAN:") to the
next section heading on a line of its own ("MƏHKƏMƏ TƏQİBİ", "PROSECUTION", …). Items are
separated by "*" (also when glued to a sentence: "gücləndirin.* Potensial"), by a bullet at
the start of a line ("•", "-"), or in older reports by ";" with the last item beginning
with "and". Bullets extracted as private-use symbol characters ("\uf0b7") count too. A
page number alone on a line inside the recommendations is page-break debris: it is dropped
and reported.

A text of several chapters (pages of the report's volume) is first cut to the chapter of the
country being imported (`tip_chapters`); a PDF is read column by column with its running
headers and footers left out (`importing.columns`), a saved web page as the text it shows
(`html_text`, via `decode_document`).

Matching runs on `fold_letters(text)`, which has the same length as the text, so every
offset found there cuts the published text at the same place: actions keep their letters
and punctuation; only whitespace is joined.
"""

import bisect
import dataclasses
import re

from recommendations.choices import AREAS, SourceKind
from recommendations.search import fold_letters

from ..columns import GUTTER_MIN_GAPS, reading_order, running_lines, unsure_pages
from ..extract import pdf_pages
from .base import DocumentRejected, ParsedRecommendation, ParseResult, Problem, ProgressCallback, join_whitespace
from .tip_chapters import country_chapter

# Where the recommendations start (matched on folded text).
_HEADINGS = (
    r"(?:priori?ti[sz]ed\s+recommendations?|prioritet\s+tovsiyeler|recommendations?\s+for\s+[^\n:]{1,80}?"
    r"|[^\W\d][^\n:]{0,60}?\s+ucun\s+tovsiyeler)"
)
# With its colon, or without one on a line of its own ("Prioritized Recommendations", as the
# State Department's country pages print it).
RECOMMENDATIONS_START = re.compile(rf"{_HEADINGS}\s*:|^[^\S\n]*{_HEADINGS}[^\S\n]*$", re.MULTILINE)
# Headings that end them: the chapter's section names, from the area vocabulary, plus the
# headings that are not areas. "Profilaktika" is how Azerbaijani translations head the
# prevention section.
SECTION_HEADINGS = (
    *(name for area in AREAS if area.kind == SourceKind.TIP for name in (area.name_az, area.name_en)),
    "Profilaktika",
    "İnsan alveri profili",
    "Trafficking profile",
)
# Space within a line: also a form feed (pdftotext's page break) and a CRLF's "\r".
_SPACE = r"[^\S\n]"
SECTION_HEADING = re.compile(
    rf"^{_SPACE}*(?:"
    + "|".join(rf"{_SPACE}+".join(map(re.escape, fold_letters(name).split())) for name in SECTION_HEADINGS)
    + rf"){_SPACE}*(?::{_SPACE}*)?$",
    re.MULTILINE,
)
TIER = re.compile(
    r"(?:\b(?:tier|seviyye)\s*(?P<number>[123])\b|\b(?P<ordinal>[123])\s*-?\s*(?:ci|cu)\s+seviyye\b)"
    r"(?P<watch>\s*(?:watch\s*list|(?:nezaret|musahide|izleme)\s*siyahisi))?"
)
SPECIAL_CASE = re.compile(r"\bspecial\s+case\b|\bxususi\s+hal\b")
# "\uf0b7" and "\uf0a7" are the Symbol and Wingdings bullets that PDF extraction often leaves.
# Any bullet glyph: the usual ones, arrows and check marks, and private-use symbol-font glyphs.
BULLET = re.compile(rf"^{_SPACE}*(?:[•●▪◦·∙‣⁃■□◆◇○◘►▸▶➢➤➔→✓✔❖\ue000-\uf8ff]|[-–—](?={_SPACE})){_SPACE}*", re.MULTILINE)
# One recommendation per line without bullets: a line ending a sentence, and the next
# beginning with a capital; also two sentences glued by the extraction ("efforts.Vigorously",
# "Articles 132 and 132-2.Increase"). After a number only a capitalised word counts, so that
# "132-2. of the Code", "1.5", "Art. 5" and "Article 2.A" stay whole.
_CAPITAL, _SMALL = "A-ZƏİÖÜĞŞÇ", "a-zəıöüğşç"
SENTENCE_BREAK = re.compile(
    rf"(?<=[.!?])(?:[^\S\n]*\n\s*(?=[{_CAPITAL}])|(?<=[{_SMALL})][.!?])(?=[{_CAPITAL}])"
    rf"|(?<=\d[.!?])(?=[{_CAPITAL}][{_SMALL}]))"
)
PAGE_NUMBER = re.compile(rf"^{_SPACE}*\d{{1,3}}{_SPACE}*$", re.MULTILINE)
STAR = re.compile(r"\*")
SEMICOLON = re.compile(r";")
LEADING_AND = re.compile(r"^(?:and|və|ve)\s+", re.IGNORECASE)


def _semicolons_or_sentences(block: str) -> re.Pattern:
    """An older report's ";"-separated paragraph (each item after a ";" begins in lower
    case), else one recommendation per line or sentence."""
    after = [piece.strip()[:1] for piece in block.split(";")[1:] if piece.strip()]
    if after and sum(first.islower() for first in after) * 2 > len(after):
        return SEMICOLON
    return SENTENCE_BREAK


def _tier(folded_head: str) -> str:
    match = TIER.search(folded_head)
    if match:
        return f"Tier {match['number'] or match['ordinal']}" + (" Watch List" if match["watch"] else "")
    if SPECIAL_CASE.search(folded_head):
        return "Special Case"
    return ""


def parse(text: str, *, year: int, country: str = "", progress: ProgressCallback | None = None) -> ParseResult:
    """Parse a TIP country chapter; every recommendation is prioritized, suggested in `year`.
    A text of several chapters (pages of the report's volume) is read in `country`'s only."""
    text = re.sub(r"\r\n?", "\n", text)
    text, country_name = country_chapter(text, country)
    folded = fold_letters(text)
    line_starts = [0, *(match.end() for match in re.finditer(r"\n", text))]

    def line_of(offset: int) -> int:
        return bisect.bisect_right(line_starts, offset)

    start_match = RECOMMENDATIONS_START.search(folded)
    if start_match is None:
        raise DocumentRejected(
            "No TIP recommendations found: the document has no “PRİORİTET TÖVSİYƏLƏR:”, "
            "“PRIORITIZED RECOMMENDATIONS:” or “RECOMMENDATIONS FOR …:” heading."
        )
    result = ParseResult(tier=_tier(folded[: start_match.start()]), country_name=country_name)
    if not result.tier:
        result.problems.append(Problem(1, "no tier found in the heading before the recommendations."))

    start = start_match.end()
    end_match = SECTION_HEADING.search(folded, start)
    end = end_match.start() if end_match else len(text)
    if end_match is None:
        result.problems.append(
            Problem(line_of(start), "no section heading such as “PROSECUTION” after the recommendations.")
        )

    kept: list[str] = []
    kept_from = start
    for match in PAGE_NUMBER.finditer(text, start, end):
        result.problems.append(
            Problem(line_of(match.start()), f"“{match[0].strip()}” looks like a page number; skipped.")
        )
        # Blanked, not removed, so that offsets into the block stay offsets into the text.
        kept += [text[kept_from : match.start()], " " * len(match[0])]
        kept_from = match.end()
    block = "".join([*kept, text[kept_from:end]])
    separator = STAR if "*" in block else BULLET if BULLET.search(block) else _semicolons_or_sentences(block)
    pieces: list[tuple[int, str]] = []
    previous_end = 0
    for match in separator.finditer(block):
        pieces.append((previous_end, block[previous_end : match.start()]))
        previous_end = match.end()
    pieces.append((previous_end, block[previous_end:]))

    if separator is BULLET and join_whitespace(pieces[0][1]):
        # Text between the heading and the first bullet is an introduction, not an item.
        offset, piece = pieces.pop(0)
        first_line = line_of(start + offset + len(piece) - len(piece.lstrip()))
        result.problems.append(Problem(first_line, "text before the first bullet; skipped."))
    for index, (offset, piece) in enumerate(pieces):
        action = join_whitespace(piece)
        if separator is SEMICOLON and index == len(pieces) - 1 and len(pieces) > 1:
            action = LEADING_AND.sub("", action)
        if not action:
            continue
        leading = len(piece) - len(piece.lstrip())
        result.records.append(
            ParsedRecommendation(
                area=None,
                action=action,
                year_start=year,
                year_end=year,
                priority=True,
                position=len(result.records) + 1,
                line=line_of(start + offset + leading),
            )
        )
    if progress:
        progress(len(line_starts), len(line_starts))
    if not result.records:
        raise DocumentRejected("The TIP recommendations section is empty.")
    return result


def parse_pdf(data: bytes, *, year: int, country: str = "", progress: ProgressCallback | None = None) -> ParseResult:
    """A TIP chapter's PDF, or pages of the report's volume: its lines in reading order (two
    columns one after the other), running headers and footers left out, read as text; each
    record and problem then names its page instead of a line."""
    pdf = pdf_pages(data)
    pages = [reading_order(page) for page in pdf]
    furniture = running_lines(pages)
    unsure = unsure_pages(
        [[line for line in lines if line not in furniture] for lines in pages],
        {page.number: GUTTER_MIN_GAPS * page.column_gap for page in pdf},
    )
    lines: list[str] = []
    page_of_line: list[int] = []
    for page_lines in pages:
        for line in page_lines:
            if line not in furniture:
                lines.append(line.text)
                page_of_line.append(line.page)
    if unsure:
        raise DocumentRejected(
            [
                f"page {number}: its text stands in more columns than two, or in two that cannot be told apart; "
                "import the chapter's text or its web page instead."
                for number in unsure
            ]
        )
    result = parse("\n".join(lines), year=year, country=country, progress=progress)

    def page_at(line: int) -> int:
        return page_of_line[min(max(line, 1), len(page_of_line)) - 1] if page_of_line else 0

    result.records = [
        dataclasses.replace(record, line=0, line_end=0, pages=(page_at(record.line),)) for record in result.records
    ]
    result.problems = [dataclasses.replace(problem, line=0, page=page_at(problem.line)) for problem in result.problems]
    return result
