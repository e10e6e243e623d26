"""What staff submit on a measure's page: its progress with a status on each recommendation it
answers (one transaction, the evidence stored once and shown on each of them), and evidence
added to an entry later. A page opened before someone else changed the measure, or one of its
recommendations, saves nothing (409) and lists what changed, keeping the text; a double click
or a resubmitted page records nothing twice."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from recommendations.history.readable import readable_history
from recommendations.history.selectors import measure_history, recommendation_history
from recommendations.models import ProgressUpdate, Recommendation
from recommendations.pages.entry_evidence import entry_evidence_submit
from recommendations.pages.progress_forms import (
    ProgressForm,
    answer_if_already_recorded,
    evidence_formset,
    evidence_row_of,
    more_evidence_rows,
)
from recommendations.progress.bulk import RecommendationRefused, RecommendationStale
from recommendations.progress.services import EvidenceItemInvalid, StaleVersion
from recommendations.reviews.notices import review_notice

from .forms import linked_status_formset
from .models import Measure
from .pages import field_errors, measure_page, require_staff
from .services import LinkedStatus, measure_progress_record


@require_POST
def measure_progress_page(request: HttpRequest, pk: int) -> HttpResponse:
    page = reverse("recommendations:measure", args=[pk])
    refused = require_staff(request, page)
    if refused:
        return refused
    measure = get_object_or_404(Measure, pk=pk)
    linked_formset = linked_status_formset(request.POST)
    if "more_rows" in request.POST:
        for field in request.FILES:
            for upload in request.FILES.getlist(field):
                messages.warning(
                    request, _("“%(name)s” is not attached yet: choose it again in its row.") % {"name": upload.name}
                )
        linked_formset.is_valid()
        return measure_page(
            request,
            pk,
            progress_form=ProgressForm(initial={name: request.POST.get(name) for name in ProgressForm.base_fields}),
            formset=more_evidence_rows(request.POST),
            linked_formset=linked_formset,
        )
    form = ProgressForm(request.POST)
    formset = evidence_formset(request.POST, request.FILES)
    valid = [form.is_valid(), formset.is_valid(), linked_formset.is_valid()]
    if not all(valid):
        return measure_page(request, pk, progress_form=form, formset=formset, linked_formset=linked_formset, status=400)
    chosen = [
        LinkedStatus(row.cleaned_data["recommendation"], row.status, row.cleaned_data["version"])
        for row in linked_formset.forms
        if not row.left_out
    ]
    rows = {row.cleaned_data["recommendation"]: row for row in linked_formset.forms}
    try:
        result = measure_progress_record(
            measure_id=measure.pk,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            occurred_on=form.cleaned_data["occurred_on"],
            evidence=formset.items(),
            recommendations=chosen,
            expected_version=form.cleaned_data["version"],
            user=request.user,
        )
    except RecommendationStale as stale:
        # One of its recommendations changed since the page was opened: say which and how.
        return _refused_as_stale(request, measure, form, linked_formset, stale.recommendation_id)
    except StaleVersion:
        measure.refresh_from_db()
        repeated = answer_if_already_recorded(
            request,
            history=measure_history(measure),
            entries=ProgressUpdate.objects.filter(measure=measure),
            data=form.cleaned_data,
            page_url=page,
        )
        if repeated is not None:
            return repeated
        return _refused_as_stale(request, measure, form, linked_formset, None)
    except RecommendationRefused as refused_one:
        row = rows.get(refused_one.recommendation_id)
        (row if row is not None else form).add_error(None, refused_one.error.messages)
        return measure_page(request, pk, progress_form=form, formset=formset, linked_formset=linked_formset, status=400)
    except EvidenceItemInvalid as error:
        field_errors(formset.forms[evidence_row_of(formset, error.index)], error)
        return measure_page(request, pk, progress_form=form, formset=formset, linked_formset=linked_formset, status=400)
    except ValidationError as error:
        field_errors(form, error)
        return measure_page(request, pk, progress_form=form, formset=formset, linked_formset=linked_formset, status=400)
    count, evidence = len(result.recommendation_updates), len(result.evidence)
    messages.success(
        request,
        ngettext(
            "Progress recorded on the measure and on %(count)d recommendation it answers.",
            "Progress recorded on the measure and on %(count)d recommendations it answers.",
            count,
        )
        % {"count": count}
        + (
            " "
            + ngettext(
                "%(count)d piece of evidence, shown on each of them.",
                "%(count)d pieces of evidence, shown on each of them.",
                evidence,
            )
            % {"count": evidence}
            if evidence
            else ""
        )
        + review_notice([result.update]),
    )
    return redirect(f"{page}#entry-{result.update.pk}")


def _refused_as_stale(request, measure: Measure, form, linked_formset, recommendation_id: int | None) -> HttpResponse:
    """Nothing saved (409): the page lists what changed since it was opened — the measure's
    changes, or the recommendation's — and keeps the text, with the current versions, so a
    deliberate resubmission after reading them goes through."""
    opened_at = form.cleaned_data.get("opened_at")
    stale = Recommendation.objects.filter(pk=recommendation_id).first() if recommendation_id else None
    records = recommendation_history(stale) if stale is not None else measure_history(measure)
    records = records.select_related("object_type")
    records = records.filter(changed_at__gt=opened_at) if opened_at else records.order_by("-changed_at", "-id")[:5]
    conflict = readable_history(sorted(records, key=lambda record: (record.changed_at, record.pk)))
    resubmit = request.POST.copy()
    measure.refresh_from_db()
    resubmit["version"] = str(measure.version)
    resubmit["opened_at"] = timezone.now().isoformat()
    versions = dict(Recommendation.objects.filter(measure_links__measure=measure).values_list("pk", "version"))
    for index, row in enumerate(linked_formset.forms):
        current = versions.get(row.cleaned_data.get("recommendation"))
        if current is not None:
            resubmit[f"linked-{index}-version"] = str(current)
    kept, kept_linked = ProgressForm(resubmit), linked_status_formset(resubmit)
    kept.is_valid()
    kept_linked.is_valid()
    rows = evidence_formset(request.POST, None)
    rows.is_valid()
    return measure_page(
        request,
        measure.pk,
        progress_form=kept,
        formset=rows,
        linked_formset=kept_linked,
        conflict=conflict,
        stale_recommendation=stale,
        status=409,
    )


@require_POST
def measure_entry_evidence_page(request: HttpRequest, pk: int, update_id: int) -> HttpResponse:
    page = reverse("recommendations:measure", args=[pk])
    refused = require_staff(request, page)
    if refused:
        return refused
    update = get_object_or_404(ProgressUpdate, pk=update_id, measure_id=pk)
    return entry_evidence_submit(
        request,
        update=update,
        page_url=page,
        redraw=lambda form: measure_page(request, pk, entry_form=(update.pk, form), status=400),
        added=_("Evidence added: it is shown on every recommendation recorded with this entry."),
    )
