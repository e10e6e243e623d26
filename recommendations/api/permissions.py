from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..choices import Role
from ..roles import has_role


class RolePermission(BasePermission):
    """Reads need the view's `read_role`, writes its `write_role` (None means anyone).

    Views declare the two attributes; everything is admin-only unless a view says otherwise.
    """

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            required = getattr(view, "read_role", Role.ADMIN)
        else:
            required = getattr(view, "write_role", Role.ADMIN)
        return has_role(request.user, required)
