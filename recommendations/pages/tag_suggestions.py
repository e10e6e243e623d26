"""Accepting or rejecting a suggested tag from the recommendation's page (NGO staff)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recommendations.choices import Role
from recommendations.roles import has_role
from recommendations.tags.models import TagSuggestion
from recommendations.tags.suggestions import tag_suggestion_decide


def open_suggestions(recommendation_id: int, language: str) -> list[TagSuggestion]:
    """The suggestions nobody has decided yet, best first, each with its term's `name` in
    `language` (one query)."""
    suggestions = list(
        TagSuggestion.objects.filter(recommendation_id=recommendation_id, state=TagSuggestion.State.SUGGESTED)
        .select_related("tag")
        .order_by("-score", "tag__vocabulary", "tag__code")
    )
    for suggestion in suggestions:
        suggestion.name = suggestion.tag.name(language)  # type: ignore[attr-defined]  # for the template
    return suggestions


@require_POST
def tag_suggestion_decide_page(request: HttpRequest, pk: int, suggestion_id: int) -> HttpResponse:
    page = reverse("recommendations:detail", args=[pk])
    if not request.user.is_authenticated:
        return redirect_to_login(page)
    if not has_role(request.user, Role.NGO_STAFF):
        raise PermissionDenied(_("Only NGO staff and administrators may accept or reject suggested tags."))
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        messages.error(request, _("Choose to accept or to reject the suggested tag."))
        return redirect(f"{page}#suggested-tags")
    get_object_or_404(TagSuggestion, pk=suggestion_id, recommendation_id=pk)
    try:
        suggestion = tag_suggestion_decide(
            recommendation_id=pk, suggestion_id=suggestion_id, accept=decision == "accept", user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.message_dict["state"]))
        return redirect(f"{page}#suggested-tags")
    name = suggestion.tag.name(request.LANGUAGE_CODE)
    if suggestion.state == TagSuggestion.State.ACCEPTED:
        messages.success(request, _("The tag “%(name)s” was added.") % {"name": name})
    else:
        messages.success(request, _("The suggested tag “%(name)s” was rejected.") % {"name": name})
    return redirect(f"{page}#suggested-tags")
