"""A kept PostgreSQL connection is checked before a request uses it, without a round trip
when it is healthy (tracker/database/base.py)."""

import time
from unittest import mock

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoPostgreSQL

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def terminate_from_elsewhere(backend_pid: int) -> None:
    """End a backend the way a restart or an administrator does: from another session."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend_pid])


def test_a_healthy_idle_connection_is_usable_without_a_query():
    connection.ensure_connection()
    with mock.patch.object(DjangoPostgreSQL, "is_usable", side_effect=AssertionError("a round trip")):
        assert connection.is_usable() is True


def test_a_connection_the_server_ended_is_not_usable():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend_pid,) = cursor.fetchone()
    terminate_from_elsewhere(backend_pid)
    try:
        deadline = time.monotonic() + 5
        while connection.is_usable() and time.monotonic() < deadline:  # the notice arrives at once
            time.sleep(0.05)
        assert connection.is_usable() is False
    finally:
        connection.close()  # what Django does with an unusable connection; the test's teardown needs a live one


def test_the_service_s_connections_run_without_jit_compilation():
    # PostgreSQL's JIT cost about a second of each query of a 100,000-row export (BENCHMARKS.md);
    # the settings turn it off per connection (DATABASE_JIT), whatever the server's default.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
