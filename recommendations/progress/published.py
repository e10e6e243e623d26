"""The published progress: what the public, the stats, the exports, the feed, the mails and
the as-of rule read (REVIEW_REQUIRED, issue 21 §2).

Every reader that counts or shows progress to someone who may not see proposals takes its
entries from here — the ORM's `published_entries()` or, in hand-written SQL, the
`PUBLISHED_ENTRIES_SQL` table — so a proposed, returned or rejected entry cannot leak through
a reader that forgot a filter. Without review every entry is published, and nothing changes."""

from django.conf import settings
from django.db.models import QuerySet

from recommendations.choices import ReviewState
from recommendations.models import ProgressUpdate

PROGRESS_TABLE = ProgressUpdate._meta.db_table
# A table expression to read in place of the progress table: `FROM {PUBLISHED_ENTRIES_SQL} p`
# (both PostgreSQL and SQLite fold it into the query around it).
PUBLISHED_ENTRIES_SQL = f"(SELECT * FROM {PROGRESS_TABLE} WHERE review_state = '{ReviewState.PUBLISHED.value}')"  # noqa: S608


def review_required() -> bool:
    return bool(settings.REVIEW_REQUIRED)


def published_entries() -> QuerySet:
    return ProgressUpdate.objects.filter(review_state=ReviewState.PUBLISHED)


def entries_shown(*, in_review_too: bool) -> QuerySet:
    """What a page lists: every entry for readers who see entries in review (analysts and
    above, as for notes: the page marks them), else the published ones."""
    return ProgressUpdate.objects.all() if in_review_too else published_entries()
