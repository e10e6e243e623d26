"""Bulk progress: staff choose several recommendations on the filtered list and record one
entry — status, day, note, evidence — on all of them in one submission (`progress_record_many`:
each through the one progress service, all or none, a file stored once). The page lists what
was chosen, each with its current status, and may leave any out; a recommendation changed
since the page was opened, or refused, is named and nothing is saved."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recommendations.measures.forms import selected_recommendations
from recommendations.measures.pages import require_staff
from recommendations.models import Recommendation
from recommendations.progress.bulk import RecommendationRefused, RecommendationStale, progress_record_many
from recommendations.progress.services import EvidenceItemInvalid
from recommendations.reviews.notices import review_notice

from .progress_forms import EVIDENCE_ROWS, ProgressForm, evidence_formset, evidence_row_of, more_evidence_rows


class BulkProgressForm(ProgressForm):
    """The entry recorded on each chosen recommendation; each chosen one's version is sent
    beside it (`version-<id>`), so a change since the page was opened refuses the whole entry."""

    version = None  # type: ignore[assignment]  # each recommendation carries its own
    back = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)


def _versions(posted: QueryDict, ids: list[int]) -> dict[int, int]:
    versions = {}
    for pk in ids:
        value = posted.get(f"version-{pk}", "")
        if value.isdigit() and len(value) < 10:
            versions[pk] = int(value)
    return versions


def _back(url: str, request: HttpRequest) -> str:
    """The list the staff member came from, with its filters; the list itself otherwise."""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if url and safe else reverse("recommendations:dashboard")


def _page(request, *, chosen, form, formset, refused=None, stale=None, errors=(), status=200) -> HttpResponse:
    context = {
        "chosen": chosen,
        "form": form,
        "formset": formset,
        "refused": refused or {},
        "stale": stale,
        "errors": list(errors),
        "back": _back(form["back"].value() or "", request),
    }
    return render(request, "recommendations/bulk_progress.html", context, status=status)


def bulk_progress_page(request: HttpRequest) -> HttpResponse:
    back_after_login = request.get_full_path() if request.method == "GET" else reverse("recommendations:dashboard")
    refused = require_staff(request, back_after_login)
    if refused:
        return refused
    posted = request.POST if request.method == "POST" else request.GET
    try:
        ids = selected_recommendations(posted)
    except ValidationError as error:
        form = BulkProgressForm(initial={"back": request.META.get("HTTP_REFERER", "")})
        return _page(request, chosen=[], form=form, formset=None, errors=error.messages, status=400)
    chosen = list(Recommendation.objects.filter(pk__in=ids).select_related("source").order_by("id"))
    missing = sorted(set(ids) - {recommendation.pk for recommendation in chosen})
    if request.method != "POST" or "more_rows" in request.POST:
        initial = {
            "status": "in_progress",
            "occurred_on": timezone.localdate(),
            "back": posted.get("back") or request.META.get("HTTP_REFERER", ""),
        }
        if request.method == "POST":
            initial.update({name: request.POST.get(name) for name in ("status", "occurred_on", "note")})
        form = BulkProgressForm(initial=initial, subject=None)
        formset = more_evidence_rows(request.POST) if request.method == "POST" else evidence_formset(rows=EVIDENCE_ROWS)
        errors = [_("Recommendation %(id)s does not exist.") % {"id": pk} for pk in missing]
        return _page(request, chosen=chosen, form=form, formset=formset, errors=errors, status=400 if missing else 200)
    form = BulkProgressForm(request.POST)
    formset = evidence_formset(request.POST, request.FILES)
    valid = [form.is_valid(), formset.is_valid()]  # both, so each shows its errors
    if not all(valid) or missing:
        errors = [_("Recommendation %(id)s does not exist.") % {"id": pk} for pk in missing]
        return _page(request, chosen=chosen, form=form, formset=formset, errors=errors, status=400)
    try:
        recorded = progress_record_many(
            recommendation_ids=[recommendation.pk for recommendation in chosen],
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            occurred_on=form.cleaned_data["occurred_on"],
            evidence=formset.items(),
            expected_versions=_versions(request.POST, ids),
            user=request.user,
        )
    except RecommendationStale as stale:
        # Its new status is shown in the list; the text is kept to send again after reading it.
        return _page(request, chosen=chosen, form=form, formset=formset, stale=stale.recommendation_id, status=409)
    except RecommendationRefused as refusal:
        inner = refusal.error
        if isinstance(inner, EvidenceItemInvalid):
            for field, texts in inner.message_dict.items():
                row = formset.forms[evidence_row_of(formset, inner.index)]
                row.add_error(field if field in row.fields else None, texts)
            return _page(request, chosen=chosen, form=form, formset=formset, status=400)
        refused_one = {refusal.recommendation_id: inner.messages}
        return _page(request, chosen=chosen, form=form, formset=formset, refused=refused_one, status=400)
    evidence = len(recorded[0][1]) if recorded else 0
    messages.success(
        request,
        ngettext(
            "Progress recorded on %(count)d recommendation.",
            "Progress recorded on %(count)d recommendations.",
            len(recorded),
        )
        % {"count": len(recorded)}
        + (
            " "
            + ngettext("%(count)d piece of evidence on each.", "%(count)d pieces of evidence on each.", evidence)
            % {"count": evidence}
            if evidence
            else ""
        )
        + review_notice(update for update, _evidence in recorded),
    )
    return redirect(_back(form.cleaned_data.get("back") or "", request))
