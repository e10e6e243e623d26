"""The API views' side of the rule in `models.py`."""

from typing import Any, cast

from .models import WithdrawableQuerySet


class WithdrawnHiddenMixin:
    """A view's rows: a list leaves withdrawn ones out for everyone (as the list filters do);
    one by one, the public does not find a withdrawn one (404: as if never published — a
    wrong import is not confirmed to exist), signed-in roles open it, marked."""

    def get_queryset(self):
        view = cast(Any, self)
        queryset = cast(WithdrawableQuerySet, super().get_queryset())  # type: ignore[misc]
        return queryset.public() if view.action == "list" else queryset.visible_to(view.request.user)
