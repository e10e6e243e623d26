"""OpenAPI generation that knows this API's roles and error responses.

drf-spectacular cannot see through RolePermission, so it would mark every operation as
needing credentials and list no error responses; clients (and schema-driven test tools)
would then be told the wrong contract.
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

from ..choices import Role
from .permissions import RolePermission

ERROR_BODY = {
    "type": "object",
    "description": "`detail` for a general error, otherwise the offending field names with their messages.",
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input; the body names each offending field or query parameter.",
    "401": "Credentials missing or invalid.",
    "403": "The caller's role may not do this.",
    "404": "No such object.",
    "412": "The If-Match header names an older version of the object.",
    "415": "The request body's content type is not accepted.",
    "429": "Too many requests; retry after the time in Retry-After.",
    "503": "The database is unreachable; retry after the time in Retry-After.",
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

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            # An empty filter value means "no filter": it is what a form's "any" option sends.
            parameter["allowEmptyValue"] = True
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        # 401 everywhere: a wrong or revoked token is refused even where no login is needed.
        codes = {"400", "401", "429", "503"}
        if not self._is_public():
            codes.add("403")
        if "{" in self.path:
            codes.add("404")
        if self.method not in SAFE_METHODS:
            codes.add("415")
            if any(parameter.get("name") == "If-Match" for parameter in self._get_parameters()):
                codes.add("412")
        for code in sorted(codes):
            responses.setdefault(
                code,
                {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ERROR_BODY}},
                },
            )
        return responses
