"""Reading indicator values, shared by the API and the exports."""

from django.db.models import Exists, OuterRef, Q

from .models import IndicatorValue


def values_with_disagreement():
    """Values with `disagrees`: another source gives this country, indicator and year
    another value (one subquery in the same statement, no query per row)."""
    other = IndicatorValue.objects.filter(
        country=OuterRef("country"), indicator=OuterRef("indicator"), year=OuterRef("year")
    ).exclude(source=OuterRef("source"))
    differs = other.filter(
        ~Q(state=OuterRef("state")) | ~Q(number=OuterRef("number")) | ~Q(currency=OuterRef("currency"))
    )
    return IndicatorValue.objects.select_related("indicator", "source").annotate(disagrees=Exists(differs))
