"""The list's items as JSON text written by the database, from the column declarations.

The list statement (`query.py`) selects one text per row, the item exactly as
`columns.list_items` and the API's renderer write it (compact, UTF-8, keys in declaration
order), so the request does not decode, shape and encode every value in Python (BENCHMARKS.md
"The database writes the list's JSON"). tests/test_list_json.py compares the bytes with the
Python-built body on SQLite and PostgreSQL.

A stored column is written as its type says (`to_json` on PostgreSQL, `json_object` on
SQLite), a derived, formatted or filled one by its builder below, restating in SQL the rule
its declaration applies in Python. PostgreSQL concatenates (`json_build_object` puts spaces
after separators). SQLite, in the process, calls Python for what it has no rule for (a moment
in a named zone, `casefold` for the tags' order).
"""

import datetime
import json
import sqlite3
import zoneinfo
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from recommendations.models import Recommendation, ResponsibleBody
from recommendations.tags.models import Tag
from recommendations.tags.selectors import FIELD_OF_VOCABULARY
from recommendations.tags.vocabularies import Vocabulary

from .columns import LIST_COLUMNS, Column, Presentation
from .conditions import RESPONSIBLE_BODY_LINK

SQL = tuple[str, list[Any]]
TAG = Tag._meta.db_table
TAG_LINK = Tag.recommendations.through._meta.db_table
BODY = ResponsibleBody._meta.db_table
BODY_LINK_COLUMN = Recommendation.responsible_bodies.through._meta.get_field("responsiblebody").column
VOCABULARY_OF_FIELD = {field: str(vocabulary) for vocabulary, field in FIELD_OF_VOCABULARY.items()}
# Letters whose Python `casefold` is not their Unicode lowercase (ß → ss, ſ → s, µ → μ, ligatures,
# and Σ, lowercased by its place in a word): a tag named with one is ordered in Python (below).
CASEFOLD_NOT_LOWER = "".join(
    sorted({chr(code) for code in range(0x80, 0x30000) if chr(code).casefold() != chr(code).lower()} | {"Σ", "ς"})
)


def literal(text: str) -> str:
    """`text` as an SQL string literal in a statement run with parameters (`%` doubled).

    The request's words (labels, language, zone) are written into the statement rather than
    sent as parameters: the driver binds parameters by scanning the statement in Python, a
    cost that grows with their number, and the statement is the same for every request in
    one language and can be kept (`item_sql`). Both databases read `''` as a quote and
    nothing else specially (PostgreSQL's standard_conforming_strings)."""
    if "\x00" in text:
        raise NotBuildable("NUL in a literal")
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


# The same as a PostgreSQL regular expression's class, with escapes (\\uXXXX) for the letters.
CASEFOLD_NOT_LOWER_PATTERN = "'[{}]'".format(
    "".join(
        f"\\u{ord(letter):04x}" if ord(letter) < 0x10000 else f"\\U{ord(letter):08x}" for letter in CASEFOLD_NOT_LOWER
    )
)


class NotBuildable(Exception):
    """The database cannot write this request's items byte for byte: the caller writes them."""


def _boolean(column: Column) -> bool:
    if not column.orm:
        return False
    model: Any = Recommendation
    field = None
    for part in column.orm.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:
            return False
        model = field.related_model
    return isinstance(field, models.BooleanField)


class _Dialect:
    """How one database writes JSON: values, objects and ordered arrays."""

    def value(self, sql: str, *, boolean: bool = False) -> str:
        raise NotImplementedError

    def text(self, sql: str) -> str:
        """A JSON string, or null, of a text expression."""
        return self.value(sql)

    def json(self, sql: str) -> str:
        """An expression that already is JSON text (never NULL)."""
        raise NotImplementedError

    def obj(self, entries: list[tuple[str, str]]) -> str:
        raise NotImplementedError

    def array(self, element: str, source: str, order: str) -> str:
        """The JSON array of `element` (over `e`) for the rows of the SELECT `source`, in
        `order` (over the rows' unqualified names)."""
        raise NotImplementedError

    def moment(self, sql: str, zone: datetime.tzinfo) -> SQL:
        raise NotImplementedError

    def translation(self, sql: str, language_sql: str) -> str:
        """The text of one language (SQL, a language code) in a translations column, or NULL."""
        raise NotImplementedError

    def casefold(self, sql: str) -> str:
        raise NotImplementedError


