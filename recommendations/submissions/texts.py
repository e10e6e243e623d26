"""The sentences both formats of a submission write, declared once so the DOCX and the print
page say the same thing in the same words. Call them with the submission's language active."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .content import Item, Submission


def document_title() -> str:
    return _("Implementation of recommendations: submission")


def subtitle(submission: Submission) -> str:
    if submission.single_report:
        return submission.reports[0].title
    return _("%(country)s, reports of %(period)s") % {"country": submission.country_name, "period": period(submission)}


def period(submission: Submission) -> str:
    if submission.first_year == submission.last_year:
        return str(submission.first_year)
    return f"{submission.first_year}–{submission.last_year}"


def day(value) -> str:
    return date_format(value, "DATE_FORMAT")


def report_line(report) -> str:
    tier = f", {report.tip_tier}" if report.tip_tier else ""
    return f"{report.title} ({report.report_year}{tier})"


def facts(submission: Submission) -> list[tuple[str, str]]:
    return [
        (_("Country"), submission.country_name),
        (_("Period"), period(submission)),
        (_("Status as of"), day(submission.as_of)),
        (_("Prepared on"), day(submission.generated_on)),
    ]


def counting_note(submission: Submission) -> str:
    parts = [
        _("Each recommendation is given with the status it had at the end of %(day)s.") % {"day": day(submission.as_of)}
    ]
    if not submission.single_report:
        parts.append(
            _("A recommendation repeated by a later report of the period is counted once, in its latest report.")
        )
    if submission.repeated:
        parts.append(
            ngettext(
                "%(count)d recommendation was already made in an earlier report.",
                "%(count)d recommendations were already made in an earlier report.",
                submission.repeated,
            )
            % {"count": submission.repeated}
        )
    return " ".join(parts)


def private_left_out() -> str:
    return _("Progress notes and evidence are not included: they are shown only to signed-in analysts and above.")


def item_heading(submission: Submission, item: Item) -> str:
    if submission.single_report:
        return _("Recommendation %(number)s") % {"number": item.number}
    return _("Recommendation %(number)s of the %(year)s report") % {"number": item.number, "year": item.report_year}


def only_in(language_name: str) -> str:
    return _("[only in %(language)s]") % {"language": language_name}


def status_as_of(submission: Submission) -> str:
    return _("Status as of %(day)s:") % {"day": day(submission.as_of)}


def page() -> str:
    return _("page")


def repeated(item: Item) -> str:
    years = ", ".join(str(year) for year in item.earlier_years)
    made = ngettext(
        "Repeated: already made in the %(years)s report.",
        "Repeated: already made in the reports of %(years)s.",
        len(item.earlier_years),
    ) % {"years": years}
    if item.open_years is None:
        return made
    return (
        made
        + " "
        + ngettext("Open for %(count)d year.", "Open for %(count)d years.", item.open_years)
        % {"count": item.open_years}
    )


def note_lead(note) -> str:
    return _("%(day)s, %(status)s:") % {"day": day(note.occurred_on), "status": note.status_label}


def latest_progress() -> str:
    return _("Latest progress")


def evidence_label() -> str:
    return _("Evidence")


def sign_in_needed() -> str:
    return _("(file kept in the tracker; sign-in needed)")


def open_in_tracker() -> str:
    return _("Its page in the tracker")


def indicators_label() -> str:
    return _("Indicators that measure it")


def no_notes() -> str:
    return _("No progress recorded by this day.")


def labels() -> dict[str, str]:
    """The headings and labels both formats use."""
    return {
        "contents": _("Contents"),
        "reports": _("Reports"),
        "by_status": _("Recommendations by status"),
        "status": _("Status"),
        "recommendations": _("Recommendations"),
        "total": _("Total"),
        "latest_progress": latest_progress(),
        "no_notes": no_notes(),
        "evidence": evidence_label(),
        "indicators": indicators_label(),
        "sign_in_needed": sign_in_needed(),
        "open_in_tracker": open_in_tracker(),
    }
