"""Unconfirmed import previews do not stay for ever (issue 30 §3): each new preview deletes
the staged uploads older than a day; younger ones (a preview still being read) stay."""

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from .admin_forms import admin_client, csrf_token
from .admin_imports import job_of

ROOT = Path(__file__).resolve().parent.parent
URL = "/admin/recommendations/source/import/"
AZ_SEED = (ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.az.txt").read_bytes()
DOL_2015_AZ = {"kind": "dol", "country": "AZ", "report_year": "2015", "language": "az", "title": "", "slug": ""}
HOUR = 3600


def staged(name: str, age_hours: float) -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports" / "pending" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"an earlier preview's document")
    then = time.time() - age_hours * HOUR
    os.utime(path, (then, then))
    return path


def test_a_new_preview_deletes_the_unconfirmed_uploads_older_than_a_day(users):
    forgotten = staged("a" * 64 + ".upload", age_hours=25)
    recent = staged("b" * 64 + ".upload", age_hours=23)
    other = staged("notes.txt", age_hours=48)
    client = admin_client(users["admin"])

    response = client.post(
        URL,
        {
            **DOL_2015_AZ,
            "preview": "1",
            "csrfmiddlewaretoken": csrf_token(client, URL),
            "document": SimpleUploadedFile("dol.txt", AZ_SEED),
        },
    )

    job = job_of(response)
    assert not forgotten.exists()
    assert recent.exists()
    assert other.exists()  # only the previews' own files
    assert (forgotten.parent / f"{job.sha256}.upload").exists()  # this preview's, for its job
