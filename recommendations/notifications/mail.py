"""The mail to followers of a recommendation when its status changes.

Sent by the job worker (tasks.status_change_mail, queued by services.status_change_announce
with the change itself), one message per follower, never to the person who made the change.
Notes and evidence titles may describe victims, and mail leaves our hands (forwarded, stored
by others): they are never in a message. Followers whose role may read them (analysts and above) learn who recorded the
change, that a note came with it and how much evidence, and follow the link to the page."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from recommendations.choices import Role
from recommendations.follows.models import Follow
from recommendations.follows.selectors import followers_of
from recommendations.models import Evidence, ProgressUpdate
from recommendations.roles import has_role
from recommendations.withdrawal.models import sees_withdrawn


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def status_change_send(*, update_id: int) -> int:
    """Send the mails of one status change now; returns how many were sent. Runs in the
    job worker: a mail server that fails makes the job fail with its reason (shown with the
    jobs in the admin), never an error for the person who recorded the progress."""
    update = ProgressUpdate.objects.select_related("recommendation__source").get(pk=update_id)
    recommendation = update.recommendation
    assert recommendation is not None  # only a recommendation's status change is announced
    recipients = [
        user
        for user in followers_of(recommendation).exclude(pk=update.author_id).prefetch_related("groups")
        # A withdrawn recommendation is news only to those who may still open it.
        if user.email and (not recommendation.is_withdrawn or sees_withdrawn(user))
    ]
    if not recipients:
        return 0
    # Its own evidence and, recorded with a measure's entry, that entry's (shared with it).
    entries = [pk for pk in (update.pk, update.measure_update_id) if pk is not None]
    evidence_count = Evidence.objects.filter(progress_update_id__in=entries).count()
    followed_directly = set(
        Follow.objects.filter(recommendation=recommendation, user__in=recipients).values_list("user_id", flat=True)
    )
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in recipients:
            context = {
                "recommendation": recommendation,
                "update": update,
                "may_read_notes": has_role(user, Role.ANALYST),
                "evidence_count": evidence_count,
                "url": site_url(reverse("recommendations:detail", args=[recommendation.pk]) + f"#entry-{update.pk}"),
                "work_url": site_url(reverse("recommendations:work")),
                "through_source": user.pk not in followed_directly,
            }
            subject = _("Recommendation %(id)d: %(before)s → %(after)s") % {
                "id": recommendation.pk,
                "before": update.get_status_before_display(),
                "after": update.get_status_after_display(),
            }
            body = render_to_string("recommendations/email/status_change.txt", context)
            messages.append(EmailMessage(subject=subject, body=body, to=[user.email]))
    return get_connection().send_messages(messages) or 0
