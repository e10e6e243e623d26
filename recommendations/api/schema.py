"""OpenAPI generation that states this API's contract as clients see it.

drf-spectacular cannot see through RolePermission, the error handler or the middleware, so it
would mark every operation as needing credentials, list no error responses, and leave out the
response headers clients rely on; schema-driven clients and test tools would then be told the
wrong contract. The schema is generated in English whatever the request's language.
"""

import re

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import BrowsableAPIRenderer

from ..choices import Role
from ..idempotency.requests import KEY_PATTERN, KEYED_METHODS, MAX_KEY_LENGTH, takes_key
from .filter_docs import describe_filters
from .permissions import RolePermission
from .write_serializers import RecommendationStatusUpdateSerializer, StrictFieldsMixin

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Every error under /api/. `detail` is a message in the request's language; `code` a "
        "machine-readable word (`invalid`, `parse_error`, `not_found`, `precondition_failed`, "
        "`throttled`…). A validation error also names each offending field or query parameter "
        "as a key holding its messages, and `detail` repeats the first of them."
    ),
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail", "code"],
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
NO_NUL = r"^[^\x00]*$"
ERROR_DESCRIPTIONS = {
    "400": "Invalid input; the body names each offending field or query parameter.",
    "401": "Credentials missing or invalid.",
    "403": "The caller's role may not do this.",
    "404": "No such object.",
    "406": "None of the formats the Accept header names can be produced.",
    "412": "The If-Match header names another version of the object (a weak tag never matches).",
    "413": "The request body is too large.",
    "415": "The request body's content type is not accepted.",
    "422": "The Idempotency-Key was used before for another request (another path or body).",
    "429": "Too many requests; retry after the time in Retry-After.",
    "503": "The database is unreachable; retry after the time in Retry-After.",
}
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer", "minimum": 0}}
}
ETAG = {
    "ETag": {
        "description": (
            "The recommendation's (or measure's) version in the body's language (strong), for If-Match and "
            "If-None-Match."
        ),
        "schema": {"type": "string"},
    }
}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "description": "An ETag read earlier; when it is still current the answer is 304 with no body.",
    "schema": {"type": "string"},
}

IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": (
        "A unique value (a UUID) for this request. A retry with the same key and the same body, "
        "within 24 hours, gets the first answer again (with `Idempotent-Replayed: true`) and "
        "nothing is done twice; the same key with another body is a 422. Keys are per user."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN},
}

