"""The recommendation page and what staff do on it: record progress with evidence in one
submission, and add evidence to an entry later. Everything is written through the services
the API uses; errors are shown next to the fields, in the page's language, and nothing is
half-saved. A page opened before someone else changed the recommendation cannot overwrite
that change: the save is refused and the page says who changed what, keeping the text.

Progress notes, authors and evidence may describe victims: they are fetched only for
analysts and above, never merely hidden in the template.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from recommendations.catalog.matching import earlier_version_choices
from recommendations.catalog.repeats import repeat_lineage
from recommendations.choices import ReviewState, Role, Status, area_label
from recommendations.evidence.selectors import recommendation_evidence
from recommendations.follows.selectors import follow_state
from recommendations.history.readable import readable_history
from recommendations.history.selectors import recommendation_history
from recommendations.idempotency.services import form_token_new
from recommendations.indicators.pages import indicator_trends
from recommendations.languages import language_name, ui_language
from recommendations.models import Evidence, Measure, ProgressUpdate, Recommendation
from recommendations.progress import timeline as progress_timeline
from recommendations.progress.published import entries_shown
from recommendations.progress.services import (
    EvidenceItemInvalid,
    StaleVersion,
    progress_record_with_evidence,
)
from recommendations.progress.timeline import EVENT_ORDER
from recommendations.reviews.notices import review_notice
from recommendations.roles import has_role
from recommendations.tags.selectors import tag_links
from recommendations.withdrawal.services import withdrawn_notice

from .common import provenance_lines
from .entry_evidence import entry_evidence_submit
from .progress_forms import (
    EVIDENCE_ROWS,
    EvidenceRowForm,
    ProgressForm,
    answer_if_already_recorded,
    evidence_formset,
    evidence_row_of,
    more_evidence_rows,
)
from .tag_suggestions import open_suggestions

PUBLIC_TIMELINE_COLUMNS = (
    "id",
    "occurred_on",
    "created_at",
    "status_before",
    "status_after",
    # Recorded with a measure's entry: which measure (public, as the measures answering it are).
    "measure_update_id",
    "review_state",
    "measure_update__measure_id",
    "measure_update__measure__title_az",
    "measure_update__measure__title_en",
)
ANALYST_TIMELINE_COLUMNS = ("note", "author_username")


def action_texts(request: HttpRequest, recommendation: Recommendation) -> dict:
    """The UI language's text, or the one asked for with ?text=<language>; links to the others."""
    source = recommendation.source
    available = [source.language, *sorted(recommendation.action_translations)]
    asked = request.GET.get("text", "")
    shown = asked if asked in available else ui_language()
    shown = shown if shown in available else source.language
    return {
        "shown_action": recommendation.action_in(shown),
        "shown_language": shown,
        "other_texts": [
            {"language": code, "language_name": language_name(code)} for code in available if code != shown
        ],
        "provenance": provenance_lines(recommendation),
    }


def _timeline(recommendation: Recommendation, *, with_notes: bool) -> tuple[list[dict], list[Evidence]]:
    """The entries in the order things happened; each with its evidence for readers who may
    see it. Also the evidence attached to no entry."""
    columns = PUBLIC_TIMELINE_COLUMNS + (ANALYST_TIMELINE_COLUMNS if with_notes else ())
    labels = dict(Status.choices)
    # Analysts see entries in review too, marked; everyone else the published ones.
    shown = entries_shown(in_review_too=with_notes)
    rows = list(shown.filter(recommendation=recommendation).order_by(*EVENT_ORDER).values(*columns))
    # "Before" as the timeline tells it (progress/timeline.py), as the API, admin and feed do;
    # an entry in review is outside it and keeps the status its author saw.
    befores = progress_timeline.befores(
        [
            progress_timeline.Entry(
                row["id"], row["occurred_on"], row["created_at"], row["status_before"], row["status_after"]
            )
            for row in rows
            if row["review_state"] == ReviewState.PUBLISHED
        ]
    )
    entries = []
    for row in rows:
        recorded_on = timezone.localdate(row["created_at"])
        row["status_before"] = befores.get(row["id"], row["status_before"])
        measure = None
        if row["measure_update_id"] is not None:
            measure = Measure(
                pk=row["measure_update__measure_id"],
                title_az=row["measure_update__measure__title_az"],
                title_en=row["measure_update__measure__title_en"],
            )
        entries.append(
            {
                **row,
                "status_before_label": labels[row["status_before"]],
                "status_after_label": labels[row["status_after"]],
                "recorded_on": recorded_on,
                "recorded_later": recorded_on != row["occurred_on"],
                "measure": measure,
                "evidence": [],
            }
        )
    if not with_notes:
        return entries, []
    by_entry = {entry["id"]: entry for entry in entries}
    # A measure's entry's evidence is shown on each entry recorded with it.
    with_measure: dict[int, list[dict]] = {}
    for entry in entries:
        if entry["measure_update_id"] is not None:
            with_measure.setdefault(entry["measure_update_id"], []).append(entry)
    loose = []
    for item in recommendation_evidence(recommendation.pk).order_by("created_at", "id"):
        if item.progress_update_id in by_entry:
            by_entry[item.progress_update_id]["evidence"].append(item)
        elif item.progress_update_id in with_measure:
            for entry in with_measure[item.progress_update_id]:
                entry["evidence"].append(item)
        else:
            loose.append(item)
    return entries, loose


