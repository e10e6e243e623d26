"""The measure pages: the list; a measure's page — the recommendations it answers, its
timeline (notes and evidence for analysts and above only: they are never fetched for others)
and, for NGO staff, the form that records its progress with a status on each recommendation
it answers in the same submission; its form; its history; and linking recommendations chosen
on the list. Everything is written through the measure and progress services: errors show
beside their fields, in the page's language, and nothing is half-saved. A page opened before
someone else changed the measure or one of its recommendations cannot overwrite that change."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from recommendations.choices import ReviewState, Role, Status
from recommendations.history.readable import readable_history
from recommendations.history.selectors import measure_history
from recommendations.idempotency.services import form_token_new
from recommendations.models import Evidence, ProgressUpdate, Recommendation
from recommendations.pages.progress_forms import (
    EVIDENCE_ROWS,
    EvidenceRowForm,
    ProgressForm,
    evidence_formset,
)
from recommendations.progress import timeline as progress_timeline
from recommendations.progress.published import entries_shown
from recommendations.progress.services import StaleVersion
from recommendations.roles import has_role
from recommendations.withdrawal.models import public_q, sees_withdrawn

from .filters import MeasureFilterSet
from .forms import MeasureForm, NumbersForm, linked_status_formset, recommendation_numbers, selected_recommendations
from .models import Measure, MeasureLink
from .services import (
    measure_create,
    measure_link_remove,
    measure_links_add,
    measure_update,
)

LIST_PAGE_SIZE = 50


def require_staff(request: HttpRequest, back: str) -> HttpResponse | None:
    """Sign in first (back to `back`); only NGO staff and admins edit measures."""
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if not has_role(request.user, Role.NGO_STAFF):
        raise PermissionDenied(_("Only NGO staff and administrators may edit measures."))
    return None


def field_errors(form, error: ValidationError) -> None:
    for field, texts in error.message_dict.items():
        form.add_error(field if field in form.fields else None, texts)


@require_safe
def measure_list_page(request: HttpRequest) -> HttpResponse:
    measures = Measure.objects.annotate(answers=Count("links")).order_by("country", "-start_on", "id")
    filters = MeasureFilterSet(request.GET, queryset=measures)
    if not filters.is_valid():
        return render(request, "recommendations/measures/list.html", {"filters": filters, "invalid": True}, status=400)
    page = Paginator(filters.qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "can_edit": has_role(request.user, Role.NGO_STAFF),
    }
    return render(request, "recommendations/measures/list.html", context)


def _timeline(measure: Measure, *, with_notes: bool) -> tuple[list[dict], list[Evidence]]:
    """The measure's entries in the order things happened, each with the recommendations'
    entries recorded with it; notes, authors and evidence only `with_notes`."""
    shown = entries_shown(in_review_too=with_notes)
    entries = list(
        shown.filter(measure=measure)
        .order_by(*progress_timeline.EVENT_ORDER)
        .only(
            "id",
            "occurred_on",
            "created_at",
            "status_before",
            "status_after",
            "note",
            "author_username",
            "review_state",
        )
    )
    befores = progress_timeline.befores(
        [
            progress_timeline.Entry(e.pk, e.occurred_on, e.created_at, e.status_before, e.status_after)
            for e in entries
            if e.review_state == ReviewState.PUBLISHED
        ]
    )
    recorded_with: dict[int, list[ProgressUpdate]] = {}
    for update in shown.filter(measure_update__in=entries).order_by("recommendation_id"):
        assert update.measure_update_id is not None
        recorded_with.setdefault(update.measure_update_id, []).append(update)
    by_entry: dict[int, dict[str, Any]] = {}
    rows = []
    for entry in entries:
        recorded_on = timezone.localdate(entry.created_at)
        row: dict[str, Any] = {
            "id": entry.pk,
            "occurred_on": entry.occurred_on,
            "created_at": entry.created_at,
            "status_before": befores.get(entry.pk, entry.status_before),
            "status_before_label": Status(befores.get(entry.pk, entry.status_before)).label,
            "review_state": entry.review_state,
            "status_after": entry.status_after,
            "status_after_label": entry.get_status_after_display(),
            "recorded_on": recorded_on,
            "recorded_later": recorded_on != entry.occurred_on,
            "recommendations": recorded_with.get(entry.pk, []),
            "evidence": [],
        }
        if with_notes:
            row.update(note=entry.note, author_username=entry.author_username)
        by_entry[entry.pk] = row
        rows.append(row)
    loose: list[Evidence] = []
    if with_notes:
        for item in Evidence.objects.filter(measure=measure).order_by("created_at", "id"):
            shown_under = by_entry.get(item.progress_update_id) if item.progress_update_id else None
            (shown_under["evidence"] if shown_under else loose).append(item)
    return rows, loose


def _linked(measure: Measure, user) -> list[Recommendation]:
    links = MeasureLink.objects.filter(measure=measure).select_related("recommendation__source")
    if not sees_withdrawn(user):  # a withdrawn recommendation is not shown to the public here either
        links = links.filter(public_q("recommendation"))
    return [link.recommendation for link in links.order_by("recommendation_id")]


def measure_page(
    request: HttpRequest,
    pk: int,
    *,
    progress_form: ProgressForm | None = None,
    formset=None,
    linked_formset=None,
    numbers_form: NumbersForm | None = None,
    entry_form: tuple[int, EvidenceRowForm] | None = None,
    conflict: list | None = None,
    stale_recommendation: Recommendation | None = None,
    status: int = 200,
) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.prefetch_related("responsible_bodies"), pk=pk)
    can_see_notes = has_role(request.user, Role.ANALYST)
    can_record = has_role(request.user, Role.NGO_STAFF)
    linked = _linked(measure, request.user)
    timeline, loose = _timeline(measure, with_notes=can_see_notes)
    context = {
        "measure": measure,
        "linked": linked,
        "timeline": timeline,
        "loose_evidence": loose,
        "can_see_notes": can_see_notes,
        "can_record": can_record,
        "conflict": conflict,
        "stale_recommendation": stale_recommendation,
        "language_next": reverse("recommendations:measure", args=[measure.pk]),
    }
    if can_record:
        linked_formset = linked_formset or linked_status_formset(
            initial=[{"recommendation": r.pk, "version": r.version, "choice": ""} for r in linked]
        )
        by_id = {recommendation.pk: recommendation for recommendation in linked}
        context.update(
            progress_form=progress_form or ProgressForm(subject=measure),
            formset=formset or evidence_formset(rows=EVIDENCE_ROWS),
            linked_formset=linked_formset,
            # Each row with the recommendation it is about (a row of one unlinked meanwhile: none).
            linked_rows=[(form, by_id.get(_row_recommendation(form) or 0)) for form in linked_formset.forms],
            numbers_form=numbers_form or NumbersForm(initial={"version": measure.version}),
        )
        for entry in timeline:
            if entry_form and entry_form[0] == entry["id"]:
                entry["evidence_form"], entry["evidence_form_open"] = entry_form[1], True
            else:
                entry["evidence_form"] = EvidenceRowForm(prefix=f"entry-{entry['id']}")
            entry["form_token"] = form_token_new()  # the same form twice adds the evidence once
    return render(request, "recommendations/measures/detail.html", context, status=status)


@require_safe
def measure_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    return measure_page(request, pk)


def _row_recommendation(form) -> int | None:
    value = form["recommendation"].value()
    return int(value) if str(value or "").isdigit() else None


@require_POST
def measure_links_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Link recommendations typed in by number, or unlink one (`remove`)."""
    page = reverse("recommendations:measure", args=[pk])
    refused = require_staff(request, page)
    if refused:
        return refused
    measure = get_object_or_404(Measure, pk=pk)
    form = NumbersForm(request.POST)
    removed = request.POST.get("remove", "")
    if removed:
        form = NumbersForm({"numbers": removed, "version": request.POST.get("version")})
    if not form.is_valid():
        return measure_page(request, pk, numbers_form=form, status=400)
    try:
        if removed:
            (recommendation_id,) = form.cleaned_data["numbers"][:1]
            measure_link_remove(
                measure_id=measure.pk,
                recommendation_id=recommendation_id,
                expected_version=form.cleaned_data["version"],
                user=request.user,
            )
            messages.success(
                request, _("The measure no longer answers recommendation %(id)d.") % {"id": recommendation_id}
            )
        else:
            measure_links_add(
                measure_id=measure.pk,
                recommendation_ids=form.cleaned_data["numbers"],
                expected_version=form.cleaned_data["version"],
                user=request.user,
            )
            messages.success(request, _("The recommendations are linked to the measure."))
    except StaleVersion:
        form.add_error(None, _("Someone else changed this measure since you opened the page; look again."))
        return measure_page(request, pk, numbers_form=NumbersForm(initial={"version": _version(pk)}), status=409)
    except ValidationError as error:
        form.add_error("numbers", [text for texts in error.message_dict.values() for text in texts])
        return measure_page(request, pk, numbers_form=form, status=400)
    return redirect(f"{page}#answers")


