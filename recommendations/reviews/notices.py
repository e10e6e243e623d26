"""What a page tells the person who just recorded progress when it went to review."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from recommendations.choices import ReviewState
from recommendations.models import ProgressUpdate


def review_notice(updates: Iterable[ProgressUpdate]) -> str:
    """A sentence to add to the page's "recorded" message when the entries wait for review
    (REVIEW_REQUIRED), so nobody takes a proposal for a public change; else nothing."""
    if any(update.review_state == ReviewState.PROPOSED for update in updates):
        return " " + _("It waits for review: it becomes public once a reviewer approves it (see “Review”).")
    return ""
