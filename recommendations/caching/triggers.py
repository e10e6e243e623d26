"""The data version and the triggers that move it.

`tracker_data_version` holds a few slots; each write statement sets the slot its transaction
holds to a new value of a sequence, in the same transaction as its write. A reader
takes every slot in one statement (`reads.data_version`): the tuple changes exactly when a
write commits, becomes visible with it (MVCC), and a value once used is never used again, even
after a rollback (sequences are not transactional), so an answer cached under one tuple can
never be found under another timeline's same tuple.

Why slots, on PostgreSQL: one row would be locked by every writer from its first write to its
commit, serialising writers and letting two of them deadlock (one holding the version row and
waiting for a row the other locked before it wrote). Each transaction takes a slot nobody holds
(`SKIP LOCKED`), so writers never wait for each other here unless more than SLOTS write at once.
Statement-level triggers: a 100,000-row bulk insert moves it once, not 100,000 times.

SQLite has one writer at a time and row triggers only: one slot, moved by each row written.

Why `ensure` also runs after every `migrate`: on SQLite a migration that rebuilds a table
(adding a column does) drops its triggers; they are created again, never silently lost.
"""

import time

from django.db import transaction

# Tables whose rows a public read shows (the list, stats, timeline, changes, sources, measures,
# indicators, tags…). A new model is either here or in UNSHOWN (tests/test_public_read_cache.py).
SHOWN_TABLES = (
    "recommendations_source",
    "recommendations_responsiblebody",
    "recommendations_recommendation",
    "recommendations_recommendation_responsible_bodies",
    "recommendations_recommendation_indicators",
    "recommendations_progressupdate",
    "recommendations_evidence",
    "recommendations_changerecord",
    "recommendations_indicator",
    "recommendations_indicatorvalue",
    "recommendations_measure",
    "recommendations_measure_responsible_bodies",
    "recommendations_measurelink",
    "recommendations_tag",
    "recommendations_tag_recommendations",
    "recommendations_tagsuggestion",
)
# Tables no public read shows: who follows what, requests' replays, jobs, mails sent, tokens,
# users and roles (a reader's role is read per request, and is part of the cache key), sessions.
UNSHOWN_TABLES = frozenset(
    {
        "recommendations_follow",
        "recommendations_idempotentrequest",
        "recommendations_importjob",
        "recommendations_remindersent",
        "recommendations_apitoken",
        "django_admin_log",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
        "auth_user",
        "auth_user_groups",
        "auth_user_user_permissions",
        "django_content_type",
        "django_session",
        "authtoken_token",
        "django_tasks_database_dbtaskresult",
    }
)

VERSION_TABLE = "tracker_data_version"
VERSION_SEQUENCE = "tracker_data_version_moves"
SLOTS = 16
# One name on every table in PostgreSQL (its trigger names are per table, of at most 63
# characters); SQLite's are global: `<table>_<name>_<operation>`.
TRIGGER_NAME = "tracker_moves_data_version"

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION tracker_data_version_move() RETURNS trigger AS $$
DECLARE
    -- "<transaction id>:<slot>": the slot this transaction holds (the setting is local to the
    -- transaction, and undone with a rolled-back savepoint, whose row lock goes with it).
    held text := current_setting('tracker.data_version_slot', true);
    chosen smallint;
BEGIN
    IF split_part(held, ':', 1) = txid_current()::text THEN
        chosen := split_part(held, ':', 2)::smallint;
    ELSE
        SELECT slot INTO chosen FROM {VERSION_TABLE} ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF chosen IS NULL THEN
            chosen := 0;  -- every slot held by a writer: wait for one
        END IF;
        PERFORM set_config('tracker.data_version_slot', txid_current()::text || ':' || chosen, true);
    END IF;
    -- Every statement, not once per transaction: a read later in the same transaction (a
    -- command, a test) must not find what it cached before this statement.
    UPDATE {VERSION_TABLE} SET moves = nextval('{VERSION_SEQUENCE}') WHERE slot = chosen;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""  # noqa: S608 - the names are constants


