"""Test data built once per module instead of once per test.

`@shared_data` turns a builder into a module-scoped fixture: the builder runs once inside a
transaction that stays open while the module's tests run and is rolled back after the last
one. Each test still runs in its own savepoint inside it (pytest-django's `db`), so whatever
a test writes is undone before the next test, which sees the data exactly as built; a test
that reads shared data gets database access without asking (tests/conftest.py).

Share only what the tests treat as read-only: they may write through the API or services
(undone after each test), but must not change the Python objects the builder returned (pass
ids, or re-read rows). A transactional test (live server, `transaction=True`) cannot run
inside the open transaction: tests/conftest.py refuses it by name rather than let it flush
the shared rows away.
"""

import inspect
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

# Names of the shared fixtures, for tests/conftest.py.
SHARED_FIXTURES: set[str] = set()


def shared_data(build: Callable[..., Any] | None = None, *, name: str | None = None):
    """Decorate a builder (its parameters may name other shared fixtures) into a fixture of
    the same name, or of `name`, built once per module."""

    def decorate(build: Callable[..., Any]):
        fixture_name = name or build.__name__
        SHARED_FIXTURES.add(fixture_name)
        dependencies = list(inspect.signature(build).parameters)

        @pytest.fixture(scope="module", name=fixture_name)
        def fixture(request, django_db_setup, django_db_blocker):
            # Other shared fixtures are set up first, so their transactions enclose this one.
            values = {dependency: request.getfixturevalue(dependency) for dependency in dependencies}
            with django_db_blocker.unblock():
                atomic = transaction.atomic()
                atomic.__enter__()
                try:
                    # A transactional test run earlier may have recreated the content types.
                    ContentType.objects.clear_cache()
                    data = build(**values)
                except BaseException:
                    atomic.__exit__(*sys.exc_info())
                    raise
            try:
                yield data
            finally:
                with django_db_blocker.unblock():
                    transaction.set_rollback(True)
                    atomic.__exit__(None, None, None)

        fixture.__doc__ = build.__doc__
        return fixture

    return decorate(build) if build is not None else decorate


def is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs this test without a wrapping transaction."""
    fixtures = getattr(item, "fixturenames", ())
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
