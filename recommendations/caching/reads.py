"""The data version as a reader sees it, and the cache keyed by it.

The version is read before the answer and from the same database: an answer computed after it
can only be as new or newer than the version says (READ COMMITTED: each statement sees every
commit before it), so the worst a race does is store a newer answer under an older version,
which no reader after the write asks for (it reads the new version). Reading the answer first
would be the stale case: an old answer stored under the version a write had just moved.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.db import connections, router
from django.utils import timezone

from recommendations.languages import ui_language
from recommendations.models import Recommendation
from recommendations.roles import user_role

from .triggers import VERSION_TABLE

CACHE_ALIAS = "public_reads"
# Bodies beyond this are computed each time (a spreadsheet of a whole report): a cache of a few
# hundred entries must not hold a process's memory hostage.
LARGEST_CACHED_BYTES = 2 * 1024 * 1024


def read_database() -> str:
    """Where this request's reads go now (a replica, or the primary)."""
    return router.db_for_read(Recommendation) or "default"


def data_version(alias: str) -> str:
    """Every slot's value, in one statement (one snapshot): changes with every committed write."""
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT moves FROM {VERSION_TABLE} ORDER BY slot")  # noqa: S608 - a constant
        return ".".join(str(moves) for (moves,) in cursor.fetchall())


def visibility_class(user) -> str:
    """Who the answer is for: anonymous, or the reader's role (withdrawn rows and proposed
    progress differ by role; answers for one role are never served to another)."""
    role = user_role(user)
    return role.value if role else "anonymous"


@dataclass(frozen=True)
class CachedAnswer:
    status: int
    content: bytes
    headers: tuple[tuple[str, str], ...]


def answer_key(*, view: str, url: str, media_type: str, user, version: str) -> str:
    """The version, the view, the whole address (scheme and host too: the next page's link
    names them), the query, the language, the negotiated format, the
    reader's class and today's date (overdue and "to today" answers change at midnight)."""
    parts = (version, view, url, ui_language(), media_type, visibility_class(user), today())
    return "read:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def today() -> str:
    """The day in the site's zone (no request here activates another), for every key."""
    return timezone.localdate(timezone=timezone.get_default_timezone()).isoformat()


def answer_get(key: str) -> CachedAnswer | None:
    return caches[CACHE_ALIAS].get(key)


def answer_set(key: str, answer: CachedAnswer) -> None:
    if len(answer.content) <= LARGEST_CACHED_BYTES:
        caches[CACHE_ALIAS].set(key, answer)
