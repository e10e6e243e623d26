"""On PostgreSQL, the start of every word of every recommendation's search text, in a table
of its own kept by triggers: (first four letters of a word, country, recommendation), ordered
by recommendation within each (see `search.word_start_key` and `listing/conditions.text_sql`).

A search's first page is the first 51 matching rows in id order. The trigram index (0002) can
only hand all matches at once, unordered, so for a frequent word PostgreSQL walks the primary
key and tests every row instead — fast when matches are dense from the first id on, slow when
they start late: on 1,000,000 generated rows the English words begin after the 50,000 rows of
Azerbaijan (18 ms a first page), a country late in the id order costs 200-270 ms for any
word, a count 30-100 ms (BENCHMARKS.md "Search through the starts of words"). Walking this
table's (prefix, recommendation) or (prefix, country, recommendation) index gives the
candidates already in id order: a page reads ~51 of them, whatever the word or country.

The table is written only by the triggers, from `action_search` itself, so it cannot disagree
with it: rows are added for inserted recommendations (one statement per INSERT or COPY),
replaced when a row's search text or country changes, removed with deleted rows, and emptied
when the recommendations are truncated (a test database's flush). SQLite searches as before.
"""

from django.db import migrations

TABLE = "recommendations_word_start"
SOURCE = "recommendations_recommendation"
# Must equal search.WORD_START_LENGTH: words shorter than this are not in the table.
LENGTH = 4

STARTS = f"""
CREATE FUNCTION tracker_word_starts(search_text text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT DISTINCT left(word, {LENGTH}) FROM unnest(string_to_array(search_text, ' ')) AS word
    WHERE length(word) >= {LENGTH}
$$;

-- The search's check of a candidate row (strpos, i.e. LIKE '%part%' without wildcards), as a
-- function the planner thinks dear: then it tests only the rows this table hands it rather
-- than walking the primary key and testing every row (its estimate of how far that walk goes
-- assumes matches spread evenly, which they need not be). PARALLEL UNSAFE keeps a one-page
-- search in one process: starting workers costs more than the page.
CREATE FUNCTION tracker_search_text_has(search_text text, part text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL UNSAFE COST 1000 AS $$
BEGIN
    RETURN strpos(search_text, part) > 0;
END $$;
"""

TRIGGERS = f"""
CREATE FUNCTION tracker_word_starts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (prefix, country, recommendation_id)
    SELECT start, added.country, added.id FROM added, tracker_word_starts(added.action_search) AS start;
    RETURN NULL;
END $$;

CREATE FUNCTION tracker_word_starts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {TABLE} w USING removed, tracker_word_starts(removed.action_search) AS start
    WHERE w.prefix = start AND w.recommendation_id = removed.id;
    RETURN NULL;
END $$;

CREATE FUNCTION tracker_word_starts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {TABLE} WHERE recommendation_id = OLD.id
        AND prefix IN (SELECT tracker_word_starts(OLD.action_search));
    INSERT INTO {TABLE} (prefix, country, recommendation_id)
    SELECT start, NEW.country, NEW.id FROM tracker_word_starts(NEW.action_search) AS start;
    RETURN NULL;
END $$;

CREATE FUNCTION tracker_word_starts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {TABLE};
    RETURN NULL;
END $$;

CREATE TRIGGER word_starts_added AFTER INSERT ON {SOURCE}
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION tracker_word_starts_added();
CREATE TRIGGER word_starts_removed AFTER DELETE ON {SOURCE}
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION tracker_word_starts_removed();
CREATE TRIGGER word_starts_changed AFTER UPDATE OF action_search, country, id ON {SOURCE}
    FOR EACH ROW WHEN (OLD.action_search IS DISTINCT FROM NEW.action_search
                       OR OLD.country IS DISTINCT FROM NEW.country OR OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION tracker_word_starts_changed();
CREATE TRIGGER word_starts_truncated AFTER TRUNCATE ON {SOURCE}
    FOR EACH STATEMENT EXECUTE FUNCTION tracker_word_starts_truncated();
"""

CREATE = f"""
CREATE TABLE {TABLE} (
    prefix text COLLATE "C" NOT NULL,
    country varchar(2) NOT NULL,
    recommendation_id integer NOT NULL
);
INSERT INTO {TABLE} (prefix, country, recommendation_id)
SELECT start, r.country, r.id FROM {SOURCE} r, tracker_word_starts(r.action_search) AS start;
-- Plain indexes, not a primary key: a bulk load (generate_data) drops and rebuilds them.
CREATE UNIQUE INDEX word_start_id ON {TABLE} (prefix, recommendation_id) INCLUDE (country);
CREATE INDEX word_start_country ON {TABLE} (prefix, country, recommendation_id);
ANALYZE {TABLE};
"""

DROP = f"""
DROP TRIGGER IF EXISTS word_starts_added ON {SOURCE};
DROP TRIGGER IF EXISTS word_starts_removed ON {SOURCE};
DROP TRIGGER IF EXISTS word_starts_changed ON {SOURCE};
DROP TRIGGER IF EXISTS word_starts_truncated ON {SOURCE};
DROP FUNCTION IF EXISTS tracker_word_starts_added();
DROP FUNCTION IF EXISTS tracker_word_starts_removed();
DROP FUNCTION IF EXISTS tracker_word_starts_changed();
DROP FUNCTION IF EXISTS tracker_word_starts_truncated();
DROP TABLE IF EXISTS {TABLE};
DROP FUNCTION IF EXISTS tracker_word_starts(text);
DROP FUNCTION IF EXISTS tracker_search_text_has(text, text);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STARTS + CREATE + TRIGGERS, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0025_analyze_new_filter_columns")]

    operations = [migrations.RunPython(create, drop)]
