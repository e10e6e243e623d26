"""A backup taken while progress is being written restores elsewhere with every row, every
file and the append-only guards, on the database kind this run uses (CI runs both).

Everything runs in its own process, as in production: `migrate` and a fill through the
services, a writer recording progress (every other entry with a file) through the service,
`manage.py backup` while it writes, then `manage.py restore` into a new database and media
folder. On PostgreSQL both databases are created here (named after this run's test database)
and dropped at the end; on SQLite they are files in a temporary folder.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from recommendations.backups.database import table_names

pytestmark = pytest.mark.slow

# Rows the writer adds while the backup runs: the archive holds a prefix of them.
APPENDED = {"recommendations_progressupdate", "recommendations_changerecord", "recommendations_evidence"}
# The job queue: the writer queues a follower mail with each entry, after the backup too; its
# ids are random (UUIDs), so what the archive holds is a subset rather than a prefix.
QUEUED = {"django_tasks_database_dbtaskresult"}
# The data version public reads are cached under (recommendations/caching): every write moves it,
# and a restore moves it past every value the source gave (`version_after_restore`).
MOVED_BY_EVERY_WRITE = "tracker_data_version"


@dataclass
class Site:
    """A database and a media folder, as a deployment would configure them."""

    url: str
    media: Path
    connect: Callable[[], Any]
    kind: str

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tracker.settings.local",
            "DATABASE_URL": self.url,
            "MEDIA_ROOT": str(self.media),
            "TRACKER_VAR_DIR": str(self.media.parent),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DEBUG": "false",
        }

    def manage(self, *arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - this interpreter and manage.py
            [sys.executable, "manage.py", *arguments],
            cwd=settings.BASE_DIR,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def scenario(self, *arguments: str) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tests.backup_scenario", *arguments],
            cwd=settings.BASE_DIR,
            env=self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"{result.args[2:]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def sites(tmp_path, django_db_setup) -> Iterator[tuple[Site, Site]]:
    """`django_db_setup`: the run's test database exists, so the names below are always its own."""
    if connection.vendor == "sqlite":
        made = []
        for name in ("source", "restored"):
            path = tmp_path / f"{name}.sqlite3"
            made.append(Site(f"sqlite:///{path}", tmp_path / name / "media", partial(sqlite3.connect, path), "sqlite"))
        yield made[0], made[1]
        return
    import psycopg

    server = connection.settings_dict
    credentials = {
        "host": server["HOST"] or "127.0.0.1",
        "port": server["PORT"] or 5432,
        "user": server["USER"],
        "password": server["PASSWORD"] or None,
    }
    # Named after this run's test database (test_<name>), never another run's or `test`.
    names = [f"{server['NAME']}_roundtrip_{name}" for name in ("source", "restored")]

    def administer(statement: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **credentials) as admin:
            admin.execute(statement)

    for name in names:
        administer(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        administer(f'CREATE DATABASE "{name}"')
    password = f":{credentials['password']}" if credentials["password"] else ""
    made = [
        Site(
            f"postgres://{credentials['user']}{password}@{credentials['host']}:{credentials['port']}/{name}",
            tmp_path / name / "media",
            partial(psycopg.connect, dbname=name, **credentials),
            "postgresql",
        )
        for name in names
    ]
    try:
        yield made[0], made[1]
    finally:
        for name in names:
            administer(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def comparable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True, default=str) if isinstance(value, dict | list) else value


def contents(site: Site) -> dict[str, dict[Any, tuple]]:
    """Every row of every table, by its first column (the primary key)."""
    database = site.connect()
    try:
        cursor = database.cursor()
        tables = {}
        for table in table_names(cursor, site.kind):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the catalogue
            tables[table] = {row[0]: tuple(comparable(value) for value in row) for row in cursor.fetchall()}
        return tables
    finally:
        database.close()


def files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def column(site: Site, sql: str) -> list[tuple]:
    database = site.connect()
    try:
        cursor = database.cursor()
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        database.close()


def refused(site: Site, statement: str) -> bool:
    database = site.connect()
    try:
        database.execute(statement)
        database.commit()
    except Exception as error:
        return "append-only" in str(error)
    finally:
        database.close()
    return False


def tampered_copy(archive: Path, destination: Path, member_prefix: str) -> str:
    """The archive with one byte changed in the first member under `member_prefix`."""
    changed = ""
    with tarfile.open(archive) as source, tarfile.open(destination, "w", format=tarfile.PAX_FORMAT) as target:
        for member in source:
            stream = source.extractfile(member)
            data = stream.read() if stream else b""
            if not changed and member.name.startswith(member_prefix):
                data, changed = data[:-1] + bytes([data[-1] ^ 1]), member.name
            target.addfile(member, io.BytesIO(data))
    return changed


def test_a_backup_taken_while_writers_run_restores_every_row_file_and_guard(sites, tmp_path):
    source, restored = sites
    ok(source.manage("migrate", "--no-input", "-v0"))
    filler = source.scenario("fill")
    _out, errors = filler.communicate(timeout=600)
    assert filler.returncode == 0, errors
    files_before_writing = files(source.media)

    stop = tmp_path / "stop-writing"
    writer = source.scenario("write", str(stop))
    try:
        ready = writer.stdout.readline() if writer.stdout else ""
        assert ready.startswith("ready "), ready + (writer.stderr.read() if writer.stderr else "")
        written_recommendation = int(ready.split()[1])
        backup = ok(source.manage("backup", "--output", str(tmp_path / "tracker.tar")))
    finally:
        stop.touch()
        out, errors = writer.communicate(timeout=600)
    assert writer.returncode == 0, errors
    total_written = int(out.split()[-1])
    archive = tmp_path / "tracker.tar"
    assert f"{archive}: {source.kind} database" in backup

    # Refused, and nothing written: a changed archive, then a media folder that is not empty.
    changed = tampered_copy(archive, tmp_path / "tampered.tar", "media/evidence/")
    refusal = restored.manage("restore", str(tmp_path / "tampered.tar"))
    assert refusal.returncode == 1
    assert f"{changed}: its content differs from the manifest's checksum" in refusal.stderr
    assert contents(restored) == {}
    assert files(restored.media) == {}
    restored.media.mkdir(parents=True, exist_ok=True)
    (restored.media / "left-over.pdf").write_bytes(b"%PDF-1.4")
    refusal = restored.manage("restore", str(archive))
    assert refusal.returncode == 1
    assert "holds files: left-over.pdf" in refusal.stderr
    assert contents(restored) == {}
    (restored.media / "left-over.pdf").unlink()

    assert "restored and checked against its manifest" in ok(restored.manage("restore", str(archive)))

    after, back = contents(source), contents(restored)
    assert set(back) == set(after)
    for table, rows in after.items():
        kept = back[table]
        if table == MOVED_BY_EVERY_WRITE:
            assert kept.keys() == rows.keys(), table  # its values: moved past the source's (below)
            continue
        mutable = {written_recommendation} if table == "recommendations_recommendation" else set()
        assert {key: row for key, row in kept.items() if key not in mutable} == {
            key: rows[key] for key in kept if key not in mutable
        }, table
        if table in QUEUED:
            assert set(kept) <= set(rows), table
        elif table in APPENDED:
            # A prefix: what the archive lacks was written after every row it holds.
            assert min(set(rows) - set(kept), default=max(kept, default=0) + 1) > max(kept, default=0), table
        else:
            assert set(kept) == set(rows), table

    # The writer's entries: some before the backup, never those after it, and the
    # recommendation's status is the one its last archived entry set.
    log = "SELECT status_after FROM recommendations_progressupdate WHERE author_username = 'writer' ORDER BY id"
    writer_log = column(restored, log)
    assert 4 <= len(writer_log) <= total_written - 2
    current = f"SELECT status FROM recommendations_recommendation WHERE id = {written_recommendation:d}"  # noqa: S608
    assert column(restored, current) == [writer_log[-1]]

    # Every file: the restored ones are the source's bytes, and every row's file is there.
    restored_files, source_files = files(restored.media), files(source.media)
    assert files_before_writing.items() <= restored_files.items()
    assert all(source_files[name] == digest for name, digest in restored_files.items())
    referenced = column(restored, "SELECT file, file_sha256 FROM recommendations_evidence WHERE file <> ''")
    referenced += column(restored, "SELECT document, document_sha256 FROM recommendations_source WHERE document <> ''")
    assert len(referenced) > 3
    assert all(restored_files.get(name) == digest for name, digest in referenced)

    # The version moved past every value the source gave, so no answer a shared cache keeps
    # from before the restore is found again for what is written after it.
    version = "SELECT MAX(moves) FROM tracker_data_version"
    assert column(restored, version)[0] > column(source, version)[0]

    # The restored service takes new writes (its id sequences came back too).
    stop_at_once = tmp_path / "stop-at-once"
    stop_at_once.touch()
    writer = restored.scenario("write", str(stop_at_once))
    out, errors = writer.communicate(timeout=600)
    assert writer.returncode == 0, errors
    assert len(column(restored, log)) == len(writer_log) + int(out.split()[-1])

    # The append-only guards came back with the rows.
    assert refused(restored, "UPDATE recommendations_progressupdate SET note = 'dəyişdi'")
    assert refused(restored, "UPDATE recommendations_changerecord SET username = 'başqası'")
    if restored.kind == "postgresql":
        assert refused(restored, "DELETE FROM recommendations_changerecord")
        assert refused(restored, "DELETE FROM recommendations_progressupdate")
