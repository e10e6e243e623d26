"""Evidence added later to one timeline entry, a recommendation's or a measure's: one row (a
file, a link or an excerpt), checked as the API checks it; the form's one-time token adds it
once however often the form is sent."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from recommendations.idempotency.services import FORM_TOKEN_FIELD, form_token_claim
from recommendations.models import ProgressUpdate
from recommendations.progress.services import evidence_item_add

from .progress_forms import EvidenceRowForm


def entry_evidence_submit(
    request: HttpRequest,
    *,
    update: ProgressUpdate,
    page_url: str,
    redraw: Callable[[EvidenceRowForm], HttpResponse],
    added: str,
) -> HttpResponse:
    """Add the posted row to `update` (of its recommendation or measure), then back to the
    entry on `page_url` saying `added`; a refused row is redrawn (`redraw`) beside its fields."""
    form = EvidenceRowForm(request.POST, request.FILES, prefix=f"entry-{update.pk}")
    item = form.item() if form.is_valid() else None
    if form.is_valid() and item is None:
        form.add_error("file", _("Choose a file, or give a link or an excerpt."))
    if item is None:
        return redraw(form)
    token = request.POST.get(FORM_TOKEN_FIELD, "").strip()
    entry = f"{page_url}#entry-{update.pk}"
    try:
        with transaction.atomic():
            if token and not form_token_claim(user=request.user, token=token, path=request.path):
                # A double-click or a form posted again: the first one added it.
                messages.info(request, _("This evidence was already added; it is not added twice."))
                return redirect(entry)
            evidence_item_add(
                recommendation_id=update.recommendation_id,
                measure_id=update.measure_id,
                progress_update_id=update.pk,
                item=item,
                user=request.user,
            )
    except ValidationError as error:
        for field, texts in error.message_dict.items():
            form.add_error(field if field in form.fields else None, texts)
        return redraw(form)
    messages.success(request, added)
    return redirect(entry)
