"""When one recommendation may repeat another: the rule `Recommendation.clean` enforces for
every write (the API, the admin's form, imports) and `manage.py check_repeats` applies to the
links already stored. Kept apart from `repeats.py` (which reads the database) so that the
model can import it."""

from typing import Any

from django.utils.translation import gettext as _


def repeat_refusal(recommendation: Any, repeated: Any) -> str | None:
    """Why `recommendation` cannot repeat `repeated`, or None if it can. The rule: the same
    recommendation made again, so of the same country, kind of report and area, in an earlier
    report — hence no recommendation repeats itself and no chain of repeats is a cycle.
    `distinct=latest`, the lineage walk and the import's links rely on it."""
    if repeated.pk == recommendation.pk:
        return _("A recommendation cannot repeat itself.")
    rule = _("A recommendation repeats one of the same country, kind of report and area, made in an earlier report")
    source, earlier = recommendation.source, repeated.source
    named = {"rule": rule, "id": repeated.pk}
    if earlier.country != source.country:
        return _("%(rule)s; #%(id)d is of another country.") % named
    if earlier.kind != source.kind:
        return _("%(rule)s; #%(id)d is of another kind of report.") % named
    if repeated.area != recommendation.area:
        return _("%(rule)s; #%(id)d is of another area.") % named
    if earlier.report_year >= source.report_year:
        return _("%(rule)s; #%(id)d is of the report of %(year)d, not of one before %(this)d.") % {
            **named,
            "year": earlier.report_year,
            "this": source.report_year,
        }
    return None
