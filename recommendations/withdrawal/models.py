"""The withdrawal fields of a recommendation and a report, and the one rule of who sees a
withdrawn row. Every read builds its rows from `objects.public()` or `objects.visible_to(user)`
(the list statement from `PUBLIC_SQL`, the list filters from the `withdrawn` filter), so a
withdrawn row cannot stay in one read by being forgotten in it."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from recommendations.choices import Role
from recommendations.fields import NFCTextField
from recommendations.roles import has_role

# The list statement's own spelling of `public()` (`r` is the recommendation).
PUBLIC_SQL = "r.withdrawn_at IS NULL"
WITHDRAWN_SQL = "r.withdrawn_at IS NOT NULL"
REASON_MAX_LENGTH = 2000
# In each model's `tracked_fields`: a withdrawal and a restore are history rows like any edit.
WITHDRAWAL_FIELDS = ("withdrawn_at", "withdrawal_reason")


def sees_withdrawn(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Signed-in roles (analysts and up) can open a withdrawn row and list them on request;
    the public never sees one. Lists leave them out for everyone unless asked."""
    return has_role(user, Role.ANALYST)


def public_q(relation: str = "") -> models.Q:
    """Not withdrawn, for a row reached through `relation` ("recommendations" from a report)."""
    return models.Q(**{f"{relation}{'__' if relation else ''}withdrawn_at__isnull": True})


class WithdrawableQuerySet(models.QuerySet):
    def public(self) -> "WithdrawableQuerySet":
        return self.filter(public_q())

    def withdrawn(self) -> "WithdrawableQuerySet":
        return self.filter(withdrawn_at__isnull=False)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> "WithdrawableQuerySet":
        """What `user` may open one by one (a page, the API's detail)."""
        return self if sees_withdrawn(user) else self.public()


class Withdrawable(models.Model):
    """Set only by `withdrawal.services`; cleared again by a restore."""

    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawal_reason = NFCTextField(_("reason for withdrawal"), blank=True, default="", db_default="", editable=False)

    objects = WithdrawableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