class _PostgreSQL(_Dialect):
    def value(self, sql, *, boolean=False):
        if sql == "NULL":  # of no type: to_json cannot take it
            return "'null'"
        return f"COALESCE(to_json({sql})::text, 'null')"

    def json(self, sql):
        return sql

    def obj(self, entries):
        if not entries:
            return "'{}'"
        parts = []
        for index, (key, sql) in enumerate(entries):
            parts.append(f"'{'{' if index == 0 else ','}{json.dumps(key)}:'")
            parts.append(f"({sql})")
        return " || ".join([*parts, "'}'"])

    def array(self, element, source, order):
        return (
            f"COALESCE((SELECT '[' || string_agg({element}, ',' ORDER BY {order}) || ']' FROM ({source}) AS e), '[]')"
        )

    def moment(self, sql, zone):
        # Python's isoformat in the zone: microseconds only when there are some, the offset
        # with seconds only when it has some, "Z" for none (as DRF writes UTC).
        local = f"({sql} AT TIME ZONE {literal(_zone_name(zone))})"
        offset = f"({local} - ({sql} AT TIME ZONE 'UTC'))"
        size = f"(CASE WHEN {offset} < interval '0' THEN -{offset} ELSE {offset} END)"
        expression = (
            f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
            f"|| CASE WHEN to_char({local}, 'US') = '000000' THEN '' ELSE to_char({local}, '.US') END "
            f"|| CASE WHEN {offset} = interval '0' THEN 'Z' "
            f"ELSE CASE WHEN {offset} < interval '0' THEN '-' ELSE '+' END || to_char({size}, 'HH24:MI') "
            f"|| CASE WHEN to_char({size}, 'SS') = '00' THEN '' ELSE to_char({size}, ':SS') END END"
        )
        return self.value(expression), []

    def translation(self, sql, language_sql):
        return f"({sql} ->> ({language_sql})::text)"

    def casefold(self, sql):
        # ICU's lowercase is `casefold` but for CASEFOLD_NOT_LOWER; compared code point by code point.
        return f'lower({sql} COLLATE "und-x-icu") COLLATE "C"'


class _SQLite(_Dialect):
    def value(self, sql, *, boolean=False):
        return f"json(CASE WHEN {sql} THEN 'true' ELSE 'false' END)" if boolean else sql

    def json(self, sql):
        return f"json({sql})"

    def obj(self, entries):
        pairs = ", ".join(f"'{key}', {sql}" for key, sql in entries)
        return f"json_object({pairs})"

    def array(self, element, source, order):
        return f"json((SELECT json_group_array({element}) FROM (SELECT * FROM ({source}) ORDER BY {order}) AS e))"

    def moment(self, sql, zone):
        return f"tracker_iso_datetime({sql}, {literal(_zone_name(zone))})", []

    def translation(self, sql, language_sql):
        return f"json_extract({sql}, '$.\"' || {language_sql} || '\"')"

    def casefold(self, sql):
        return f"tracker_casefold({sql})"


def _dialect(connection: BaseDatabaseWrapper) -> _Dialect:
    if connection.vendor == "postgresql":
        return _PostgreSQL()
    if connection.vendor == "sqlite":
        _sqlite_functions(connection)
        return _SQLite()
    raise NotBuildable(connection.vendor)


def _zone_name(zone: datetime.tzinfo) -> str:
    name = getattr(zone, "key", None) or ("UTC" if zone is datetime.UTC else None)
    if name is None:
        raise NotBuildable(f"time zone {zone!r}")
    return name


