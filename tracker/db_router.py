"""Reads from PostgreSQL streaming replicas, writes to the primary.

`DATABASE_REPLICA_URLS` (comma-separated) adds one database alias per replica
(`replica1`, `replica2`, …). Reads go to a replica, except where a replica could show
something older than the reader has a right to expect:

- inside a transaction on the primary (every service function runs in one): its own writes
  and row locks exist only there;
- after this request (or thread, outside requests) has written anything: the client must
  see its own change in the response, e.g. the new version (ETag) after a progress update;
- in requests that are meant to write (POST, PATCH, PUT, DELETE): their reads decide what
  is written.

Replication lag is otherwise tolerated: a list may be a moment behind the primary.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dj_database_url
from asgiref.local import Local
from django.db import connections

PRIMARY = "default"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Per request under WSGI (a thread each) and ASGI alike (a context each: a thread-local would
# be shared by every request the event loop's thread serves, or lost across sync_to_async).
_state = Local()


def replica_databases(urls: str, primary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Database settings for each replica URL, connection options copied from the primary.

    In tests a replica mirrors the primary (Django's TEST MIRROR), so the suite needs no
    second server and sees one consistent database.
    """
    replicas = {}
    for number, url in enumerate((part.strip() for part in urls.split(",") if part.strip()), start=1):
        settings = dj_database_url.parse(
            url,
            conn_max_age=primary.get("CONN_MAX_AGE", 0),
            conn_health_checks=primary.get("CONN_HEALTH_CHECKS", False),
        )
        settings["ENGINE"] = primary.get("ENGINE", settings["ENGINE"])  # the primary's kind of database
        settings["OPTIONS"] = {**primary.get("OPTIONS", {}), **settings.get("OPTIONS", {})}
        settings["TEST"] = {"MIRROR": PRIMARY}
        replicas[f"replica{number}"] = settings
    return replicas


def pin_to_primary() -> None:
    """Send this request's (or thread's) remaining reads to the primary."""
    _state.pinned = True


def begin_request(method: str) -> None:
    """A request begins: pinned to the primary when it is meant to write, else free until it writes."""
    _state.pinned = method.upper() in UNSAFE_METHODS


def end_request() -> None:
    _state.pinned = False
    _state.read_alias = None


@contextmanager
def reads_on(alias: str) -> Iterator[None]:
    """Every read inside goes to `alias` (unless pinned to the primary): a cached read takes
    the data version and then its answer from one database, never the version from one
    replica and the rows from another that is further behind."""
    previous = getattr(_state, "read_alias", None)
    _state.read_alias = alias
    try:
        yield
    finally:
        _state.read_alias = previous


class PrimaryPinMiddleware:
    """First in MIDDLEWARE, before anything reads: begins and ends each request's pin in the
    request's own thread (WSGI) or context (ASGI), where the router reads it. Not a
    request_started receiver: under ASGI, Signal.asend runs receivers in a task of their own,
    whose changes never reach the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        begin_request(request.method or "GET")
        try:
            return self.get_response(request)
        finally:
            end_request()


class PrimaryReplicaRouter:
    """Listed in DATABASE_ROUTERS only when replicas are configured."""

    def __init__(self, replicas: list[str] | None = None) -> None:
        if replicas is None:
            replicas = [alias for alias in connections.settings if alias.startswith("replica")]
        self.replicas = replicas

    def db_for_read(self, model, **hints) -> str | None:
        if not self.replicas or getattr(_state, "pinned", False) or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        chosen = getattr(_state, "read_alias", None)
        if chosen:
            return chosen
        return random.choice(self.replicas)  # noqa: S311 - load spreading, not security

    def db_for_write(self, model, **hints) -> str:
        pin_to_primary()
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY  # replicas receive the schema through replication