def _changes_since(recommendation: Recommendation, opened_at) -> list:
    records = recommendation_history(recommendation).select_related("object_type")
    # What changed since the page was opened; without that time, the latest few changes.
    records = records.filter(changed_at__gt=opened_at) if opened_at else records.order_by("-changed_at", "-id")[:5]
    return readable_history(sorted(records, key=lambda record: (record.changed_at, record.pk)))


def _measured_by(recommendation: Recommendation) -> dict:
    """The trends of the indicators named as measuring it, in its country; those named but
    with no value read yet are listed by name."""
    named = list(recommendation.indicators.all())
    if not named:
        return {"measured_by": [], "measured_unread": []}
    trends = indicator_trends(str(recommendation.country), [indicator.pk for indicator in named])
    drawn = {trend["indicator"].pk for trend in trends}
    return {"measured_by": trends, "measured_unread": [indicator for indicator in named if indicator.pk not in drawn]}


def recommendation_page(
    request: HttpRequest,
    pk: int,
    *,
    progress_form: ProgressForm | None = None,
    formset=None,
    entry_form: tuple[int, EvidenceRowForm] | None = None,
    conflict: list | None = None,
    status: int = 200,
) -> HttpResponse:
    recommendation = get_object_or_404(
        Recommendation.objects.visible_to(request.user)
        .select_related("source")
        .prefetch_related("responsible_bodies", "indicators", "tags", "measures"),
        pk=pk,
    )
    can_see_notes = has_role(request.user, Role.ANALYST)
    can_record = has_role(request.user, Role.NGO_STAFF)
    timeline, loose_evidence = _timeline(recommendation, with_notes=can_see_notes)
    if can_record:
        progress_form = progress_form or ProgressForm(recommendation=recommendation)
        formset = formset or evidence_formset(rows=EVIDENCE_ROWS)
        for entry in timeline:
            if entry_form and entry_form[0] == entry["id"]:
                entry["evidence_form"] = entry_form[1]
                entry["evidence_form_open"] = True
            else:
                entry["evidence_form"] = EvidenceRowForm(prefix=f"entry-{entry['id']}")
            # Sent back with the form: the same token twice adds the evidence once.
            entry["form_token"] = form_token_new()
    context = {
        "recommendation": recommendation,
        "withdrawn_notice": withdrawn_notice(recommendation) if recommendation.is_withdrawn else "",
        "area_label": area_label(recommendation.area),
        "tag_links": tag_links(list(recommendation.tags.all()), ui_language()),
        # Suggestions are the model's, not the report's: shown to signed-in roles only, as such.
        "tag_suggestions": open_suggestions(recommendation.pk, ui_language()) if can_see_notes else [],
        "can_see_notes": can_see_notes,
        "can_record": can_record,
        "timeline": timeline,
        "loose_evidence": loose_evidence,
        "other_years": repeat_lineage(recommendation),
        # Admins, who edit `repeats`, may choose where the import found no clear match.
        "earlier_version_choices": earlier_version_choices(recommendation)
        if has_role(request.user, Role.ADMIN)
        else [],
        **_measured_by(recommendation),
        "progress_form": progress_form,
        "formset": formset,
        "conflict": conflict,
        "following": follow_state(request.user, recommendation),
        # Redrawn after a refused form, the page's address is the form's, which answers only
        # POST: switching the language returns to the recommendation's own page instead.
        "language_next": reverse("recommendations:detail", args=[recommendation.pk]),
        **action_texts(request, recommendation),
    }
    return render(request, "recommendations/recommendation_detail.html", context, status=status)