# Operation descriptions, for clients; docstrings are written for developers and stay out.
DESCRIPTIONS = {
    "recommendations_list": (
        "The recommendations matching the filters, a page at a time (keyset pagination: follow "
        "`next` until it is null). Area names and status labels are in the request's language."
    ),
    "recommendations_retrieve": (
        "One recommendation. The ETag header (also `etag` in the body) names its version and "
        "the body's language; send it as If-Match with a write to refuse it if the recommendation "
        "changed meanwhile, or as If-None-Match to get a 304 when nothing changed."
    ),
    "recommendations_partial_update": (
        "NGO staff change the status (with an optional note), which records a progress update. "
        "Admins may also edit the other fields listed in the admin body. Answers the detail."
    ),
    "recommendations_progress_list": "The progress log of a recommendation, oldest first.",
    "recommendations_progress_create": (
        "Record a status change with an optional note; answers the new progress row and the recommendation's new ETag."
    ),
    "recommendations_evidence_list": "Evidence attached to a recommendation.",
    "recommendations_evidence_create": (
        "Attach evidence: a file (multipart/form-data with a `file` part), a link or an "
        "excerpt (JSON or multipart). Each kind takes exactly its own content field."
    ),
    "recommendations_history_list": "Every change to the recommendation, oldest first; rows are never edited.",
    "evidence_file_retrieve": "Download an evidence file (always as an attachment).",
    "measures_list": (
        "Measures: what a government does (a law, an action plan, a budget line, a service) to answer "
        "recommendations, each with its status. Filter by `country`, `status`, `kind`, `recommendation` "
        "(those answering it) and `q` (words of the title or description, folded as the list's `q`)."
    ),
    "measures_create": (
        "A new measure (NGO staff and admins), with the ids of the recommendations it answers (any report, any "
        "country); answers the measure with its ETag."
    ),
    "measures_retrieve": "One measure; its ETag names its version and the body's language, for If-Match.",
    "measures_partial_update": (
        "Edit a measure's fields (not its status, which only its progress changes; not its links: "
        "`/measures/{id}/links/`). A stale If-Match is a 412."
    ),
    "measures_progress_list": "The measure's progress log in the timeline's order, each entry with the "
    "recommendations' entries recorded with it (analysts and above).",
    "measures_progress_create": (
        "Record the measure's status with an optional note and day, and in the same transaction an entry on each "
        "recommendation listed in `recommendations` (each must be answered by it; its status by default the "
        "measure's; its `etag`, when given, refuses the whole submission with a 412 if it changed). Evidence "
        "added to the measure's entry (`/measures/{id}/evidence/` with its `progress_update`) is stored once and "
        "shown on each of those recommendations. One refused recommendation saves nothing: the 400 names it as "
        "`recommendations.<index>.<field>`."
    ),
    "measures_evidence_list": "Evidence attached to the measure (analysts and above).",
    "measures_evidence_create": (
        "Attach evidence to the measure, or to one of its entries (`progress_update`): a file (multipart) or a "
        "link or excerpt (JSON). Evidence of an entry is shown on every recommendation recorded with it."
    ),
    "measures_links_list": "The recommendations the measure answers, with their status.",
    "measures_links_create": (
        "Link the measure to recommendations it answers (ids; those linked already stay). Each recommendation's "
        "history records it and its version (ETag) moves on; answers the links and the measure's new ETag."
    ),
    "measures_links_destroy": (
        "The measure no longer answers this recommendation. Entries recorded with the measure stay as recorded."
    ),
    "measures_history_list": "Every change of the measure (fields, links, status) and its evidence, oldest first.",
    "sources_list": "The reports recommendations come from.",
    "sources_retrieve": "One report.",
    "areas_list": "The areas recommendations are classified in, with their names in both languages.",
    "responsible_bodies_list": (
        "The ministries and agencies recommendations are addressed to, by name, with how many recommendations "
        "each has: the ids the list's `responsible_body` filter takes."
    ),
    "responsible_bodies_retrieve": "One responsible body.",
    "progress_log": (
        "The progress log across recommendations: the entries of the recommendations the list's filters choose "
        "(not `as_of`; `from` and `to` keep the entries that happened between), in the timeline's order. "
        "Anyone reads the status changes; the note, author and evidence count are for analysts and above."
    ),
    "auth_token_create": (
        "Exchange a username and password for a new API token (send it as `Authorization: Token …`), "
        "optionally named and with fewer days than API_TOKEN_DAYS (30) until it expires. Each call issues "
        "another token; a user keeps at most 20 (a 21st revokes the least recently used). A token is refused "
        "once the user's password changes or the account is deactivated."
    ),
    "auth_token_destroy": "Revoke the token this request is made with (with a session cookie: all your tokens).",
    "auth_tokens_list": "Your API tokens: names, when made, when they expire, when last used (never the keys).",
    "auth_tokens_destroy": "Revoke one of your API tokens.",
    "stats": (
        "Counts of the recommendations matching the filters: in total, by status, and by area, "
        "year and source split by status. A recommendation counts in every year of its range. "
        "With `as_of`, each counts under its status at the end of that day, from the progress log, "
        "and only reports of that year or earlier count. `by` adds a cross table of two of area, year, "
        "source and status. `format=csv|xlsx` gives the same numbers as a spreadsheet."
    ),
    "stats_timeline": (
        "Progress over time: for the end of each month, quarter or year from `from` to `to`, the "
        "recommendations matching the filters counted by their status that day, from the progress "
        "log (the date progress happened). A recommendation counts from the year of its report. "
        "`format=csv|xlsx` gives the periods as a spreadsheet."
    ),
    "tags_suggest": (
        "The SDGs, themes and affected groups the tracker would suggest for a recommendation's text, each with "
        "its score (the share of the nearest tagged recommendations' votes), learnt from the tags stored "
        "(`model_version`). Nothing is stored: a suggestion becomes a tag only when a person accepts it."
    ),
    "recommendations_tag_suggestions_list": (
        "The themes, affected groups and SDGs suggested for this recommendation from the tags stored (each with "
        "its score and the model version), open ones (`suggested`) first, then those accepted or rejected and by whom."
    ),
    "recommendations_tag_suggestions_retrieve": "One suggested tag and its state.",
    "recommendations_tag_suggestions_decide": (
        '`{"decision": "accept"}` adds the suggested tag to the recommendation (a new version: its ETag '
        "changes); `reject` leaves it off and it is not suggested again. Either is a history row of the "
        "recommendation. A suggestion already decided is a 409."
    ),
    "stats_changes": (
        "What changed between two days (default: the last quarter): how many recommendations moved "
        "from which status to which between the end of `from` and the end of `to`, the list of them, "
        "and the recommendations of reports that appeared in between, by their status at `to`."
    ),
}

