"""The history page of a recommendation: every change, who made it and when, with a
readable before → after per field. For analysts and above, like the API's history."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from recommendations.choices import Role
from recommendations.history.readable import readable_history
from recommendations.history.selectors import recommendation_history
from recommendations.models import Recommendation
from recommendations.roles import has_role

PAGE_SIZE = 50


def recommendation_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_role(request.user, Role.ANALYST):
        raise PermissionDenied(_("The history is shown to analysts and above."))
    recommendation = get_object_or_404(Recommendation.objects.select_related("source"), pk=pk)
    # Its own changes and its evidence's, newest first.
    records = recommendation_history(recommendation).select_related("object_type").order_by("-changed_at", "-id")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"recommendation": recommendation, "page": page, "entries": readable_history(page.object_list)}
    return render(request, "recommendations/recommendation_history.html", context)
