"""The reminder digest: for each follower, what they follow that is overdue, due within 30
days, or without progress for REMINDER_STALE_DAYS days; one mail per follower.

Each reminder is remembered (ReminderSent) by follower, recommendation, reason and the date
the reason refers to (the due date, or the last progress): a second run sends nothing new,
and a changed due date or new progress makes a new reminder."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from recommendations.choices import Status
from recommendations.follows.models import Follow
from recommendations.follows.selectors import followed_recommendations
from recommendations.models import Recommendation
from recommendations.overdue import is_overdue

from .models import ReminderSent

if TYPE_CHECKING:
    from django.contrib.auth.models import User
from .mail import site_url

Reason = ReminderSent.Reason


@dataclass(frozen=True)
class Reminder:
    recommendation: Recommendation
    reason: str
    reference_date: datetime.date


@dataclass(frozen=True)
class Digest:
    user: "User"
    reminders: list[Reminder]


def _reasons(recommendation: Recommendation, last_progress: datetime.date | None, today: datetime.date):
    if recommendation.status == Status.IMPLEMENTED:
        return
    due = recommendation.due_on
    if is_overdue(due_on=due, status=recommendation.status, day=today):
        yield Reason.OVERDUE, due
    elif due is not None and due <= today + datetime.timedelta(days=settings.REMINDER_DUE_SOON_DAYS):
        yield Reason.DUE_SOON, due
    since = last_progress or timezone.localdate(recommendation.created_at)
    if since <= today - datetime.timedelta(days=settings.REMINDER_STALE_DAYS):
        yield Reason.STALE, since


def digests_due(*, today: datetime.date | None = None) -> list[Digest]:
    """What each follower with an email address should be reminded of now, minus what was
    already sent; followers with nothing new are left out."""
    today = today or timezone.localdate()
    users = (
        get_user_model()
        .objects.filter(is_active=True, pk__in=Follow.objects.values("user_id"))
        .exclude(email="")
        .order_by("pk")
    )
    digests = []
    for user in users:
        recommendations = (
            followed_recommendations(user)
            .exclude(status=Status.IMPLEMENTED)
            .select_related("source")
            .annotate(last_progress=Max("progress_updates__occurred_on"))
            .order_by("due_on", "pk")
        )
        candidates = [
            Reminder(recommendation, reason, reference)
            for recommendation in recommendations
            for reason, reference in _reasons(recommendation, recommendation.last_progress, today)
        ]
        if not candidates:
            continue
        sent = set(
            ReminderSent.objects.filter(
                user=user, recommendation_id__in={item.recommendation.pk for item in candidates}
            ).values_list("recommendation_id", "reason", "reference_date")
        )
        new = [item for item in candidates if (item.recommendation.pk, item.reason, item.reference_date) not in sent]
        if new:
            digests.append(Digest(user, new))
    return digests


def digest_message(digest: Digest) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        groups = defaultdict(list)
        for reminder in digest.reminders:
            groups[reminder.reason].append(reminder)
        sections = [
            (
                str(Reason(reason).label),
                [(item, site_url(reverse("recommendations:detail", args=[item.recommendation.pk]))) for item in items],
            )
            for reason, items in ((reason, groups[reason]) for reason in Reason.values)
            if items
        ]
        body = render_to_string(
            "recommendations/email/reminders.txt",
            {"user": digest.user, "sections": sections, "work_url": site_url(reverse("recommendations:work"))},
        )
        subject = _("Reminder: %(count)d followed recommendations need attention") % {"count": len(digest.reminders)}
    return EmailMessage(subject=subject, body=body, to=[digest.user.email])


def reminders_send(*, today: datetime.date | None = None) -> list[Digest]:
    """Mail every digest due and remember each reminder in it, one follower at a time: a
    mail server failing half-way leaves the rest to the next run, nothing sent twice."""
    digests = digests_due(today=today)
    connection = get_connection()
    for digest in digests:
        with transaction.atomic():
            ReminderSent.objects.bulk_create(
                [
                    ReminderSent(
                        user=digest.user,
                        recommendation=item.recommendation,
                        reason=item.reason,
                        reference_date=item.reference_date,
                    )
                    for item in digest.reminders
                ],
                ignore_conflicts=True,
            )
            connection.send_messages([digest_message(digest)])
    return digests
