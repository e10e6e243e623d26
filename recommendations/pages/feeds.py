"""Atom feed of status changes (/feeds/changes/), for partner organisations to subscribe to
without an account. It takes the list's filters (`?country=AZ&area=…`, validated the same
way: a bad one is a 400 naming it) and carries only what anonymous readers may see: the
status change, its date, the recommendation and its source. Notes, evidence and authors
are never read from the database for it."""

from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from recommendations.listing import selectors
from recommendations.models import ProgressUpdate, Recommendation
from recommendations.progress import timeline
from recommendations.progress.published import published_entries

FEED_SIZE = 50
PUBLIC_FIELDS = (
    "id",
    "occurred_on",
    "created_at",
    "status_before",
    "status_after",
    "recommendation__id",
    "recommendation__action",
    "recommendation__source__title",
    "recommendation__source__report_year",
)


def _recommendation_of(update: ProgressUpdate) -> Recommendation:
    """The feed holds recommendations' entries only (a measure's has no public page of status changes)."""
    assert update.recommendation is not None
    return update.recommendation


class PlainTextSummaryAtomFeed(Atom1Feed):
    """Django's Atom feed writes the description as `<summary type="html">`, escaped once for
    XML: a reader then renders it as HTML, so `<img onerror=…>` in an imported document would
    run and an ordinary `a < b & c` is garbled. The summary is plain text (`type="text"`): what
    the reader shows is exactly the stored text."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class StatusChangesFeed(Feed):
    feed_type = PlainTextSummaryAtomFeed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except (ValidationError, selectors.WithdrawnNotShown) as error:
            lines = [f"{name}: {message}" for name, messages in error.message_dict.items() for message in messages]
            status = 403 if isinstance(error, selectors.WithdrawnNotShown) else 400
            return HttpResponse("\n".join(lines) + "\n", status=status, content_type="text/plain; charset=utf-8")

    def get_object(self, request: HttpRequest, *args, **kwargs):
        self.query = request.GET.urlencode()
        return selectors.recommendation_list(params=request.GET, user=request.user)

    def title(self, recommendations) -> str:
        return _("Recommendation tracker: status changes")

    def subtitle(self, recommendations) -> str:
        return _("Status changes of the recommendations that match the filters, newest first.")

    def link(self, recommendations) -> str:
        path = reverse("recommendations:dashboard")
        return f"{path}?{self.query}" if self.query else path

    def feed_url(self, recommendations) -> str:
        path = reverse("recommendations:feed-changes")
        return f"{path}?{self.query}" if self.query else path

    def items(self, recommendations):
        updates = list(
            published_entries()
            .filter(recommendation__in=recommendations.values("pk"))
            .exclude(status_before=F("status_after"))
            .select_related("recommendation__source")
            .only(*PUBLIC_FIELDS)
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )
        # "Before" as the timeline tells it (progress/timeline.py), as on the pages and the API.
        for recommendation_id in {update.recommendation_id for update in updates}:
            befores = timeline.befores(timeline.entries_of(recommendation_id))
            for update in updates:
                if update.recommendation_id == recommendation_id:
                    update.status_before = befores.get(update.pk, update.status_before)
        return updates

    def item_title(self, update: ProgressUpdate) -> str:
        return _("Recommendation %(id)d: %(before)s → %(after)s") % {
            "id": _recommendation_of(update).pk,
            "before": update.get_status_before_display(),
            "after": update.get_status_after_display(),
        }

    def item_description(self, update: ProgressUpdate) -> str:
        recommendation = _recommendation_of(update)
        source = recommendation.source
        return _("%(date)s. %(action)s Source: %(source)s (%(year)d).") % {
            "date": update.occurred_on.isoformat(),
            "action": recommendation.action[:500],
            "source": source.title,
            "year": source.report_year,
        }

    def item_link(self, update: ProgressUpdate) -> str:
        return f"{reverse('recommendations:detail', args=[_recommendation_of(update).pk])}#entry-{update.pk}"

    def item_pubdate(self, update: ProgressUpdate):
        return update.created_at

    def item_updateddate(self, update: ProgressUpdate):
        return update.created_at

    def item_guid(self, update: ProgressUpdate) -> str:
        return f"tag:tracker,{timezone.localdate(update.created_at).isoformat()}:progress-{update.pk}"

    item_guid_is_permalink = False
