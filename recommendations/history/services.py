"""Writing history rows. Services call these; nothing else writes a ChangeRecord."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from recommendations.models import ChangeRecord
from recommendations.tracked import TrackedModel

Actor = AbstractBaseUser | AnonymousUser | None
SYSTEM_USERNAME = "system"


def actor(user: Actor) -> tuple[AbstractBaseUser | None, str]:
    """The user to link and the username to copy; commands and imports act as "system"."""
    if user is None or not user.is_authenticated:
        return None, SYSTEM_USERNAME
    return user, user.get_username()


def change_record_build(
    *,
    obj: models.Model,
    action: str,
    user: Actor,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    message: str = "",
    related: models.Model | None = None,
) -> ChangeRecord:
    """An unsaved history row (for writing many at once). Only changed keys are kept on updates."""
    if before is not None and after is not None:
        changed = {key for key in after.keys() | before.keys() if before.get(key) != after.get(key)}
        before = {key: before.get(key) for key in sorted(changed)}
        after = {key: after.get(key) for key in sorted(changed)}
    author, username = actor(user)
    return ChangeRecord(
        object_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        related_object_type=ContentType.objects.get_for_model(related) if related is not None else None,
        related_object_id=related.pk if related is not None else None,
        action=action,
        user=author,
        username=username,
        before=before,
        after=after,
        message=message,
    )


def change_record_create(**kwargs: Any) -> ChangeRecord:
    """The one place a single history row is written; see change_record_build for the arguments."""
    record = change_record_build(**kwargs)
    record.save()
    return record


def change_records_create_many(records: Iterable[ChangeRecord], *, batch_size: int = 500) -> None:
    ChangeRecord.objects.bulk_create(list(records), batch_size=batch_size)


def refuse_unknown_fields(model: type[TrackedModel], data: dict[str, Any], *, allowed: Iterable[str] = ()) -> None:
    """A field a service does not edit is an error naming it, not silently ignored."""
    unknown = set(data) - set(model.editable_fields) - set(allowed)
    if unknown:
        raise ValidationError({field: _("This field cannot be edited.") for field in sorted(unknown)})


def tracked_update(
    *,
    obj: TrackedModel,
    data: dict[str, Any],
    user: Actor,
    message: str = "",
    related: models.Model | None = None,
    before_save: Callable[[TrackedModel], None] | None = None,
    after_save: Callable[[TrackedModel], None] | None = None,
) -> bool:
    """Set `data` on `obj` (already locked by the caller), validate, save, and record the
    difference of the snapshots as one history row. Many-to-many values in `data` are set
    after the save. Returns whether anything changed."""
    before = obj.snapshot()
    many_to_many = {name for name in data if obj._meta.get_field(name).many_to_many}
    for name, value in data.items():
        if name not in many_to_many:
            setattr(obj, name, value)
    if before_save is not None:
        before_save(obj)
    obj.full_clean(exclude=list(many_to_many))
    obj.save()
    for name in many_to_many:
        getattr(obj, name).set(data[name])
    if after_save is not None:
        after_save(obj)
    after = obj.snapshot()
    if after == before:
        return False
    change_record_create(
        obj=obj,
        action=ChangeRecord.Action.UPDATE,
        user=user,
        before=before,
        after=after,
        message=message,
        related=related,
    )
    return True


def tracked_create(
    *,
    obj: TrackedModel,
    user: Actor,
    message: str = "",
    related: models.Model | None = None,
    after_save: Callable[[TrackedModel], None] | None = None,
) -> None:
    """Validate and save a new object (`after_save` may then set its many-to-many values)
    and record its snapshot."""
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        if after_save is not None:
            after_save(obj)
        change_record_create(
            obj=obj,
            action=ChangeRecord.Action.CREATE,
            user=user,
            before=None,
            after=obj.snapshot(),
            message=message,
            related=related,
        )