@lru_cache(maxsize=16)
def _zone(name: str) -> datetime.tzinfo:
    return datetime.UTC if name == "UTC" else zoneinfo.ZoneInfo(name)


def _sqlite_functions(connection: BaseDatabaseWrapper) -> None:
    """Python's own rules, where SQLite has none: a stored (naive UTC) moment as DRF writes
    it in a zone, and `casefold`."""
    connection.ensure_connection()
    raw: sqlite3.Connection = connection.connection
    if getattr(connection, "tracker_json_functions_on", None) is raw:
        return
    stored_zone = connection.timezone

    def iso_datetime(value: str | None, zone: str) -> str | None:
        if value is None:
            return None
        moment = datetime.datetime.fromisoformat(value)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, stored_zone)
        return Presentation({}, {}, _zone(zone)).iso_datetime(moment)

    raw.create_function("tracker_iso_datetime", 2, iso_datetime, deterministic=True)
    raw.create_function(
        "tracker_casefold", 1, lambda text: None if text is None else text.casefold(), deterministic=True
    )
    connection.tracker_json_functions_on = raw  # type: ignore[attr-defined]


def _label(sql: str, labels: dict[str, str]) -> SQL:
    """A stored code's label (NULL for a code without one), as a CASE over the request's labels."""
    if not labels:
        return "NULL", []
    cases = " ".join(f"WHEN {literal(code)} THEN CAST({literal(str(label))} AS TEXT)" for code, label in labels.items())
    return f"CASE {sql} {cases} END", []


# Derived, formatted and filled list columns, each as (dialect, the stored columns' SQL by name,
# presentation) -> the JSON text's SQL with its parameters; the rule is its column's (columns.py).
Builder = Callable[[_Dialect, dict[str, SQL], Presentation], SQL]


def _area_name(d: _Dialect, stored: dict[str, SQL], p: Presentation) -> SQL:
    area_sql, area_params = stored["area"]
    sql, params = _label(area_sql, p.area_names)
    return d.text(sql), [*area_params, *params]


def _status_label(name: str) -> Builder:
    def build(d: _Dialect, stored: dict[str, SQL], p: Presentation) -> SQL:
        status_sql, status_params = stored[name]
        sql, params = _label(status_sql, p.status_labels)
        return d.text(sql), [*status_params, *params]

    return build


def _action(d: _Dialect, stored: dict[str, SQL], p: Presentation) -> SQL:
    # `languages.text_in`: the translation when the report is in another language and has a
    # non-empty one, else the original.
    original, language, translations = (
        stored[name][0] for name in ("original_action", "source_language", "translations")
    )
    shown = literal(p.language)
    translated = d.translation(translations, shown)
    sql = f"CASE WHEN {language} <> {shown} THEN COALESCE(NULLIF({translated}, ''), {original}) ELSE {original} END"
    return d.text(sql), []