def _version(pk: int) -> int:
    return Measure.objects.values_list("version", flat=True).get(pk=pk)


def measure_form_page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new measure (`?recommendation=…`: those chosen on the list, pre-filled), or one edited."""
    back = reverse("recommendations:measure", args=[pk]) if pk else reverse("recommendations:measure-new")
    refused = require_staff(request, request.get_full_path() if request.method == "GET" else back)
    if refused:
        return refused
    measure = get_object_or_404(Measure, pk=pk) if pk else None
    numbers_text = request.POST.get("numbers", "") if request.method == "POST" else _selected_text(request)
    if request.method != "POST":
        form = MeasureForm(instance=measure, initial=None if measure else {"country": _selection_country(request)})
        return _form(request, form, measure, numbers_text)
    form = MeasureForm(request.POST, instance=measure)
    if not form.is_valid():
        return _form(request, form, measure, numbers_text, status=400)
    try:
        if measure is None:
            numbers = recommendation_numbers(numbers_text)
            fields = {name: form.cleaned_data[name] for name in Measure.editable_fields if name != "responsible_bodies"}
            measure = measure_create(
                **fields,
                responsible_bodies=form.cleaned_data["responsible_bodies"],
                recommendation_ids=numbers,
                user=request.user,
            )
            messages.success(request, _("Measure saved. Record its progress below."))
        else:
            measure_update(
                measure_id=measure.pk,
                data=form.fields_changed(),
                expected_version=form.cleaned_data.get("version"),
                user=request.user,
            )
            messages.success(request, _("Measure saved."))
    except StaleVersion:
        form.add_error(None, _("Someone else changed this measure since you opened the page; reload it to see how."))
        return _form(request, form, measure, numbers_text, status=409)
    except ValidationError as error:
        if "recommendations" in error.message_dict or not hasattr(error, "error_dict"):
            return _form(request, form, measure, numbers_text, status=400, numbers_errors=error.messages)
        field_errors(form, error)
        return _form(request, form, measure, numbers_text, status=400)
    return redirect("recommendations:measure", measure.pk)


def _selected_text(request: HttpRequest) -> str:
    return ", ".join(part for value in request.GET.getlist("recommendation") for part in value.split(",") if part)


def _selection_country(request: HttpRequest) -> str:
    """The country of the recommendations chosen, when they share one."""
    try:
        ids = recommendation_numbers(_selected_text(request))
    except ValidationError:
        return ""
    found = set(Recommendation.objects.filter(pk__in=ids[:200]).values_list("country", flat=True))
    return str(found.pop()) if len(found) == 1 else ""


def _form(request, form, measure, numbers_text: str, *, status: int = 200, numbers_errors=()) -> HttpResponse:
    context = {"form": form, "measure": measure, "numbers": numbers_text, "numbers_errors": list(numbers_errors)}
    return render(request, "recommendations/measures/form.html", context, status=status)


@require_safe
def measure_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_role(request.user, Role.ANALYST):
        raise PermissionDenied(_("The history is shown to analysts and above."))
    measure = get_object_or_404(Measure, pk=pk)
    records = measure_history(measure).select_related("object_type").order_by("-changed_at", "-id")
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    context = {"measure": measure, "page": page, "entries": readable_history(page.object_list)}
    return render(request, "recommendations/measures/history.html", context)


def measure_link_selected_page(request: HttpRequest) -> HttpResponse:
    """The recommendations chosen on the list, linked to a measure chosen here (or a new one)."""
    refused = require_staff(request, request.get_full_path())
    if refused:
        return refused
    source = request.POST if request.method == "POST" else request.GET
    try:
        ids = selected_recommendations(source)
    except ValidationError as error:
        refusal = {"errors": error.messages, "selected": [], "measures": []}
        return render(request, "recommendations/measures/link_selected.html", refusal, status=400)
    selected = list(Recommendation.objects.filter(pk__in=ids).select_related("source").order_by("id"))
    measures = Measure.objects.order_by("country", "title_az", "title_en", "id")
    context: dict[str, Any] = {
        "selected": selected,
        "measures": measures,
        "ids": ",".join(str(r.pk) for r in selected),
    }
    if request.method != "POST":
        return render(request, "recommendations/measures/link_selected.html", context)
    chosen = request.POST.get("measure", "")
    measure = Measure.objects.filter(pk=int(chosen)).first() if chosen.isdigit() and len(chosen) < 18 else None
    if measure is None:
        context["errors"] = [_("Choose the measure that answers them.")]
        return render(request, "recommendations/measures/link_selected.html", context, status=400)
    try:
        measure_links_add(measure_id=measure.pk, recommendation_ids=ids, user=request.user)
    except ValidationError as error:
        context["errors"] = error.messages
        return render(request, "recommendations/measures/link_selected.html", context, status=400)
    messages.success(
        request,
        ngettext(
            "%(count)d recommendation linked to the measure.",
            "%(count)d recommendations linked to the measure.",
            len(ids),
        )
        % {"count": len(ids)},
    )
    return redirect(f"{reverse('recommendations:measure', args=[measure.pk])}#answers")
