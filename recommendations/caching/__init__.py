"""Never-stale caching of public reads (issue 23, "Performance, round 3").

Every committed write to a table a public read shows moves the data version (database
triggers: `triggers.py`, so raw SQL, imports and the admin move it as the API does). A cached
read is keyed by that version, so an answer is served from the cache only while nothing it
shows has changed, in any process (`reads.py`, `views.py`).
"""
