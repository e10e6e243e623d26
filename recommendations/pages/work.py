"""Pages for a signed-in user: following and "my work" (/work/); the account's own pages are
in account.py."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recommendations.choices import Role, Status
from recommendations.follows.models import Follow
from recommendations.follows.selectors import followed_recommendations
from recommendations.follows.services import follow_set
from recommendations.models import Recommendation
from recommendations.overdue import overdue_day, overdue_q
from recommendations.progress.published import entries_shown
from recommendations.roles import has_role

RECENT_DAYS = 30
LIMIT = 100


def _signed_in(request: HttpRequest) -> User:
    """The user of a view behind login_required."""
    assert isinstance(request.user, User), "login_required lets only signed-in users through"
    return request.user


@require_POST
@login_required
def follow_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _signed_in(request)
    recommendation = get_object_or_404(Recommendation.objects.select_related("source"), pk=pk)
    following = request.POST.get("following") == "1"
    if request.POST.get("target") == "source":
        follow_set(user=user, source_id=recommendation.source_id, following=following)
        message = (
            _("You follow every recommendation of %(source)s.") if following else _("You no longer follow %(source)s.")
        ) % {"source": recommendation.source.title}
    else:
        follow_set(user=user, recommendation_id=recommendation.pk, following=following)
        message = _("You follow this recommendation.") if following else _("You no longer follow this recommendation.")
    if following and not user.email:
        message += " " + _("Add your email address on your profile page to receive mail.")
    messages.success(request, message)
    return redirect(reverse("recommendations:detail", args=[pk]))


@login_required
def work_page(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    today = timezone.localdate()
    followed = followed_recommendations(user).select_related("source")
    stale_since = today - datetime.timedelta(days=_stale_days())
    recent = (
        entries_shown(in_review_too=has_role(user, Role.ANALYST))
        .filter(
            recommendation__in=followed.values("pk"),
            created_at__gte=timezone.now() - datetime.timedelta(days=RECENT_DAYS),
        )
        .exclude(author=user)
        .select_related("recommendation")
        .order_by("-created_at", "-id")[:20]
    )
    context = {
        "followed": list(followed.order_by("due_on", "pk")[:LIMIT]),
        "followed_count": followed.count(),
        "sources": Follow.objects.filter(user=user, source__isnull=False).select_related("source"),
        "overdue": list(followed.filter(overdue_q(overdue_day())).order_by("due_on", "pk")[:LIMIT]),
        "stale": list(
            followed.exclude(status=Status.IMPLEMENTED)
            .exclude(progress_updates__occurred_on__gt=stale_since)
            .filter(created_at__date__lte=stale_since)
            .order_by("pk")[:LIMIT]
        ),
        "stale_days": _stale_days(),
        "recent": recent,
        "recent_days": RECENT_DAYS,
        "may_see_authors": has_role(user, Role.ANALYST),
        "review_link": settings.REVIEW_REQUIRED and has_role(user, Role.NGO_STAFF),
    }
    return render(request, "recommendations/work.html", context)


def _stale_days() -> int:
    return settings.REMINDER_STALE_DAYS
