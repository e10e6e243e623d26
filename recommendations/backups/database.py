"""The database half of a backup: a copy taken at one moment, the facts the manifest states
about that same moment, and putting a copy back into an empty database.

SQLite is copied with its online backup API (readers and writers carry on; the copy is one
consistent state). PostgreSQL is dumped by `pg_dump` inside a snapshot this process exported
and keeps open, and the rows are counted in that snapshot: the counts describe exactly the
state the dump holds, however many writers run meanwhile.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.backends.postgresql.client import DatabaseClient

from .errors import BackupError

SQLITE_MEMBER = "database/tracker.sqlite3"
POSTGRESQL_MEMBER = "database/tracker.pgdump"
MEMBERS = {"sqlite": SQLITE_MEMBER, "postgresql": POSTGRESQL_MEMBER}


@dataclass(frozen=True)
class Facts:
    """What a database holds at one moment: rows per table, the applied migrations, the
    triggers and indexes (the append-only guards are triggers), and the media files its rows
    refer to."""

    tables: dict[str, int]
    migrations: list[str]
    triggers: list[str]
    indexes: list[str]
    referenced_files: set[str]


def vendor() -> str:
    if connection.vendor not in MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(cursor: Any, kind: str) -> list[str]:
    if kind == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def schema_objects(cursor: Any, kind: str) -> tuple[list[str], list[str]]:
    """The names of the triggers and indexes, as `table.name`."""
    if kind == "sqlite":
        found = {}
        for kind_of in ("trigger", "index"):
            cursor.execute(
                "SELECT tbl_name || '.' || name FROM sqlite_master WHERE type = ? AND sql IS NOT NULL ORDER BY 1",
                [kind_of],
            )
            found[kind_of] = [row[0] for row in cursor.fetchall()]
        return found["trigger"], found["index"]
    cursor.execute(
        "SELECT c.relname || '.' || t.tgname FROM pg_catalog.pg_trigger t "
        "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace ORDER BY 1"
    )
    triggers = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT tablename || '.' || indexname FROM pg_catalog.pg_indexes WHERE schemaname = current_schema() ORDER BY 1"
    )
    return triggers, [row[0] for row in cursor.fetchall()]


def facts(cursor: Any, kind: str) -> Facts:
    """Read in the cursor's current transaction (or copy), so every number is of one moment."""
    tables = {}
    for table in table_names(cursor, kind):
        cursor.execute(f"SELECT COUNT(*) FROM {quoted(table)}")  # noqa: S608 - a quoted table name
        tables[table] = cursor.fetchone()[0]
    migrations: list[str] = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    referenced: set[str] = set()
    # Every file column of every model: a new FileField is backed up without a change here.
    for model in apps.get_models():
        table = model._meta.db_table
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and field.column and table in tables:
                column = quoted(field.column)
                cursor.execute(f"SELECT {column} FROM {quoted(table)} WHERE {column} <> ''")  # noqa: S608
                referenced.update(row[0] for row in cursor.fetchall())
    triggers, indexes = schema_objects(cursor, kind)
    return Facts(tables=tables, migrations=migrations, triggers=triggers, indexes=indexes, referenced_files=referenced)


def target_facts() -> Facts:
    with connection.cursor() as cursor:
        return facts(cursor, vendor())


def target_tables() -> list[str]:
    with connection.cursor() as cursor:
        return table_names(cursor, vendor())


def copy_to(path: Path) -> Facts:
    """Write a consistent copy of the database to `path`; the facts are those of the copy."""
    if connection.in_atomic_block:
        raise BackupError("A backup cannot run inside a transaction.")
    if vendor() == "sqlite":
        return _sqlite_copy(path)
    return _postgresql_dump(path)


def restore_from(path: Path) -> None:
    """Load a copy made by `copy_to` into the (empty) configured database."""
    if vendor() == "sqlite":
        _sqlite_restore(path)
    else:
        _postgresql_restore(path)


def _sqlite_copy(path: Path) -> Facts:
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        # One step (pages=-1): the copy is one state of the database. In WAL mode writers
        # carry on meanwhile; the copy does not see what they commit after it began.
        connection.connection.backup(copy)
        # A file that stands alone: no -wal beside it is needed to read it.
        copy.execute("PRAGMA journal_mode=DELETE")
        return facts(copy.cursor(), "sqlite")
    finally:
        copy.close()


def _sqlite_restore(path: Path) -> None:
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        copy.backup(connection.connection)
    finally:
        copy.close()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found on PATH. Install PostgreSQL's client tools of the server's major "
            "version or newer (Debian: apt-get install postgresql-client)."
        )
    return found


def _libpq_environment() -> dict[str, str]:
    """How pg_dump and pg_restore reach the configured database: libpq's variables, with the
    password in the environment (never on a command line others can read)."""
    settings_dict = connection.settings_dict
    _arguments, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    environment = {**os.environ, **(extra or {})}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _run(arguments: list[str]) -> None:
    result = subprocess.run(arguments, env=_libpq_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(arguments[0]).name} failed (exit {result.returncode}): {result.stderr.strip()}")


def _postgresql_dump(path: Path) -> Facts:
    pg_dump = _tool("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        # pg_dump reads the very snapshot this transaction holds open; the counts below are
        # read in it too.
        _run(
            [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={path}",
                f"--dbname={connection.settings_dict['NAME']}",
            ]
        )
        return facts(cursor, "postgresql")


def _postgresql_restore(path: Path) -> None:
    pg_restore = _tool("pg_restore")
    # One transaction: a restore that fails half-way leaves the database as empty as it was.
    # Objects belong to whoever restores (the application's user), not to the old owner.
    _run(
        [
            pg_restore,
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        ]
    )
    connection.close()
