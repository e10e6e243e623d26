"""The record-progress form of the recommendation page: status, date, note and any number
of evidence rows. Each evidence row is a file, a link or an excerpt; its kind follows from
what was filled in, so the staff member never picks it by hand."""

import datetime
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommendations.choices import EvidenceKind, Status
from recommendations.evidence.files import ALLOWED_EXTENSIONS, check_evidence_file
from recommendations.fields import WebLinkFormField
from recommendations.progress.services import EvidenceItem

EVIDENCE_ROWS = 2
EVIDENCE_ROWS_MAX = 20


class PastDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def get_context(self, name, value, attrs):
        # The browser's date picker offers nothing later than today.
        attrs = {**(attrs or {}), "max": timezone.localdate().isoformat()}
        return super().get_context(name, value, attrs)


def _not_in_future(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("The date of the progress cannot be in the future."))


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=Status.choices)
    occurred_on = forms.DateField(
        label=gettext_lazy("Date it happened"),
        widget=PastDateInput(),
        validators=[_not_in_future],
        help_text=gettext_lazy("Today, or the earlier day the progress happened."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What happened, who said so, what is next. Seen only by signed-in staff and analysts."),
    )
    # The version of the recommendation (or measure) the page showed; a newer stored one
    # refuses the save.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # When the page was opened, to say what changed since then if the save is refused.
    opened_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, recommendation=None, subject=None, **kwargs):
        initial = kwargs.get("initial") or {}
        subject = subject or recommendation  # a recommendation, or a measure: its status and version
        if subject is not None:
            initial = {
                "status": subject.status,
                "occurred_on": timezone.localdate(),
                "version": subject.version,
                "opened_at": timezone.now(),
                **initial,
            }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)


class EvidenceRowForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Optional: the file name or the link is used."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        max_length=255,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)}),
    )
    url = WebLinkFormField(
        label=gettext_lazy("Link"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
    excerpt = forms.CharField(
        label=gettext_lazy("Excerpt of a report"),
        required=False,
        max_length=100000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            # The same checks the API applies, here so the error shows next to the field.
            try:
                check_evidence_file(upload, name=upload.name or "", max_bytes=settings.EVIDENCE_MAX_BYTES)
            except ValidationError as error:
                raise ValidationError(error.message_dict.get("file", error.messages)) from None
        return upload

    def clean(self):
        data = super().clean() or {}
        filled = [name for name in ("file", "url", "excerpt") if data.get(name)]
        if "excerpt" in filled and len(filled) > 1:
            # A file and the link it came from are one piece of evidence; an excerpt stands alone.
            raise ValidationError(_("One piece of evidence per row: a file, a link (or both) or an excerpt."))
        if not filled and data.get("title"):
            self.add_error("file", _("Choose a file, or give a link or an excerpt."))
        return data

    def item(self) -> EvidenceItem | None:
        """The evidence this row describes; None for an empty row."""
        data = self.cleaned_data
        if data.get("file"):
            return EvidenceItem(
                kind=EvidenceKind.FILE,
                title=data["title"] or data["file"].name[:300],
                file=data["file"],
                url=data.get("url") or "",  # where the file came from
            )
        if data.get("url"):
            return EvidenceItem(
                kind=EvidenceKind.LINK, title=data["title"] or _link_title(data["url"]), url=data["url"]
            )
        if data.get("excerpt"):
            return EvidenceItem(
                kind=EvidenceKind.EXCERPT,
                title=data["title"] or _excerpt_title(data["excerpt"]),
                excerpt=data["excerpt"],
            )
        return None


def _link_title(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/")[:300] or url[:300]


def _excerpt_title(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return first_line if len(first_line) <= 80 else first_line[:79] + "…"


class BaseEvidenceFormSet(forms.BaseFormSet):
    def items(self) -> list[EvidenceItem]:
        return [item for form in self.forms if (item := form.item()) is not None]


def evidence_formset(data=None, files=None, *, rows: int = EVIDENCE_ROWS, initial=None, prefix: str = "evidence"):
    """The evidence rows: `rows` of them when shown unbound (the `initial` ones first)."""
    rows = max(1, min(rows, EVIDENCE_ROWS_MAX))
    formset_class = forms.formset_factory(
        EvidenceRowForm,
        formset=BaseEvidenceFormSet,
        extra=max(0, rows - len(initial or ())),
        max_num=EVIDENCE_ROWS_MAX,
        absolute_max=EVIDENCE_ROWS_MAX,
        validate_max=True,
    )
    return formset_class(data, files, initial=initial, prefix=prefix)


MORE_ROWS = 2


def more_evidence_rows(posted):
    """The evidence rows again with more empty ones ("More evidence rows", without JavaScript),
    the text typed kept (a browser cannot be handed a chosen file back)."""
    try:
        count = int(posted.get("evidence-TOTAL_FORMS", EVIDENCE_ROWS))
    except ValueError:
        count = EVIDENCE_ROWS
    count = max(0, min(count, EVIDENCE_ROWS_MAX))
    initial = [
        {name: posted.get(f"evidence-{index}-{name}", "") for name in ("title", "url", "excerpt")}
        for index in range(count)
    ]
    return evidence_formset(initial=initial, rows=count + MORE_ROWS)


def evidence_row_of(formset, item_index: int) -> int:
    """The form row of the item_index-th non-empty evidence row."""
    filled = [index for index, form in enumerate(formset.forms) if form.item() is not None]
    return filled[item_index]


def _already_recorded(*, history, entries, user, data: dict):
    """The entry this very form already saved — a double click, a page sent again — when it
    is the only change since the page was opened (`opened_at`): the same user, status, date
    and note. `history`: the record's history rows; `entries`: its progress entries. The
    form's version refused the second save; this tells a repeat from someone else's change."""
    opened_at = data.get("opened_at")
    if not opened_at or history.filter(changed_at__gt=opened_at).exclude(user=user).exists():
        return None
    since = list(entries.filter(created_at__gt=opened_at)[:2])
    if len(since) != 1:
        return None
    (entry,) = since
    same = (entry.author_id, entry.status_after, entry.occurred_on, entry.note) == (
        user.pk,
        data["status"],
        data["occurred_on"],
        data["note"],
    )
    return entry if same else None


def answer_if_already_recorded(request, *, history, entries, data: dict, page_url: str) -> HttpResponse | None:
    """After a stale version refused the form: when this very entry was saved a moment ago (a
    double click, a resubmitted page), the answer is "saved" and the page at that entry — the
    browser shows this second answer, and a "not saved" would invite recording it a third
    time. None when someone else changed the record: the caller says what changed."""
    saved = _already_recorded(history=history, entries=entries, user=request.user, data=data)
    if saved is None:
        return None
    messages.info(request, _("This progress was already recorded; it is not recorded twice."))
    return redirect(f"{page_url}#entry-{saved.pk}")