def _action_translations(d: _Dialect, stored: dict[str, SQL], p: Presentation) -> SQL:
    # `columns.action_translations`: with the action shown in the request's language, the
    # original first under its language, then the stored ones but that; else the stored ones.
    original, language, translations = (
        stored[name][0] for name in ("original_action", "source_language", "translations")
    )
    shown = literal(p.language)
    if isinstance(d, _PostgreSQL):
        entries = f"jsonb_each({translations}) WITH ORDINALITY AS e(key, value, n)"
        value = "CASE jsonb_typeof(e.value) WHEN 'string' THEN to_json(e.value #>> '{}')::text ELSE e.value::text END"
        pair = f"to_json(e.key)::text || ':' || {value}"
        all_pairs = f"(SELECT string_agg({pair}, ',' ORDER BY e.n) FROM {entries})"
        rest = (
            f"(SELECT string_agg(',' || {pair}, '' ORDER BY e.n) FROM {entries} "
            f"WHERE e.key <> {shown} AND e.key <> {language})"
        )
        first_value = f"COALESCE((SELECT {value} FROM {entries} WHERE e.key = {language}), to_json({original})::text)"
        sql = (
            f"CASE WHEN {language} <> {shown} AND jsonb_exists({translations}, {shown}) "
            f"THEN '{{' || to_json({language})::text || ':' || {first_value} || COALESCE({rest}, '') || '}}' "
            f"ELSE COALESCE('{{' || {all_pairs} || '}}', '{{}}') END"
        )
        return sql, []
    key = f"'$.\"' || {language} || '\"'"
    first_value = (
        f"CASE WHEN json_type({translations}, {key}) IS NULL THEN {original} "
        f"ELSE json_extract({translations}, {key}) END"
    )
    original_first = (
        f"(SELECT json_group_object(k, v) FROM (SELECT {language} AS k, {first_value} AS v, -1 AS n "
        f"UNION ALL SELECT key, value, id FROM json_each({translations}) "
        f"WHERE key <> {shown} AND key <> {language} ORDER BY n))"
    )
    stored_only = (
        "(SELECT json_group_object(k, v) FROM "
        f"(SELECT key AS k, value AS v FROM json_each({translations}) ORDER BY id))"
    )
    sql = (
        f"json(CASE WHEN {language} <> {shown} AND json_type({translations}, '$.\"' || {shown} || '\"') IS NOT NULL "
        f"THEN {original_first} ELSE COALESCE({stored_only}, '{{}}') END)"
    )
    return sql, []


def _moment(name: str) -> Builder:
    def build(d: _Dialect, stored: dict[str, SQL], p: Presentation) -> SQL:
        sql, params = stored[name]
        if params:  # repeated in the expression: a stored column has none
            raise NotBuildable(name)
        return d.moment(sql, p.zone)

    return build


def _date(d: _Dialect, stored: dict[str, SQL], p: Presentation) -> SQL:
    return d.value(stored["due_on"][0]), []


def _responsible_bodies(d: _Dialect, stored: dict[str, SQL], p: Presentation) -> SQL:
    # As `query.recommendation_page_items` fills them: by name, then id.
    element = d.obj([("id", d.value("e.id")), ("name", d.text("e.name")), ("abbreviation", d.text("e.abbreviation"))])
    source = (
        f"SELECT b.id, b.name, b.abbreviation FROM {RESPONSIBLE_BODY_LINK} l "
        f"JOIN {BODY} b ON b.id = l.{BODY_LINK_COLUMN} WHERE l.recommendation_id = {stored['id'][0]}"
    )
    return _guarded(d, d.array(element, source, "name, id"), "has_responsible_bodies", stored), []


def _guarded(d: _Dialect, sql: str, flag: str, stored: dict[str, SQL], empty: str = "[]") -> str:
    """`sql` for the rows with the flag (has tags…), JSON's `empty` for the others."""
    condition = _when(flag, stored)
    if not condition:
        return sql
    if isinstance(d, _SQLite):  # a JSON value, as `array` gives; a text's null is SQL's
        otherwise = "json('[]')" if empty == "[]" else "NULL"
        return f"(CASE WHEN {condition.removesuffix(' AND')} THEN {sql} ELSE {otherwise} END)"
    return f"(CASE WHEN {condition.removesuffix(' AND')} THEN {sql} ELSE '{empty}' END)"


