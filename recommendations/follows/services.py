"""Following and unfollowing. Any signed-in user may follow; what they then receive is
limited by their role (notes and evidence only for analysts and above)."""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from recommendations.models import Recommendation, Source

from .models import Follow

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def follow_set(
    *,
    user: "User",
    following: bool,
    recommendation_id: int | None = None,
    source_id: int | None = None,
) -> bool:
    """Follow (or stop following) one recommendation or one whole source; returns whether
    the user follows it afterwards. Doing it twice changes nothing."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to follow recommendations."))
    if (recommendation_id is None) == (source_id is None):
        raise ValidationError(_("Follow either a recommendation or a source."))
    if recommendation_id is not None:
        target: dict = {"recommendation": Recommendation.objects.get(pk=recommendation_id)}
    else:
        target = {"source": Source.objects.get(pk=source_id or 0)}
    with transaction.atomic():
        existing = Follow.objects.filter(user=user, **target)
        if not following:
            existing.delete()
            return False
        if not existing.exists():
            follow = Follow(user=user, **target)
            follow.full_clean(validate_unique=False, validate_constraints=False)
            try:
                with transaction.atomic():
                    follow.save()
            except IntegrityError:  # followed at the same moment by another request
                pass
        return True
