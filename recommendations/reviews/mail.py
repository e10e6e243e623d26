"""The mail that tells reviewers a proposal waits. Like the followers' mail it never carries
the note or evidence (they may describe victims): only what changes, and the link."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from recommendations.choices import ReviewState, Role
from recommendations.models import ProgressUpdate
from recommendations.notifications.mail import site_url

from .permissions import may_review


def reviewers():
    """Every active user who may review: administrators and staff given the permission."""
    permission = Permission.objects.filter(codename="review_progress", content_type__app_label="recommendations")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__name=Role.ADMIN)
            | Q(user_permissions__in=permission)
            | Q(groups__permissions__in=permission)
        )
        .distinct()
        .order_by("pk")
    )


def review_waiting_send(*, update_id: int) -> int:
    """Mail each reviewer but the author that the entry waits; none once it was decided."""
    update = ProgressUpdate.objects.select_related("recommendation", "measure").get(pk=update_id)
    if update.review_state != ReviewState.PROPOSED:
        return 0
    recipients = [user for user in reviewers().exclude(pk=update.author_id) if user.email and may_review(user)]
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject_name = (
            _("Recommendation %(id)d") % {"id": update.recommendation_id}
            if update.recommendation_id
            else _("Measure %(id)d") % {"id": update.measure_id}
        )
        subject = _("To review: %(subject)s, %(before)s → %(after)s") % {
            "subject": subject_name,
            "before": update.get_status_before_display(),
            "after": update.get_status_after_display(),
        }
        body = render_to_string(
            "recommendations/email/review_waiting.txt",
            {"update": update, "subject_name": subject_name, "url": site_url(reverse("recommendations:reviews"))},
        )
    messages = [EmailMessage(subject=subject, body=body, to=[user.email]) for user in recipients]
    return get_connection().send_messages(messages) or 0


def review_decision_send(*, update_id: int) -> int:
    """Tell the author how their proposal was decided. The reviewer's comment stays on the
    page: it may quote the note, and notes are never mailed."""
    update = ProgressUpdate.objects.select_related("author").get(pk=update_id)
    author = update.author
    if author is None or not author.email or not author.is_active or update.review_state == ReviewState.PROPOSED:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your proposal #%(id)d: %(state)s") % {
            "id": update.pk,
            "state": update.get_review_state_display(),
        }
        body = render_to_string(
            "recommendations/email/review_decision.txt",
            {"update": update, "url": site_url(reverse("recommendations:reviews"))},
        )
    return get_connection().send_messages([EmailMessage(subject=subject, body=body, to=[author.email])]) or 0
