"""Uploads waiting between the admin's import preview and its confirmation.

A preview stores its document under its sha256 (so the confirmed import is byte for byte the
previewed one); a preview never confirmed would stay for ever. Each new preview sweeps away
those older than a day: the folder only grows through previews, so sweeping there bounds it
without a scheduled job to install or forget, and it costs one listing of a small folder.
"""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "imports/pending"
STAGING = FOLDER + "/{sha256}.upload"
KEPT_FOR = timedelta(days=1)


def staged_sweep() -> int:
    """Delete the staged uploads older than KEPT_FOR; how many were deleted."""
    if not default_storage.exists(FOLDER):
        return 0
    oldest_kept = timezone.now() - KEPT_FOR
    deleted = 0
    for name in default_storage.listdir(FOLDER)[1]:
        path = f"{FOLDER}/{name}"
        if name.endswith(".upload") and default_storage.get_modified_time(path) < oldest_kept:
            default_storage.delete(path)
            deleted += 1
    return deleted
