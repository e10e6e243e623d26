"""Keyset pagination: page 1,000 costs what page 1 costs.

The cursor holds the sort values of the last (or first) row shown; the next page is
"rows after that key" under the same ORDER BY, with the primary key as tie-breaker, so an
index on (filter columns, sort column, id) serves it without OFFSET or COUNT.
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool


def _encode(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise exceptions.ValidationError({"cursor": [_("Invalid cursor.")]}) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("k"), list) or payload.get("d") not in ("n", "p"):
        raise exceptions.ValidationError({"cursor": [_("Invalid cursor.")]})
    return payload


class KeysetPagination(BasePagination):
    """Views declare `ordering_fields` (non-null columns clients may sort by) and `ordering`."""

    page_size = 50
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Must be a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}]}
            )
        return size

    def get_sort_keys(self, request, view) -> list[SortKey]:
        allowed = getattr(view, "ordering_fields", ("id",))
        raw = request.query_params.get(self.ordering_query_param) or getattr(view, "ordering", "id")
        keys = []
        for term in (part.strip() for part in raw.split(",")):
            name = term.removeprefix("-")
            if name not in allowed:
                raise exceptions.ValidationError(
                    {
                        self.ordering_query_param: [
                            _("“%(value)s” is not a field to order by; use one of: %(allowed)s.")
                            % {"value": term, "allowed": ", ".join(allowed)}
                        ]
                    }
                )
            keys.append(SortKey(name, term.startswith("-")))
        if not any(key.field in ("id", "pk") for key in keys):
            keys.append(SortKey("id", keys[-1].descending if keys else False))
        return keys

    @staticmethod
    def _after(keys: list[SortKey], values: list[Any], backwards: bool) -> Q:
        """Rows strictly after `values` in the order `keys` (before, if backwards)."""
        condition = Q()
        equal_so_far = Q()
        for key, value in zip(keys, values, strict=True):
            greater = key.descending == backwards
            step = Q(**{f"{key.field}__gt" if greater else f"{key.field}__lt": value})
            condition |= equal_so_far & step
            equal_so_far &= Q(**{key.field: value})
        return condition

    @staticmethod
    def _order(keys: list[SortKey], backwards: bool) -> list:
        return [F(key.field).asc() if key.descending == backwards else F(key.field).desc() for key in keys]

    def _read_request(self, request, view, model) -> tuple[list[Any] | None, bool]:
        """Validate page size, ordering and cursor; the cursor's key values (None without a
        cursor) and whether it points backwards."""
        self.request = request
        self.page_size_value = self.get_page_size(request)
        self.keys = self.get_sort_keys(request, view)
        self.has_before = self.has_after = False
        cursor = request.query_params.get(self.cursor_query_param)
        if not cursor:
            return None, False
        payload = _decode(cursor)
        if len(payload["k"]) != len(self.keys):
            raise exceptions.ValidationError({"cursor": [_("The cursor does not match the ordering.")]})
        try:
            values = [
                model._meta.get_field("id" if key.field == "pk" else key.field).to_python(value)
                for key, value in zip(self.keys, payload["k"], strict=True)
            ]
        except Exception:
            raise exceptions.ValidationError({"cursor": [_("Invalid cursor.")]}) from None
        # Sort columns are non-null, so a null key was never issued; filtering on it would fail.
        # A number no column can hold is forged too.
        if any(value is None or (isinstance(value, int) and not -(2**63) <= value < 2**63) for value in values):
            raise exceptions.ValidationError({"cursor": [_("Invalid cursor.")]})
        backwards = payload["d"] == "p"
        if backwards:
            self.has_after = True
        else:
            self.has_before = True
        return values, backwards

    def _keep_page(self, rows: list, backwards: bool) -> list:
        """`rows` holds up to one more than a page, in fetch order: keep the page, in display order."""
        more = len(rows) > self.page_size_value
        rows = rows[: self.page_size_value]
        if backwards:
            rows.reverse()
            self.has_before = more
        else:
            self.has_after = more
        self.rows = rows
        return rows

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        after, backwards = self._read_request(request, view, queryset.model)
        if after is not None:
            queryset = queryset.filter(self._after(self.keys, after, backwards))
        rows = list(queryset.order_by(*self._order(self.keys, backwards))[: self.page_size_value + 1])
        return self._keep_page(rows, backwards)

    def paginate_rows(self, fetch: Callable[..., list], model, request, view=None) -> list:
        """The same page for a view that reads `model`'s rows without a queryset: `fetch(keys=,
        after=, backwards=, limit=)` returns rows (dicts keyed by column) in that order."""
        after, backwards = self._read_request(request, view, model)
        rows = fetch(keys=self.keys, after=after, backwards=backwards, limit=self.page_size_value + 1)
        return self._keep_page(rows, backwards)

    def _key_of(self, row) -> list[Any]:
        if isinstance(row, dict):  # a row of the list's SQL (listing/query.py)
            return [row[key.field] for key in self.keys]
        return [getattr(row, "pk" if key.field == "id" else key.field) for key in self.keys]

    def _link(self, row, direction: str) -> str:
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, _encode({"k": self._key_of(row), "d": direction}))

    def get_next_link(self) -> str | None:
        return self._link(self.rows[-1], "n") if self.has_after and self.rows else None

    def get_previous_link(self) -> str | None:
        if not self.has_before:
            return None
        if not self.rows:
            return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return self._link(self.rows[0], "p")

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        allowed = list(getattr(view, "ordering_fields", ("id",)))
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque cursor from a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": "Sort field, `-` for descending; comma-separate several. Empty means the default.",
                "schema": {"type": "string", "enum": ["", *allowed, *(f"-{name}" for name in allowed)]},
            },
        ]
