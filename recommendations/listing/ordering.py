"""Orderings of the recommendation list that are not a plain non-null column: by area, source,
country, due date and the date of the latest progress. Each is one expression, the same in
the list's SQL (`query.py`, keyset pagination) and in the ORM (exports, `selectors`), never
null so that "rows after this key" is exact:

- `area`: the code, not classified (null) first;
- `source`: the report's slug; `country`: the ISO code;
- `due_on`: the due date, those without one last;
- `last_progress_on`: the day the latest progress happened, those without progress first.

The id breaks ties, as for every ordering."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from recommendations.models import ProgressUpdate

PROGRESS = ProgressUpdate._meta.db_table
NO_DUE_DATE = datetime.date(9999, 12, 31)
NO_PROGRESS = datetime.date(1, 1, 1)


@dataclass(frozen=True)
class DerivedSort:
    sql: str  # over `r` the recommendation and `s` its source
    field: models.Field  # reads a cursor's value back and prepares it for the database


def _last_progress():
    latest = (
        ProgressUpdate.objects.filter(recommendation=OuterRef("pk"))
        .order_by()
        .values("recommendation")
        .annotate(last=Max("occurred_on"))
        .values("last")
    )
    return Coalesce(Subquery(latest, output_field=models.DateField()), Value(NO_PROGRESS))


DERIVED_SORTS = {
    "area": DerivedSort("COALESCE(r.area, '')", models.CharField()),
    "source": DerivedSort("s.slug", models.SlugField()),
    "country": DerivedSort("r.country", models.CharField()),
    "due_on": DerivedSort(f"COALESCE(r.due_on, '{NO_DUE_DATE.isoformat()}')", models.DateField()),
    "last_progress_on": DerivedSort(
        f"COALESCE((SELECT MAX(p.occurred_on) FROM {PROGRESS} p WHERE p.recommendation_id = r.id), "  # noqa: S608
        f"'{NO_PROGRESS.isoformat()}')",
        models.DateField(),
    ),
}
ORM_EXPRESSIONS = {
    "area": lambda: Coalesce(F("area"), Value(""), output_field=models.CharField()),
    "source": lambda: F("source__slug"),
    "country": lambda: F("country"),
    "due_on": lambda: Coalesce(F("due_on"), Value(NO_DUE_DATE), output_field=models.DateField()),
    "last_progress_on": _last_progress,
}
# The name under which a derived sort's value is selected beside the row's own columns.
SORT_VALUE_PREFIX = "sort_by_"
