"""Keyset pagination: page 1,000 costs what page 1 costs.

The cursor holds the sort values of the last (or first) row shown; the next page is
"rows after that key" under the same ORDER BY, with the primary key as tie-breaker, so an
index on (filter columns, sort column, id) serves it without OFFSET or COUNT.

Cursors are signed (django.core.signing, salted per use): the server reads back only keys it
wrote itself, for the ordering and the filters it wrote them for. Anything else, a hand-made
or altered cursor, or one sent with other filters (its key would start another list
mid-way, or past its end), is a 400 before any query.
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from recommendations.api.renderers import dumps, escape_line_separators
from recommendations.listing.ordering import SORT_VALUE_PREFIX
from recommendations.listing.parameters import parameter_values
from recommendations.listing.sort_keys import SortKey, rows_after, sort_keys

MAX_PAGE_SIZE = 500


CURSOR_SALT = "recommendations.api.pagination.cursor"
# A cursor the server wrote is well under this; a longer one was not written here.
MAX_CURSOR_LENGTH = 2000


class _CursorSerializer(signing.JSONSerializer):
    """Dates and datetimes as text to the microsecond; the sort column's field turns them back."""

    def dumps(self, obj):
        return json.dumps(obj, separators=(",", ":"), default=str).encode("latin-1")


def invalid_cursor() -> exceptions.ValidationError:
    return exceptions.ValidationError({"cursor": [_("Invalid cursor.")]})


def _encode(payload: dict[str, Any]) -> str:
    return signing.dumps(payload, salt=CURSOR_SALT, serializer=_CursorSerializer)


def _decode(cursor: str) -> dict[str, Any]:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise invalid_cursor()
    try:
        payload = signing.loads(cursor, salt=CURSOR_SALT, serializer=_CursorSerializer)
    except (signing.BadSignature, ValueError, UnicodeError):
        raise invalid_cursor() from None
    if not isinstance(payload, dict) or not isinstance(payload.get("k"), list) or payload.get("d") not in ("n", "p"):
        raise invalid_cursor()
    return payload


def _storable(value: Any) -> bool:
    """Whether a cursor key is a value a sort column can hold (the last check behind the
    signature: a key that reaches SQL must not make the database fail)."""
    if value is None:
        return False
    if isinstance(value, int) and not isinstance(value, bool):
        return -(2**63) <= value < 2**63
    if isinstance(value, str):
        return "\x00" not in value and len(value) <= 1000 and value.isprintable() and not _has_surrogate(value)
    if isinstance(value, datetime.datetime):
        offset = value.utcoffset() or datetime.timedelta()
        # PostgreSQL refuses offsets of 16 hours or more; timestamps live in years 1-9999 UTC.
        if abs(offset) >= datetime.timedelta(hours=16):
            return False
        try:
            value.astimezone(datetime.UTC)
        except OverflowError:
            return False
    return True


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


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
        try:
            return sort_keys(
                request.query_params.get(self.ordering_query_param),
                getattr(view, "ordering_fields", ("id",)),
                default=getattr(view, "ordering", "id"),
                parameter=self.ordering_query_param,
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None

    def _ordering_id(self) -> str:
        """The ordering a cursor was written for: keys of one ordering mean nothing in another."""
        return ",".join(("-" if key.descending else "") + key.field for key in self.keys)

    def _filters_id(self) -> str:
        """The filters a cursor was written for, whatever their order or spelling as repeated
        or comma-separated values. The page size may change between pages (the key still
        says where the walk stands); the ordering is bound on its own (`_ordering_id`)."""
        unbound = {self.cursor_query_param, self.page_size_query_param, self.ordering_query_param}
        params = self.request.query_params
        canonical = sorted((name, sorted(parameter_values(params, name))) for name in params if name not in unbound)
        return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()[:24]

    @staticmethod
    def _after(keys: list[SortKey], values: list[Any], backwards: bool) -> Q:
        """Rows strictly after `values` in the order `keys` (before, if backwards): `rows_after` as Q."""
        lookups = {"=": "exact", ">": "gt", "<": "lt"}
        condition = Q()
        for comparisons in rows_after(keys, values, backwards):
            condition |= Q(*(Q(**{f"{field}__{lookups[operator]}": value}) for field, operator, value in comparisons))
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
        if payload.get("o") != self._ordering_id() or len(payload["k"]) != len(self.keys):
            raise exceptions.ValidationError({"cursor": [_("The cursor does not match the ordering.")]})
        if payload.get("f") != self._filters_id():
            raise exceptions.ValidationError(
                {"cursor": [_("The cursor was issued for other filters; leave it out to start from the first page.")]}
            )
        try:
            derived = getattr(view, "derived_sorts", {})
            values = [
                (
                    derived[key.field].field
                    if key.field in derived
                    else model._meta.get_field("id" if key.field == "pk" else key.field)
                ).to_python(value)
                for key, value in zip(self.keys, payload["k"], strict=True)
            ]
        except Exception:
            raise exceptions.ValidationError({"cursor": [_("Invalid cursor.")]}) from None
        # Sort columns are non-null, so a null key was never issued; filtering on it would fail.
        # Nor were numbers, texts or moments no column can hold.
        if not all(_storable(value) for value in values):
            raise invalid_cursor()
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
        if isinstance(row, dict):  # a row of the list's SQL (listing/query.py): a derived sort's value apart
            return [row.get(f"{SORT_VALUE_PREFIX}{key.field}", row.get(key.field)) for key in self.keys]
        return [getattr(row, "pk" if key.field == "id" else key.field) for key in self.keys]

    def _links(self) -> dict[str, str | None]:
        """The page's `next` and `previous` links and their `cursor` values, written once:
        the address, the filters' binding and each signed cursor are made a single time."""
        url = self.request.build_absolute_uri()
        bound = {"o": self._ordering_id(), "f": self._filters_id()}

        def link(row, direction: str) -> tuple[str, str]:
            cursor = _encode({**bound, "k": self._key_of(row), "d": direction})
            return replace_query_param(url, self.cursor_query_param, cursor), cursor

        next_link, next_cursor = link(self.rows[-1], "n") if self.has_after and self.rows else (None, None)
        if not self.has_before:
            previous_link, previous_cursor = None, None
        elif not self.rows:  # past the end, walking back: the first page, which takes no cursor
            previous_link, previous_cursor = remove_query_param(url, self.cursor_query_param), ""
        else:
            previous_link, previous_cursor = link(self.rows[0], "p")
        return {
            "next": next_link,
            "previous": previous_link,
            "next_cursor": next_cursor,
            "previous_cursor": previous_cursor,
        }

    def get_next_link(self) -> str | None:
        return self._links()["next"]

    def get_previous_link(self) -> str | None:
        return self._links()["previous"]

    def get_paginated_response(self, data) -> Response:
        return Response({**self._links(), "results": data})

    def get_paginated_json(self, results: bytes, count: int | None = None) -> bytes:
        """The body `get_paginated_response` renders, around `results` already written as a
        JSON array (by the database: listing/json_items.py), and `count` when asked."""
        links = dumps(self._links())
        tail = b"}" if count is None else b',"count":%d}' % count
        return b"".join((links[:-1], b',"results":', escape_line_separators(results), tail))

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "next_cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": "The `cursor` parameter of `next`: pass it back with the same other parameters.",
                },
                "previous_cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": ("The `cursor` parameter of `previous` (empty: the first page, send no cursor)."),
                },
                "results": schema,
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "With `count=true` (the recommendation list): how many rows match, on every page.",
                },
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
