"""Roles as the admin site gives them: the role groups carry the admin site's permissions, so
a user put in the `admin` group from the admin works exactly as one made by `add_user --role
admin`; and every change of someone's role is a history row (who gave which role to whom).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.utils.translation import gettext as _

from recommendations.choices import ROLE_RANK, Role
from recommendations.history import services as history
from recommendations.history.services import Actor
from recommendations.models import ChangeRecord

from . import events

# What the admin site edits: the tracker, users and groups, API tokens.
ADMIN_SITE_APPS = ("recommendations", "auth", "authtoken")


def role_groups_sync(*, using: str = "default", **kwargs) -> None:
    """After every migrate (post_migrate, for each app, as each app's permissions appear):
    the role groups exist and the admin group holds every permission of the admin site's
    apps. Only added, never removed: a permission an operator gave a group stays."""
    if "plan" not in kwargs or not Permission.objects.using(using).exists():
        # `flush` (no migration plan) empties the database on purpose: the groups come back
        # with the next migrate or a user's role. Recreated here they would collide with a
        # test's serialized rollback, which restores the migration's own rows.
        return
    for role in Role.values:
        Group.objects.using(using).get_or_create(name=role)
    admin_group = Group.objects.using(using).get(name=Role.ADMIN)
    admin_group.permissions.add(*Permission.objects.using(using).filter(content_type__app_label__in=ADMIN_SITE_APPS))


def role_of(user: User) -> str | None:
    """The role a user's groups give, active or not (roles.user_role answers for requests)."""
    if user.is_superuser:
        return Role.ADMIN
    names = set(user.groups.values_list("name", flat=True))
    return max((Role(name) for name in names if name in Role.values), key=ROLE_RANK.__getitem__, default=None)


def role_label(role: str | None) -> str:
    return str(Role(role).label) if role in Role.values else "—"


def user_role_recorded(*, user: User, before: str | None, by: Actor, request=None) -> None:
    """After a user's groups were set (the admin's user page): staff status follows the admin
    role — the admin site is the admin role's — and a changed role is a history row."""
    with transaction.atomic():
        fresh = get_user_model().objects.select_for_update().get(pk=user.pk)
        after = role_of(fresh)
        staff = after == Role.ADMIN or fresh.is_superuser
        if fresh.is_staff != staff:
            fresh.is_staff = staff
            fresh.save(update_fields=["is_staff"])
            user.is_staff = staff  # the caller's copy too
        if (after or None) != (before or None):
            history.change_record_create(
                obj=fresh,
                action=ChangeRecord.Action.UPDATE,
                user=by,
                before={"role": before or None},
                after={"role": str(after) if after else None},
                message=_("Role changed"),
            )
            transaction.on_commit(
                lambda: events.security_event(
                    "role.changed",
                    request=request,
                    user=fresh,
                    role_before=before or None,
                    role_after=str(after) if after else None,
                    changed_by=getattr(by, "username", None),
                )
            )


def user_role_set(*, user: User, role: str | None, by: Actor) -> None:
    """Give `user` exactly `role` (None: no role), as the user page's groups would: the other
    role groups are taken away, staff status follows, and the change is a history row."""
    with transaction.atomic():
        before = role_of(user)
        user.groups.remove(*Group.objects.filter(name__in=Role.values))
        if role:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        user_role_recorded(user=user, before=before, by=by)


def user_active_set(*, user: User, active: bool, by: Actor) -> bool:
    """Let a user sign in or not (a deactivated user's sessions and tokens stop working:
    Django and the API refuse inactive users); a history row. Returns whether it changed."""
    with transaction.atomic():
        fresh = get_user_model().objects.select_for_update().get(pk=user.pk)
        if fresh.is_active == active:
            return False
        fresh.is_active = active
        fresh.save(update_fields=["is_active"])
        history.change_record_create(
            obj=fresh,
            action=ChangeRecord.Action.UPDATE,
            user=by,
            before={"is_active": not active},
            after={"is_active": active},
            message=_("Account activated") if active else _("Account deactivated"),
        )
        return True
