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
from .schema_texts import DESCRIPTIONS, TAGS
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
        # Empty parts ("id,,year_start") are refused by lists and exports alike (listing/sort_keys.py).
        parameter["schema"] = {"type": "string", "pattern": _comma_list_pattern(names, empty_parts=False)}
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


def _withdrawn_forbidden(operation: dict) -> None:
    """`withdrawn=true` is for signed-in roles that see withdrawn rows: anyone else's well-formed
    request is a 403 naming it (listing/selectors.WithdrawnNotShown), on every operation of the
    list filters."""
    if any(parameter.get("name") == "withdrawn" for parameter in operation.get("parameters", [])):
        operation["responses"].setdefault(
            "403",
            {
                "description": "`withdrawn=true` from a caller who may not list withdrawn recommendations.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        )


def postprocess(result, generator, request, public):
    """Whole-document fixes drf-spectacular has no per-operation hook for."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            _comma_lists(operation, path)
            describe_filters(operation)
            _evidence_body_required(operation)
            _withdrawn_forbidden(operation)
    _recommendation_update_alternatives(result)
    _measure_needs_a_title(result)
    _drop_untyped_nullable(result)
    result["tags"] = TAGS
    return result
