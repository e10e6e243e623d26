"""Who follows what: the followers of a recommendation (directly or through its source) and
the recommendations a user follows."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from recommendations.models import Recommendation

from .models import Follow


def followers_of(recommendation: Recommendation) -> QuerySet:
    """Active users following the recommendation or its whole source."""
    follows = Follow.objects.filter(Q(recommendation=recommendation) | Q(source_id=recommendation.source_id))
    return get_user_model().objects.filter(is_active=True, pk__in=follows.values("user_id")).order_by("pk")


def followed_recommendations(user) -> QuerySet:
    """Recommendations the user follows, directly or through a followed source."""
    follows = Follow.objects.filter(user=user)
    return Recommendation.objects.public().filter(
        Q(pk__in=follows.filter(recommendation__isnull=False).values("recommendation_id"))
        | Q(source_id__in=follows.filter(source__isnull=False).values("source_id"))
    )


def follow_state(user, recommendation: Recommendation) -> dict[str, bool]:
    """Whether the user follows the recommendation itself, and its source."""
    if not user.is_authenticated:
        return {"recommendation": False, "source": False}
    rows = Follow.objects.filter(user=user).filter(
        Q(recommendation=recommendation) | Q(source_id=recommendation.source_id)
    )
    return {
        "recommendation": any(row.recommendation_id == recommendation.pk for row in rows),
        "source": any(row.source_id == recommendation.source_id for row in rows),
    }
