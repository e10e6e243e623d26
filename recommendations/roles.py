"""Which role a user has. Roles are Django groups; the highest group a user is in wins."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .choices import ROLE_RANK, Role


def user_role(user: AbstractBaseUser | AnonymousUser | None) -> Role | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    # Cached on the user object: one query per request however often permissions are asked.
    cached = getattr(user, "_tracker_role", False)
    if cached is not False:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    role = max((Role(name) for name in names if name in Role.values), key=ROLE_RANK.__getitem__, default=None)
    user._tracker_role = role
    return role


def has_role(user: AbstractBaseUser | AnonymousUser | None, minimum: Role | None) -> bool:
    return ROLE_RANK[user_role(user)] >= ROLE_RANK[minimum]