TAGS = [
    {"name": "recommendations", "description": "Recommendations, their progress, evidence and history."},
    {"name": "evidence", "description": "Evidence file downloads."},
    {"name": "sources", "description": "The reports recommendations come from."},
    {"name": "areas", "description": "Areas recommendations are classified in."},
    {"name": "responsible-bodies", "description": "The ministries and agencies recommendations are addressed to."},
    {"name": "progress", "description": "The progress log across recommendations; notes for analysts and above."},
    {"name": "stats", "description": "Counts for charts and dashboards."},
    {"name": "submissions", "description": "The submission document of a report, or of a country's reports."},
    {"name": "auth", "description": "API tokens."},
    {"name": "indicators", "description": "Figures the reports state year by year, with where each was read."},
    {"name": "tags", "description": "Themes, affected groups and SDGs suggested for a text from the tags stored."},
    {"name": "measures", "description": "Government measures answering recommendations, their progress and evidence."},
    {"name": "reviews", "description": "Progress proposed for review: the queue, decisions, one's own proposals."},
]


class RoleAwareAutoSchema(AutoSchema):
    def _required_role(self):
        if self.method in SAFE_METHODS:
            return getattr(self.view, "read_role", Role.ADMIN)
        return getattr(self.view, "write_role", Role.ADMIN)

    def _is_public(self) -> bool:
        role_gated = any(isinstance(permission, RolePermission) for permission in self.view.get_permissions())
        return role_gated and self._required_role() is None

    def get_auth(self):
        auths = super().get_auth()
        if self._is_public() and {} not in auths:
            auths.append({})
        return auths

    def get_description(self):  # type: ignore[override]  # drf-spectacular's signature, not DRF's
        return DESCRIPTIONS.get(self.get_operation_id(), "")

    def _get_format_parameters(self):
        """`format` on every read, with the formats the view's renderers give: JSON and `api`,
        the browsable page, or an export's own. The server takes it on each (`api/filters.py`);
        drf-spectacular would leave out the browsable page, and a single format."""
        if self.method != "GET":
            return super()._get_format_parameters()
        formats = list(dict.fromkeys(renderer.format for renderer in self.view.get_renderers()))
        described = (
            "`json` (the default) or `api`, the same answer as a browsable HTML page."
            if formats == ["json", "api"]
            else f"The answer's format: {', '.join(f'`{name}`' for name in formats)}."
        )
        return [
            {"in": "query", "name": "format", "schema": {"type": "string", "enum": formats}, "description": described}
        ]

    def _browsable(self) -> bool:
        return self.method == "GET" and any(isinstance(r, BrowsableAPIRenderer) for r in self.view.get_renderers())

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            # An empty filter value is a 400 (listing/parameters.py), never "no filter".
            parameter.pop("allowEmptyValue", None)
        return parameters

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if "__doc__" not in type(serializer).__dict__ or not type(serializer).__doc__:
            # A docstring inherited from a base or mixin is a note for developers.
            schema.pop("description", None)
        if direction == "request":
            if isinstance(serializer, StrictFieldsMixin):
                schema["additionalProperties"] = False
            for field in schema.get("properties", {}).values():
                if field.get("type") == "string" and not {"format", "enum", "pattern"} & set(field):
                    # DRF refuses NUL in any text field ("Null characters are not allowed").
                    field["pattern"] = NO_NUL
        return schema

    def _error_reference(self) -> dict:
        component = ResolvedComponent(name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA)
        self.registry.register_on_missing(component)
        return component.ref

    def _has_etag(self) -> bool:
        """Views list the actions (a viewset) or methods (a plain view) whose responses carry the
        recommendation's or measure's ETag."""
        view = self.view
        action = getattr(view, "action", None)
        if action is not None:
            return action in getattr(view, "etag_actions", ())
        return self.method.lower() in getattr(view, "etag_methods", ())

    def _has_if_match(self) -> bool:
        return any(parameter.get("name") == "If-Match" for parameter in self._get_parameters())

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        # 401 everywhere: a wrong or revoked token is refused even where no login is needed.
        codes = {"400", "401", "429", "503"}
        if not self._is_public():
            codes.add("403")
        if "{" in self.path:
            codes.add("404")
        if self.method not in SAFE_METHODS:
            codes.update({"413", "415"})
            if self._takes_idempotency_key():
                codes.add("422")
            if self._has_if_match():
                codes.add("412")
        error = {"application/json": {"schema": self._error_reference()}}
        if self._browsable() and responses.get("200", {}).get("content"):
            responses["200"]["content"].setdefault("text/html", {"schema": {"type": "string"}})
        for code in sorted(codes):
            responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                # Errors are JSON whatever the operation produces (an export's too).
                response["content"] = error
                response["description"] = response.get("description") or ERROR_DESCRIPTIONS.get(code, "")
            if code in ("429", "503"):
                response["headers"] = RETRY_AFTER
        if self._has_etag():
            for code, response in responses.items():
                if code in ("200", "201", "204", "412"):
                    response["headers"] = ETAG
            if self.method == "GET":
                responses["304"] = {"description": "Not modified: the If-None-Match tag is current.", "headers": ETAG}
        return responses

    def _get_parameters(self):
        parameters = super()._get_parameters()
        if self._has_etag() and self.method == "GET":
            parameters.append(IF_NONE_MATCH)
        if self._takes_idempotency_key():
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

    def _takes_idempotency_key(self) -> bool:
        """Every POST and PATCH by a signed-in user (recommendations/idempotency/middleware.py); the
        sign-in itself has no user to keep a key for."""
        return self.method in KEYED_METHODS and takes_key(self.view)


