"""The cells of an OHCHR thematic list's row, each read into what it states — or a reason why
it cannot be read with certainty.

- the recommendation cell: "121.1 Ratify … (France) (Lithuania);" then "Source of position:
  A/HRC/43/15 - Para 121"; the recommending States are the bracketed names at the end of the
  text (and before a ";" where one row holds two States' wordings), each a State's whole
  name: "(No. 29) (United Kingdom …)" gives the United Kingdom only. The text is kept without
  the States at its end (they are the tags `recommending_state`);
- the position cell: "Supported" or "Noted";
- the themes cell: theme lines ("A12 Acceptance of international norms" in cycle 2, "- Acceptance
  of …" in cycle 3), then "SDGs:" and "Affected persons:" (or "Groups of persons:") lists; newer
  cycles give the SDGs and the groups columns of their own, read by the same rules.
"""

import re
from dataclasses import dataclass, field

from recommendations.tags.states import state_code
from recommendations.tags.vocabularies import SDG_NAMES, term_words

from .base import join_whitespace

NUMBER = re.compile(r"^\s*(\d{1,4}(?:\.\d{1,4})+)\.?\s+")
SOURCE_OF_POSITION = re.compile(r"source\s+of\s+position\s*:", re.IGNORECASE)
POSITIONS: dict[tuple[str, ...], str] = {("supported",): "supported", ("noted",): "noted"}
SDG_HEADING = re.compile(r"^(?:SDGs?|Sustainable\s+Development\s+Goals?)\s*:\s*(.*)$", re.IGNORECASE)
GROUP_HEADING = re.compile(
    r"^(?:Affected\s+persons|Groups?\s+of\s+persons|Affected\s+groups?)\s*:\s*(.*)$", re.IGNORECASE
)
ITEM_MARK = re.compile(r"^[-–—•·*]\s*")
SDG_ITEM = re.compile(r"^(?:SDG\s*|Goal\s*)?(\d{1,2})(?:\s*[-–—:.]\s*(.*))?$", re.IGNORECASE)


class Unreadable(Exception):
    """A cell that cannot be read with certainty; the message says what is wrong."""


@dataclass
class Recommendation:
    number: str
    text: str
    states: tuple[str, ...]
    position_source: str


@dataclass
class Terms:
    themes: list[str] = field(default_factory=list)
    sdgs: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


def _matching_open(text: str, close: int) -> int:
    """The index of the "(" that the ")" at `close` closes, or -1."""
    depth = 0
    for index in range(close, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _top_level_names(inside: str) -> list[str]:
    """ "Iran (Islamic Republic of), Iraq" → the two names (commas inside brackets kept)."""
    names, depth, start = [], 0, 0
    for index, char in enumerate(inside):
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            names.append(inside[start:index])
            start = index + 1
    names.append(inside[start:])
    return [join_whitespace(name) for name in names]


def _states_before(text: str, end: int) -> tuple[list[str], str, int]:
    """The States named in the run of bracketed groups ending at `end`, first to last; the
    last group not read as States ("" if none); and where the run starts (`end` if no State).
    Each group must be States only."""
    groups: list[list[str]] = []
    cursor, start = end, end

    def found() -> list[str]:
        return [code for group in reversed(groups) for code in group]

    while True:
        while cursor > 0 and text[cursor - 1] in " \t\n;.,":
            cursor -= 1
        if cursor == 0 or text[cursor - 1] != ")":
            return found(), "", start
        opening = _matching_open(text, cursor - 1)
        if opening < 0:
            return found(), text[:cursor][-60:], start
        names = _top_level_names(text[opening + 1 : cursor - 1])
        codes = [state_code(name) for name in names]
        if not all(codes):
            return found(), text[opening:cursor], start
        groups.append(codes)
        cursor = start = opening


def read_recommendation(cell: str) -> Recommendation:
    sources = list(SOURCE_OF_POSITION.finditer(cell))
    if len(sources) > 1:
        raise Unreadable("the recommendation cell gives its source of position more than once.")
    body = cell[: sources[0].start()] if sources else cell
    position_source = join_whitespace(cell[sources[0].end() :]) if sources else ""
    number = NUMBER.match(body)
    if number is None:
        raise Unreadable(f"the recommendation does not begin with its paragraph number: “{body.strip()[:60]}”.")
    text = join_whitespace(body[number.end() :]).rstrip(" ;")
    states: list[str] = []
    # Where one row holds two States' wordings, each ends with its States and a ";".
    for match in re.finditer(r";", text):
        found, _unread, _start = _states_before(text, match.start())
        states += found
    found, unread, start = _states_before(text, len(text))
    if not found:
        what = f"“{unread}” is not a State's name" if unread else "no State in brackets at its end"
        raise Unreadable(f"no recommending State could be read: {what}.")
    states += found
    # The text without the States at its end: they are the recommendation's States, not its
    # words (the same recommendation by other States, in a later cycle, reads the same).
    return Recommendation(number[1], text[:start].rstrip(" ;,"), tuple(dict.fromkeys(states)), position_source)


def read_position(cell: str) -> str:
    position = POSITIONS.get(term_words(cell))
    if position is None:
        raise Unreadable(f"the position is “{join_whitespace(cell)[:40]}”, not “Supported” or “Noted”.")
    return position


def _sdg(item: str) -> str:
    match = SDG_ITEM.match(item)
    goal = int(match[1]) if match else 0
    if goal not in SDG_NAMES:
        raise Unreadable(f"“{item}” is not a Sustainable Development Goal.")
    name = match[2] if match else ""
    if name and term_words(name) != term_words(SDG_NAMES[goal][0]):
        raise Unreadable(f"“{item}”: goal {goal} is “{SDG_NAMES[goal][0]}”, not “{name}”.")
    return str(goal)


def read_terms(cell: str, *, section: str = "themes", terms: Terms | None = None) -> Terms:
    """Themes, SDGs and groups of a cell, starting in `section` (a column of SDGs or of
    groups starts in its own); "SDGs:" and "Affected persons:" lines switch sections."""
    terms = terms or Terms()
    for raw in cell.splitlines():
        line = join_whitespace(raw)
        for heading, name in ((SDG_HEADING, "sdgs"), (GROUP_HEADING, "groups")):
            match = heading.match(line)
            if match:
                section, line = name, match[1].strip()
                break
        line = ITEM_MARK.sub("", line).strip()
        if not line:
            continue
        if section == "sdgs":
            terms.sdgs.append(_sdg(line))
        else:
            getattr(terms, section).append(line)
    return terms