def _require_staff(request: HttpRequest, pk: int) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("recommendations:detail", args=[pk]))
    if not has_role(request.user, Role.NGO_STAFF):
        raise PermissionDenied(_("Only NGO staff and administrators may record progress."))
    return None


def _field_errors(form, error: ValidationError) -> None:
    """A service's errors next to the form's fields; others above the form."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@require_POST
def progress_record_page(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _require_staff(request, pk)
    if refused:
        return refused
    recommendation = get_object_or_404(Recommendation, pk=pk)
    if "more_rows" in request.POST:
        # No JavaScript needed: the page comes back with more empty rows, the text kept. A
        # browser cannot be handed a file back, so a file chosen already is named, to be
        # chosen again, rather than dropped without a word.
        for field in request.FILES:
            for upload in request.FILES.getlist(field):
                messages.warning(
                    request, _("“%(name)s” is not attached yet: choose it again in its row.") % {"name": upload.name}
                )
        return recommendation_page(
            request,
            pk,
            progress_form=ProgressForm(initial={name: request.POST.get(name) for name in ProgressForm.base_fields}),
            formset=more_evidence_rows(request.POST),
        )
    form = ProgressForm(request.POST)
    formset = evidence_formset(request.POST, request.FILES)
    form_ok = form.is_valid()
    formset_ok = formset.is_valid()
    if not (form_ok and formset_ok):
        return recommendation_page(request, pk, progress_form=form, formset=formset, status=400)
    try:
        update, added = progress_record_with_evidence(
            recommendation_id=recommendation.pk,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            occurred_on=form.cleaned_data["occurred_on"],
            evidence=formset.items(),
            user=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except StaleVersion:
        recommendation.refresh_from_db()
        repeated = answer_if_already_recorded(
            request,
            history=recommendation_history(recommendation),
            entries=ProgressUpdate.objects.filter(recommendation=recommendation),
            data=form.cleaned_data,
            page_url=reverse("recommendations:detail", args=[pk]),
        )
        if repeated is not None:
            return repeated
        conflict = _changes_since(recommendation, form.cleaned_data.get("opened_at"))
        # The text is kept; the version and time become the current ones, so a deliberate
        # resubmission after reading what changed goes through.
        resubmit = request.POST.copy()
        resubmit["version"] = str(recommendation.version)
        resubmit["opened_at"] = timezone.now().isoformat()
        kept = ProgressForm(resubmit)
        kept.is_valid()
        kept_rows = evidence_formset(request.POST, None)
        kept_rows.is_valid()
        return recommendation_page(request, pk, progress_form=kept, formset=kept_rows, conflict=conflict, status=409)
    except EvidenceItemInvalid as error:
        _field_errors(formset.forms[evidence_row_of(formset, error.index)], error)
        return recommendation_page(request, pk, progress_form=form, formset=formset, status=400)
    except ValidationError as error:
        _field_errors(form, error)
        return recommendation_page(request, pk, progress_form=form, formset=formset, status=400)
    if added:
        message = ngettext(
            "Progress recorded with %(count)d piece of evidence.",
            "Progress recorded with %(count)d pieces of evidence.",
            len(added),
        ) % {"count": len(added)}
    else:
        message = _("Progress recorded.")
    messages.success(request, message + review_notice([update]))
    return redirect(f"{reverse('recommendations:detail', args=[pk])}#entry-{update.pk}")


@require_POST
def entry_evidence_add_page(request: HttpRequest, pk: int, update_id: int) -> HttpResponse:
    refused = _require_staff(request, pk)
    if refused:
        return refused
    update = get_object_or_404(ProgressUpdate, pk=update_id, recommendation_id=pk)
    return entry_evidence_submit(
        request,
        update=update,
        page_url=reverse("recommendations:detail", args=[pk]),
        redraw=lambda form: recommendation_page(request, pk, entry_form=(update.pk, form), status=400),
        added=_("Evidence added."),
    )
