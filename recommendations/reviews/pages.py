"""The review page: for reviewers, what waits (oldest first) with the change each would make
and the three decisions; for every staff member, the state of what they proposed."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recommendations.choices import ReviewState, Role
from recommendations.models import ProgressUpdate
from recommendations.roles import has_role

from .permissions import may_review
from .selectors import PAGE_SIZE, entries_proposed_by, proposals, waiting_entries
from .services import Decision, progress_review


def _staff_only(request: HttpRequest) -> None:
    if not has_role(request.user, Role.NGO_STAFF):
        raise PermissionDenied(_("Only NGO staff and administrators may see reviews."))


@login_required
def review_queue_page(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    reviewer = may_review(request.user)
    waiting = waiting_entries()
    context = {
        "reviewer": reviewer,
        "review_required": settings.REVIEW_REQUIRED,
        "waiting": proposals(waiting[:PAGE_SIZE]) if reviewer else [],
        "waiting_count": waiting.count() if reviewer else 0,
        "mine": proposals(entries_proposed_by(request.user)[:PAGE_SIZE]),
        "decisions": Decision.choices,
        "proposed": ReviewState.PROPOSED,
    }
    return render(request, "recommendations/reviews.html", context)


@require_POST
@login_required
def review_decide_page(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    page = reverse("recommendations:reviews")
    if not may_review(request.user):
        raise PermissionDenied(_("Only reviewers may review proposed progress."))
    get_object_or_404(ProgressUpdate.objects.exclude(review_state=ReviewState.PUBLISHED), pk=pk)
    try:
        update = progress_review(
            update_id=pk,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
            user=request.user,
        )
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return redirect(f"{page}#entry-{pk}")
    except ValidationError as error:
        messages.error(request, " ".join(message for messages_ in error.message_dict.values() for message in messages_))
        return redirect(f"{page}#entry-{pk}")
    done = {
        ReviewState.PUBLISHED: _("Entry #%(id)d approved: it is public now."),
        ReviewState.RETURNED: _("Entry #%(id)d returned to its author with your comment."),
        ReviewState.REJECTED: _("Entry #%(id)d rejected."),
    }[ReviewState(update.review_state)]
    messages.success(request, done % {"id": update.pk})
    return redirect(page)
