"""An ordering as a client writes it (`ordering=-due_on,area`) and "the rows after this key"
under it: one rule for the API's keyset pages over the ORM (`api/pagination.py`), the list's
own SQL (`query.py`) and the ordered querysets of the exports and pages (`selectors.py`)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool


def sort_keys(
    raw: str | None, allowed: Sequence[str], *, default: str = "id", parameter: str = "ordering"
) -> list[SortKey]:
    """The keys of a comma-separated ordering (`-` for descending; empty: `default`), each
    one of `allowed` (else a ValidationError naming `parameter`), the id appended to break
    ties in the direction of the last key unless the ordering has it."""
    keys = []
    for term in (part.strip() for part in (raw or default).split(",")):
        name = term.removeprefix("-")
        if name not in allowed:
            raise ValidationError(
                {
                    parameter: [
                        _("“%(value)s” is not a field to order by; use one of: %(allowed)s.")
                        % {"value": term, "allowed": ", ".join(allowed)}
                    ]
                }
            )
        keys.append(SortKey(name, term.startswith("-")))
    if not any(key.field in ("id", "pk") for key in keys):
        keys.append(SortKey("id", keys[-1].descending))
    return keys


def rows_after(keys: Sequence[SortKey], values: Sequence[Any], backwards: bool) -> list[list[tuple[str, str, Any]]]:
    """Rows strictly after `values` in the order `keys` (before them, if `backwards`), as
    alternatives (any one) of comparisons (all): the keys before one equal, that one past —
    `(field, "=" | ">" | "<", value)`. The ORM and the SQL each write these in their own terms."""
    if len(values) != len(keys):
        raise ValueError("a key value for each sort key")
    alternatives = []
    for index, key in enumerate(keys):
        equal = [(earlier.field, "=", value) for earlier, value in zip(keys[:index], values[:index], strict=True)]
        alternatives.append([*equal, (key.field, ">" if key.descending == backwards else "<", values[index])])
    return alternatives