def version_table_create(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {VERSION_SEQUENCE}")
        schema_editor.execute(
            f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (slot smallint PRIMARY KEY, moves bigint NOT NULL)"
        )
        schema_editor.execute(
            f"INSERT INTO {VERSION_TABLE} (slot, moves) SELECT s, 0 FROM generate_series(0, {SLOTS - 1}) s "  # noqa: S608
            "ON CONFLICT DO NOTHING"
        )
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
    else:
        schema_editor.execute(
            f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (slot integer PRIMARY KEY, moves integer NOT NULL)"
        )
        schema_editor.execute(f"INSERT OR IGNORE INTO {VERSION_TABLE} (slot, moves) VALUES (0, 0)")  # noqa: S608


def version_table_drop(schema_editor) -> None:
    for table in SHOWN_TABLES:
        _trigger_drop(schema_editor, table)
    schema_editor.execute(f"DROP TABLE IF EXISTS {VERSION_TABLE}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS tracker_data_version_move()")
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {VERSION_SEQUENCE}")


def _trigger_drop(schema_editor, table: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON {table}")
    else:
        for operation in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{TRIGGER_NAME}_{operation}")


def triggers_ensure(connection) -> None:
    """Create the version table (if missing) and every shown table's trigger (if missing)."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        triggers_create(_CursorEditor(connection, cursor))


class _CursorEditor:
    """What `triggers_create` needs of a schema editor, on a plain cursor: SQLite's schema
    editor refuses to open while foreign key checks are on, as they are after `migrate`."""

    def __init__(self, connection, cursor) -> None:
        self.connection = connection
        self.cursor = cursor

    def execute(self, sql: str, params=None) -> None:
        self.cursor.execute(sql, params)


def triggers_create(schema_editor) -> None:
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    if not existing.intersection(SHOWN_TABLES):
        return  # before the app's tables exist (a migration to zero, a fresh database)
    version_table_create(schema_editor)
    for table in SHOWN_TABLES:
        if table in existing:
            if connection.vendor == "postgresql":
                schema_editor.execute(
                    f"CREATE OR REPLACE TRIGGER {TRIGGER_NAME} "
                    f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION tracker_data_version_move()"
                )
            elif connection.vendor == "sqlite":
                for operation in ("insert", "update", "delete"):
                    schema_editor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_{TRIGGER_NAME}_{operation} "  # noqa: S608
                        f"AFTER {operation.upper()} ON {table} "
                        f"BEGIN UPDATE {VERSION_TABLE} SET moves = moves + 1 WHERE slot = 0; END"
                    )


def version_after_restore(connection) -> None:
    """After a restore: every later write takes a version value none took before.

    A restore brings back the version (and on PostgreSQL its sequence) as the archive holds
    them, older than what the lost database had reached; writes would then give values the old
    timeline gave to other data, and a shared cache (Redis) could answer them with its answers.
    The next values start from the clock in microseconds instead: above any value a database of
    this service reaches by counting writes (one per write statement), and above any earlier
    restore's. The restored state itself moves too, so its answers are computed again."""
    if VERSION_TABLE not in connection.introspection.table_names():
        return  # an archive from before the version existed: `migrate` creates it afterwards
    floor = time.time_ns() // 1000
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval('{VERSION_SEQUENCE}', GREATEST((SELECT last_value FROM {VERSION_SEQUENCE}), %s))",  # noqa: S608
                [floor],
            )
            cursor.execute(f"UPDATE {VERSION_TABLE} SET moves = nextval('{VERSION_SEQUENCE}') WHERE slot = 0")  # noqa: S608
        else:
            cursor.execute(f"UPDATE {VERSION_TABLE} SET moves = MAX(moves, %s) + 1 WHERE slot = 0", [floor])  # noqa: S608


def triggers_ensure_after_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    if sender.name == "recommendations":
        triggers_ensure(connections[using])
