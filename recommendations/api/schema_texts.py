"""What the OpenAPI schema tells clients in words: each operation's description and the
tags grouping them (api/schema.py writes the rest)."""

# Operation descriptions, for clients; docstrings are written for developers and stay out.
DESCRIPTIONS = {
    "recommendations_list": (
        "The recommendations matching the filters, a page at a time (keyset pagination: follow "
        "`next` until it is null). Area names and status labels are in the request's language."
    ),
    "recommendations_retrieve": (
        "One recommendation. The ETag header (also `etag` in the body) names its version and "
        "the body's language; send it as If-Match with a write to refuse it if the recommendation "
        "changed meanwhile, or as If-None-Match to get a 304 when nothing changed."
    ),
    "recommendations_partial_update": (
        "NGO staff change the status (with an optional note), which records a progress update. "
        "Admins may also edit the other fields listed in the admin body. Answers the detail."
    ),
    "recommendations_progress_list": "The progress log of a recommendation, oldest first.",
    "recommendations_progress_create": (
        "Record a status change with an optional note; answers the new progress row and the recommendation's new ETag."
    ),
    "recommendations_evidence_list": "Evidence attached to a recommendation.",
    "recommendations_evidence_create": (
        "Attach evidence: a file (multipart/form-data with a `file` part), a link or an "
        "excerpt (JSON or multipart). Each kind takes exactly its own content field."
    ),
    "recommendations_history_list": "Every change to the recommendation, oldest first; rows are never edited.",
    "evidence_file_retrieve": "Download an evidence file (always as an attachment).",
    "measures_list": (
        "Measures: what a government does (a law, an action plan, a budget line, a service) to answer "
        "recommendations, each with its status. Filter by `country`, `status`, `kind`, `recommendation` "
        "(those answering it) and `q` (words of the title or description, folded as the list's `q`)."
    ),
    "measures_create": (
        "A new measure (NGO staff and admins), with the ids of the recommendations it answers (any report, any "
        "country); answers the measure with its ETag."
    ),
    "measures_retrieve": "One measure; its ETag names its version and the body's language, for If-Match.",
    "measures_partial_update": (
        "Edit a measure's fields (not its status, which only its progress changes; not its links: "
        "`/measures/{id}/links/`). A stale If-Match is a 412."
    ),
    "measures_progress_list": "The measure's progress log in the timeline's order, each entry with the "
    "recommendations' entries recorded with it (analysts and above).",
    "measures_progress_create": (
        "Record the measure's status with an optional note and day, and in the same transaction an entry on each "
        "recommendation listed in `recommendations` (each must be answered by it; its status by default the "
        "measure's; its `etag`, when given, refuses the whole submission with a 412 if it changed). Evidence "
        "added to the measure's entry (`/measures/{id}/evidence/` with its `progress_update`) is stored once and "
        "shown on each of those recommendations. One refused recommendation saves nothing: the 400 names it as "
        "`recommendations.<index>.<field>`."
    ),
    "measures_evidence_list": "Evidence attached to the measure (analysts and above).",
    "measures_evidence_create": (
        "Attach evidence to the measure, or to one of its entries (`progress_update`): a file (multipart) or a "
        "link or excerpt (JSON). Evidence of an entry is shown on every recommendation recorded with it."
    ),
    "measures_links_list": "The recommendations the measure answers, with their status.",
    "measures_links_create": (
        "Link the measure to recommendations it answers (ids; those linked already stay). Each recommendation's "
        "history records it and its version (ETag) moves on; answers the links and the measure's new ETag."
    ),
    "measures_links_destroy": (
        "The measure no longer answers this recommendation. Entries recorded with the measure stay as recorded."
    ),
    "measures_history_list": "Every change of the measure (fields, links, status) and its evidence, oldest first.",
    "sources_list": "The reports recommendations come from.",
    "sources_retrieve": "One report.",
    "areas_list": "The areas recommendations are classified in, with their names in both languages.",
    "responsible_bodies_list": (
        "The ministries and agencies recommendations are addressed to, by name, with how many recommendations "
        "each has: the ids the list's `responsible_body` filter takes."
    ),
    "responsible_bodies_retrieve": "One responsible body.",
    "progress_log": (
        "The progress log across recommendations: the entries of the recommendations the list's filters choose "
        "(not `as_of`; `from` and `to` keep the entries that happened between), in the timeline's order. "
        "Anyone reads the status changes; the note, author and evidence count are for analysts and above."
    ),
    "auth_token_create": (
        "Exchange a username and password for a new API token (send it as `Authorization: Token …`), "
        "optionally named and with fewer days than API_TOKEN_DAYS (30) until it expires. Each call issues "
        "another token; a user keeps at most 20 (a 21st revokes the least recently used). A token is refused "
        "once the user's password changes or the account is deactivated."
    ),
    "auth_token_destroy": "Revoke the token this request is made with (with a session cookie: all your tokens).",
    "auth_tokens_list": "Your API tokens: names, when made, when they expire, when last used (never the keys).",
    "auth_tokens_destroy": "Revoke one of your API tokens.",
    "stats": (
        "Counts of the recommendations matching the filters: in total, by status, and by area, "
        "year and source split by status. A recommendation counts in every year of its range. "
        "With `as_of`, each counts under its status at the end of that day, from the progress log, "
        "and only reports of that year or earlier count. `by` adds a cross table of two of area, year, "
        "source and status. `format=csv|xlsx` gives the same numbers as a spreadsheet."
    ),
    "stats_timeline": (
        "Progress over time: for the end of each month, quarter or year from `from` to `to`, the "
        "recommendations matching the filters counted by their status that day, from the progress "
        "log (the date progress happened). A recommendation counts from the year of its report. "
        "`format=csv|xlsx` gives the periods as a spreadsheet."
    ),
    "tags_suggest": (
        "The SDGs, themes and affected groups the tracker would suggest for a recommendation's text, each with "
        "its score (the share of the nearest tagged recommendations' votes), learnt from the tags stored "
        "(`model_version`). Nothing is stored: a suggestion becomes a tag only when a person accepts it."
    ),
    "recommendations_tag_suggestions_list": (
        "The themes, affected groups and SDGs suggested for this recommendation from the tags stored (each with "
        "its score and the model version), open ones (`suggested`) first, then those accepted or rejected and by whom."
    ),
    "recommendations_tag_suggestions_retrieve": "One suggested tag and its state.",
    "recommendations_tag_suggestions_decide": (
        '`{"decision": "accept"}` adds the suggested tag to the recommendation (a new version: its ETag '
        "changes); `reject` leaves it off and it is not suggested again. Either is a history row of the "
        "recommendation. A suggestion already decided is a 409."
    ),
    "stats_changes": (
        "What changed between two days (default: the last quarter): how many recommendations moved "
        "from which status to which between the end of `from` and the end of `to`, the list of them, "
        "and the recommendations of reports that appeared in between, by their status at `to`."
    ),
}

TAGS = [
    {"name": "recommendations", "description": "Recommendations, their progress, evidence and history."},
    {"name": "evidence", "description": "Evidence file downloads."},
    {"name": "sources", "description": "The reports recommendations come from."},
    {"name": "areas", "description": "Areas recommendations are classified in."},
    {"name": "responsible-bodies", "description": "The ministries and agencies recommendations are addressed to."},
    {"name": "progress", "description": "The progress log across recommendations; notes for analysts and above."},
    {"name": "stats", "description": "Counts for charts and dashboards."},
    {"name": "submissions", "description": "The submission document of a report, or of a country's reports."},
    {"name": "auth", "description": "API tokens."},
    {"name": "indicators", "description": "Figures the reports state year by year, with where each was read."},
    {"name": "tags", "description": "Themes, affected groups and SDGs suggested for a text from the tags stored."},
    {"name": "measures", "description": "Government measures answering recommendations, their progress and evidence."},
    {"name": "reviews", "description": "Progress proposed for review: the queue, decisions, one's own proposals."},
]
