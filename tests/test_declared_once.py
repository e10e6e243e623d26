"""Issue 31 §2: a concept the code states in one place only. Each check names the one module
that may spell the rule out; any other module must call it. A new copy fails here, naming
where it is."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    path
    for package in ("recommendations", "tracker")
    for path in sorted((ROOT / package).rglob("*.py"))
    if "migrations" not in path.parts
]

# (what, a pattern of its spelled-out form, the one module that may hold it)
DECLARED_ONCE = [
    ("the request's language without region", r"get_language\(\)\s+or\b", "recommendations/languages.py"),
    ("the years a record may carry", r"1900\D{1,40}2100", "recommendations/years.py"),
    ("the name of no area", r"_\(\"Not classified\"\)", "recommendations/choices.py"),
    ("the ordering's refusal", r"is not a field to order by", "recommendations/listing/sort_keys.py"),
    (
        "the API's error texts outside its views",
        r"_\(\"(Bad request|Not found)\.\"\)",
        "recommendations/api/exceptions.py",
    ),
    (
        "the filters the counts over time apply per day",
        r"\"status\",\s*\"distinct\",\s*\"as_of\"",
        "recommendations/analytics/over_time.py",
    ),
    ("an action in a language, else the original", r"translations\.get\(language\) or", "recommendations/languages.py"),
]


@pytest.mark.parametrize(("what", "pattern", "home"), DECLARED_ONCE, ids=[row[0] for row in DECLARED_ONCE])
def test_stated_in_one_module(what, pattern, home):
    found = sorted(
        {str(path.relative_to(ROOT)) for path in SOURCES if re.search(pattern, path.read_text(encoding="utf-8"))}
    )
    assert found == [home], f"{what} is spelled out in {found}; only {home} should, the rest call it"


def test_site_urls_come_from_the_url_configuration():
    """A path written by hand breaks silently when a route moves; `reverse()` fails loudly."""
    by_hand = re.compile(r"f\"/(api/v1|recommendations|measures|sources|profile|work)\b|\"/work/\"")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if by_hand.search(line)
    ]
    assert found == []