class EnglishSchemaGenerator(SchemaGenerator):
    """The schema document is in English whatever the request's Accept-Language: it is the
    contract clients are generated from, and field titles come from translated model names."""

    def get_schema(self, request=None, public=False):
        with translation.override("en"):
            return super().get_schema(request=request, public=public)


def _comma_list_pattern(names: list[str], empty_parts: bool, signed: bool = True) -> str:
    """A pattern for `a,-b` lists of these names, with the whitespace the server strips; at
    least one name (an empty value is a 400, listing/parameters.py)."""
    name = ("-?" if signed else "") + "(?:" + "|".join(re.escape(name) for name in names) + ")"
    if empty_parts:
        return rf"^(?:\s*,)*\s*{name}\s*(?:,\s*(?:{name})?\s*)*$"
    part = rf"\s*{name}\s*"
    return rf"^{part}(?:,{part})*$"


STATUS_ORDERINGS = (
    " `status` sorts in workflow order (not assessed → implemented, the stats' order), not by the codes' "
    "spelling; `status_as_of` by the status at the end of the `as_of` day, which it needs (else a 400)."
)


def _comma_lists(operation: dict, path: str) -> None:
    """`ordering` and `breakdown` take several comma-separated values, which an enum cannot say."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("name") == "breakdown" and "enum" in schema:
            # Comma-separated, repeated, or both; empty parts are skipped.
            pattern = _comma_list_pattern(sorted(schema["enum"]), empty_parts=True, signed=False)
            parameter["schema"] = {"type": "array", "items": {"type": "string", "pattern": pattern}}
            parameter["explode"] = True
            continue
        if parameter.get("name") != "ordering" or "enum" not in schema:
            continue
        names = sorted({value.removeprefix("-") for value in schema["enum"] if value})
        # Exports skip empty parts ("id,,year_start"); lists refuse them.
        parameter["schema"] = {"type": "string", "pattern": _comma_list_pattern(names, "/export" in path)}
        parameter["description"] = (
            "Sort fields, comma-separated, each with `-` for descending (e.g. `-year_start,id`); "
            f"one of {', '.join(names)}. Leave it out for the default; empty is a 400."
            + (STATUS_ORDERINGS if "status_as_of" in names else "")
        )


def _drop_untyped_nullable(node) -> None:
    """`nullable` beside a `oneOf` that already allows null (NullEnum) and no `type` is
    ambiguous in OpenAPI 3.0 (linters report it); the NullEnum alternative says it alone."""
    if isinstance(node, dict):
        alternatives = node.get("oneOf", [])
        if node.get("nullable") and "type" not in node and {"$ref": "#/components/schemas/NullEnum"} in alternatives:
            del node["nullable"]
        for value in node.values():
            _drop_untyped_nullable(value)
    elif isinstance(node, list):
        for value in node:
            _drop_untyped_nullable(value)


def _recommendation_update_alternatives(result: dict) -> None:
    """A staff body (status required) is also a valid admin body: alternatives, not exclusive
    ones (see request_schemas.RECOMMENDATION_UPDATE_REQUEST)."""
    schemas = result["components"]["schemas"]
    update = schemas.get("PatchedRecommendationUpdateRequest")
    staff = schemas.get("PatchedRecommendationStatusUpdateRequest")
    if update is None or staff is None:
        return
    update["anyOf"] = update.pop("oneOf")
    update["description"] = "NGO staff send `status` (and may add a `note`); admins may send any of the admin fields."
    staff["required"] = [
        name for name, field in RecommendationStatusUpdateSerializer().fields.items() if field.required
    ]


def _measure_needs_a_title(result: dict) -> None:
    """A new measure needs its title in Azerbaijani, in English or both (`measure_has_a_title`)."""
    create = result["components"]["schemas"].get("MeasureCreateRequest")
    if create is not None:
        create["anyOf"] = [{"required": ["title_az"]}, {"required": ["title_en"]}]


def _evidence_body_required(operation: dict) -> None:
    """Evidence is one of several shapes (request_schemas.EVIDENCE_REQUEST), which
    drf-spectacular does not mark as required: a POST without a body is a 400 naming `kind`."""
    if operation.get("operationId", "").endswith("evidence_create") and "requestBody" in operation:
        operation["requestBody"]["required"] = True


def postprocess(result, generator, request, public):
    """Whole-document fixes drf-spectacular has no per-operation hook for."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            _comma_lists(operation, path)
            describe_filters(operation)
            _evidence_body_required(operation)
    _recommendation_update_alternatives(result)
    _measure_needs_a_title(result)
    _drop_untyped_nullable(result)
    result["tags"] = TAGS
    return result
