"""Who may review: administrators, and staff given the permission "Can review proposed
progress" (in the admin, on the user or on a group).

A permission rather than a role between staff and admin: a coalition's reviewer is a staff
member who also records progress, and reviewing adds one duty, not a rank with everything an
administrator below it may do; the roles stay one ladder (analyst < staff < admin) that every
other check reads."""

from django.contrib.auth.models import PermissionsMixin

from recommendations.choices import Role
from recommendations.history.services import Actor
from recommendations.roles import has_role

REVIEW_PERMISSION = "recommendations.review_progress"


def may_review(user: Actor) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if has_role(user, Role.ADMIN):
        return True
    # Given on the user or on one of its groups.
    return has_role(user, Role.NGO_STAFF) and isinstance(user, PermissionsMixin) and user.has_perm(REVIEW_PERMISSION)