def _tags(field: str) -> Builder:
    def build(d: _Dialect, stored: dict[str, SQL], p: Presentation) -> SQL:
        # `tags.selectors.tag_fields`: SDGs as numbers by number; the position, the last by
        # name; the others {code, name} by English name, `casefold`ed.
        vocabulary = VOCABULARY_OF_FIELD[field]
        tags = (
            f"SELECT t.id, t.code, t.name_en, t.name_az FROM {TAG_LINK} l JOIN {TAG} t ON t.id = l.tag_id "
            f"WHERE l.recommendation_id = {stored['id'][0]} AND t.vocabulary = {literal(vocabulary)}"
        )
        if vocabulary == Vocabulary.SDG:
            number = "CAST(code AS INTEGER)"
            element = (
                "CAST(CAST(e.code AS INTEGER) AS TEXT)" if isinstance(d, _PostgreSQL) else "CAST(e.code AS INTEGER)"
            )
            numbers = d.array(element, tags, f"{number}, {d.casefold('name_en')}, id")
            return _guarded(d, numbers, "has_tags", stored), []
        if vocabulary == Vocabulary.POSITION:
            last = f"(SELECT e.code FROM ({tags}) AS e ORDER BY {d.casefold('e.name_en')} DESC, e.id DESC LIMIT 1)"
            return _guarded(d, d.text(last), "has_tags", stored, empty="null"), []
        name = "COALESCE(NULLIF(e.name_az, ''), e.name_en)" if p.language.startswith("az") else "e.name_en"
        element = d.obj([("code", d.text("e.code")), ("name", d.text(name))])
        return _guarded(d, d.array(element, tags, f"{d.casefold('name_en')}, id"), "has_tags", stored), []

    return build


BUILDERS: dict[str, Builder] = {
    "area_name": _area_name,
    "action": _action,
    "action_translations": _action_translations,
    "status_label": _status_label("status"),
    "status_as_of_label": _status_label("status_as_of"),
    "status_changed_at": _moment("status_changed_at"),
    "due_on": _date,
    "responsible_bodies": _responsible_bodies,
    **{field: _tags(field) for field in FIELD_OF_VOCABULARY.values()},
}


# Statements already written, by what they are written from: a handful per language.
_WRITTEN: dict[tuple, SQL] = {}


def item_sql(connection: BaseDatabaseWrapper, stored: dict[str, SQL], presentation: Presentation) -> SQL:
    """The SQL of one row's item as JSON text, with its parameters in order; `stored` is each
    stored list column's SQL (and parameters) in the statement."""
    d = _dialect(connection)
    key = (
        connection.vendor,
        tuple((name, sql, tuple(params)) for name, (sql, params) in stored.items()),
        presentation.language,
        str(presentation.zone),
        tuple((code, str(label)) for code, label in presentation.area_names.items()),
        tuple((code, str(label)) for code, label in presentation.status_labels.items()),
    )
    written = _WRITTEN.get(key)
    if written is None:
        if len(_WRITTEN) > 64:  # `as_of` days: each its own statement
            _WRITTEN.clear()
        written = _WRITTEN[key] = _item_sql(d, stored, presentation)
    return written


def _item_sql(d: _Dialect, stored: dict[str, SQL], presentation: Presentation) -> SQL:
    entries, params = [], []
    for column in LIST_COLUMNS:
        if not column.shown:
            continue
        if column.name in BUILDERS:
            sql, column_params = BUILDERS[column.name](d, stored, presentation)
        elif column.sql and column.derive is None and column.list_format is None and not column.filled_by:
            sql, column_params = stored[column.name]
            sql = d.value(sql, boolean=_boolean(column))
        else:
            raise NotBuildable(column.name)
        entries.append((column.name, sql))
        params.extend(column_params)
    return d.obj(entries), params


def tags_need_python_sql(connection: BaseDatabaseWrapper, stored: dict[str, SQL]) -> SQL:
    """Whether a row has a tag whose English name orders differently by the database's
    lowercase than by Python's `casefold` (then the page is written in Python)."""
    if connection.vendor != "postgresql":
        return "0", []
    return (
        f"({_when('has_tags', stored)} EXISTS (SELECT 1 FROM {TAG_LINK} l JOIN {TAG} t ON t.id = l.tag_id "
        f"WHERE l.recommendation_id = {stored['id'][0]} AND t.name_en ~ {CASEFOLD_NOT_LOWER_PATTERN}))",
        [],
    )


def _when(flag: str, stored: dict[str, SQL]) -> str:
    """`flag AND` where the statement selects the flag (the row has tags…): what follows it
    is looked up only then."""
    return f"{stored[flag][0]} AND" if flag in stored and not stored[flag][1] else ""
