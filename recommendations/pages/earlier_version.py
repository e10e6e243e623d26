"""Choosing, on a recommendation's page, the earlier recommendation it repeats where the import
found no clear match (catalog/matching.py lists the candidates): admins, who edit `repeats`."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recommendations.catalog.matching import earlier_version_choices
from recommendations.catalog.services import recommendation_update
from recommendations.choices import Role
from recommendations.models import Recommendation
from recommendations.roles import has_role


@require_POST
def earlier_version_choose_page(request: HttpRequest, pk: int) -> HttpResponse:
    page = reverse("recommendations:detail", args=[pk])
    if not request.user.is_authenticated:
        return redirect_to_login(page)
    if not has_role(request.user, Role.ADMIN):
        raise PermissionDenied(_("Only administrators link a recommendation to its earlier version."))
    recommendation = get_object_or_404(Recommendation.objects.select_related("source"), pk=pk)
    offered = {str(choice.row.recommendation_id): choice for choice in earlier_version_choices(recommendation)}
    choice = offered.get(request.POST.get("repeats", ""))
    if choice is None:
        # Linked meanwhile, or a row that was not offered: nothing is linked on a guess.
        messages.error(request, _("That row is not among the earlier versions offered; nothing was linked."))
        return redirect(f"{page}#other-years")
    earlier = Recommendation.objects.get(pk=choice.row.recommendation_id)
    try:
        recommendation_update(
            recommendation_id=pk,
            data={"repeats": earlier},
            user=request.user,
            note=_("Chosen as its earlier version on the page (similarity %(score).2f)") % {"score": choice.score},
        )
    except ValidationError as error:
        messages.error(request, " ".join(message for errors in error.message_dict.values() for message in errors))
        return redirect(f"{page}#other-years")
    messages.success(
        request,
        _("Linked to its earlier version, %(slug)s #%(position)s.")
        % {"slug": choice.row.source_slug, "position": choice.row.position},
    )
    return redirect(f"{page}#other-years")
