"""The published progress: what the public, the stats, the exports, the feed, the mails and
the as-of rule read (REVIEW_REQUIRED, issue 21 §2).

Every reader that counts or shows progress to someone who may not see proposals takes its
entries from here — the ORM's `published_entries()` or, in hand-written SQL, the
`PUBLISHED_ENTRIES_SQL` table — so a proposed, returned or rejected entry cannot leak through
a reader that forgot a filter. Without review every entry is published, and nothing changes."""

from django.conf import settings
from django.db.models import QuerySet

from recommendations.choices import ReviewState, Role
from recommendations.models import ProgressUpdate
from recommendations.roles import has_role

PROGRESS_TABLE = ProgressUpdate._meta.db_table
# A table expression to read in place of the progress table: `FROM {PUBLISHED_ENTRIES_SQL} p`
# (both PostgreSQL and SQLite fold it into the query around it).
PUBLISHED_ENTRIES_SQL = f"(SELECT * FROM {PROGRESS_TABLE} WHERE review_state = '{ReviewState.PUBLISHED.value}')"  # noqa: S608
# Who sees entries still in review, marked as such: the analysts and above who read notes.
PROPOSAL_READER = Role.ANALYST


def review_required() -> bool:
    return bool(settings.REVIEW_REQUIRED)


def published_entries() -> QuerySet:
    return ProgressUpdate.objects.filter(review_state=ReviewState.PUBLISHED)


def entries_visible_to(user) -> QuerySet:
    """Every entry for analysts and above (proposals are marked on their pages); the
    published ones for everyone else."""
    return ProgressUpdate.objects.all() if has_role(user, PROPOSAL_READER) else published_entries()
