"""What each of the list's filters means, for the schema: the rules the README states
(ranges that overlap, folding, comma lists, `area=none`, the as-of rule), given to every
operation that takes the filter (the list, stats, timeline, changes, exports, the progress
log). `schema.postprocess` fills a parameter's description from here when it has none."""

SEVERAL = " Several values: comma-separated (`a,b`) or the parameter repeated; a row matches any of them."
DAY = " A day as YYYY-MM-DD (0001-01-01 to 9999-12-31); a day after today answers as today."

FILTER_DESCRIPTIONS = {
    "area": "Area code (`/api/v1/areas/`), in either case; `none`: not yet classified." + SEVERAL,
    "status": (
        "Status code, in either case. With `as_of`, the status at the end of that day; on the timeline, at "
        "each period's end; on the changes, at `to`." + SEVERAL
    ),
    "source": "A report's slug (`/api/v1/sources/`), in either case." + SEVERAL,
    "country": "ISO 3166-1 alpha-2 code, in either case." + SEVERAL,
    "responsible_body": "A responsible body's id (`/api/v1/responsible-bodies/`)." + SEVERAL,
    "measure": "A measure's id (`/api/v1/measures/`): the recommendations it answers." + SEVERAL,
    "priority": "`true`: the report's priority recommendations only; `false`: the others.",
    "year": (
        "A year the recommendation was suggested in: its range (`year_start`–`year_end`) includes it, so "
        "`year=2014` matches 2011–2015."
    ),
    "year_from": "Ranges that reach this year or later (with `year_to`: every range that overlaps the two).",
    "year_to": "Ranges that begin in this year or earlier (with `year_from`: every range that overlaps the two).",
    "q": (
        "Words in the action (either language), each found at the start of a word of it (`din` finds "
        '“DİN”, not “edin”): every word must be found; `"a phrase"`, its words in order; `a OR b`, '
        'either; `-word` or `-"a phrase"`, not found. Both sides folded: Azerbaijani casing (İ, I, '
        "ı → i), no diacritics (ə → e, as ǝ and the Cyrillic ә; ş → s…), `sh`/`ch`/`gh` read as ş/ç/ğ, a "
        "doubled letter as one, invisible format characters (soft hyphens) removed. At least one "
        'letter or digit. README "Search".'
    ),
    "repeats": "The id of a recommendation: those that repeat it (a later report's same recommendation).",
    "as_of": (
        "The status at the end of this day, from the progress log (the latest entry that happened by then; "
        "ties by when recorded); only reports of that year or earlier count (a report counts from 1 January "
        "of its year). `status` then filters on that day's status." + DAY
    ),
    "distinct": (
        "`latest`: a recommendation a later report repeats counts once, in its latest report (with `as_of`, "
        "the latest existing then); the other filters then choose among those latest versions."
    ),
    "due_before": "Due on or before this day." + DAY,
    "due_after": "Due on or after this day." + DAY,
    "overdue": (
        "`true`: due before the day (`as_of`, else today; each period's end on the timeline, `to` on the "
        "changes) and not implemented as of that day; `false`: the others."
    ),
    "withdrawn": (
        "Withdrawn recommendations (hidden from the public, kept with their history) are left out by default; "
        "`true`: only those, for signed-in users (anyone else gets a 400 naming `withdrawn`)."
    ),
    "theme": (
        "A human-rights theme a UPR list tags the recommendation with, by its code or its name as printed "
        "(`Right to health` is `right-to-health`)." + SEVERAL
    ),
    "group": "An affected group a UPR list tags the recommendation with, by its code or its name." + SEVERAL,
    "sdg": "A Sustainable Development Goal's number, 1–17." + SEVERAL,
    "recommending_state": "The ISO 3166-1 alpha-2 code of a State that made the UPR recommendation." + SEVERAL,
    "position": "The State under review's position on a UPR recommendation: `supported` or `noted`." + SEVERAL,
}


def describe_filters(operation: dict) -> None:
    for parameter in operation.get("parameters", []):
        text = FILTER_DESCRIPTIONS.get(parameter.get("name"))
        if parameter.get("in") == "query" and text and len(parameter.get("description") or "") < 20:
            parameter["description"] = text
