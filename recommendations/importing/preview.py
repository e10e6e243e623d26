"""What the admin shows of an import's plan: the source it writes, the counts, the rows. Written
by the job worker (jobs/runner.py) once the document is read, in the language of the person
who started it."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django_countries import countries

from recommendations.models import Source

from . import services
from .formats import FORMATS
from .plan import ImportReport


def what_it_writes(metadata: dict, report: ImportReport) -> list[tuple[str, str]]:
    """The source the import writes or adds to, as labels and names rather than codes."""
    source = Source.objects.filter(pk=report.source_id).first() if report.source_id else None
    title = (
        source.title
        if source
        else services.planned_title(
            kind=metadata["kind"],
            report_year=metadata["report_year"],
            country=metadata["country"],
            title=metadata["title"],
        )
    )
    if source is None:
        fate = gettext("a new source")
    elif report.translates:
        fate = gettext("its text in another language, added to %(slug)s") % {"slug": source.slug}
    else:
        fate = gettext("already imported as %(slug)s") % {"slug": source.slug}
    return [
        (gettext("source"), f"{report.source_slug} ({fate})"),
        (gettext("title"), title),
        (gettext("kind"), str(FORMATS[metadata["kind"]].label)),
        (gettext("country"), str(countries.name(metadata["country"]))),
        (gettext("report year"), str(metadata["report_year"])),
        (gettext("language of the text"), dict(settings.LANGUAGES).get(metadata["language"], metadata["language"])),
    ]


def report_summary(report: ImportReport) -> dict:
    """The counts a job keeps of its import or preview."""
    return {
        "source_id": report.source_id,
        "source_slug": report.source_slug,
        "tier": report.tier,
        "created": report.created,
        "updated": report.updated,
        "linked": report.linked,
        "unchanged": report.unchanged,
        "corrected": report.corrected,
        "changes_anything": report.changes_anything,
        "problems": [str(problem) for problem in report.problems],
        "translates": report.translates,
    }


def preview_render(metadata: dict, report: ImportReport) -> str:
    """The preview's HTML (escaped by the template), shown as it is on the job's page."""
    return render_to_string(
        "admin/recommendations/source/import_preview.html",
        {"report": report, "writes": what_it_writes(metadata, report)},
    )
