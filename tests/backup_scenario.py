"""What the backup round trip (tests/test_backup_roundtrip.py) runs in its own processes,
through the services, as the server and its users would: `fill` builds a database with the
seeds, users, progress with evidence files and links, a removal, follows and a token;
`write_until` keeps recording progress (every other entry with a new file) until told to stop.

Run as `python -m tests.backup_scenario fill` or `… write STOP_FILE` with the deployment's
environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, MEDIA_ROOT).
"""

import datetime
import sys
import time
from pathlib import Path
from typing import cast

import django

# As the main module, and as the copy of it that a forkserver child imports first (named
# __mp_main__: a process that reads a PDF starts one), the model imports below need the app
# registry set up.
if __name__ in ("__main__", "__mp_main__"):
    django.setup()

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from recommendations.choices import EvidenceKind, Status
from recommendations.evidence.services import evidence_delete
from recommendations.follows.services import follow_set
from recommendations.models import Recommendation
from recommendations.progress.services import EvidenceItem, progress_record_with_evidence
from recommendations.users.services import user_create

# However the test ends, a writer stops on its own.
WRITER_SECONDS = 300

PASSWORD = "Backup-round-trip-2026"
STATUSES = [Status.IN_PROGRESS, Status.PARTIALLY_IMPLEMENTED, Status.IMPLEMENTED, Status.NOT_STARTED]


def pdf(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{text}.pdf", b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n")


def fill() -> None:
    call_command("load_seeds", verbosity=0)
    staff = cast("User", user_create(username="aysel", role="ngo_staff", password=PASSWORD, email="aysel@example.org"))
    admin = user_create(username="elvin", role="admin", password=PASSWORD)
    analyst = cast("User", user_create(username="nigar", role="analyst", password=PASSWORD))
    Token.objects.create(user=staff)
    first, second, *_rest = Recommendation.objects.order_by("pk")
    for number, recommendation in enumerate((first, second)):
        _update, evidence = progress_record_with_evidence(
            recommendation_id=recommendation.pk,
            status=STATUSES[number],
            note=f"Nazirliklə görüş {number}: şərtlər müzakirə edildi",
            occurred_on=datetime.date(2026, 10, 1 + number),
            user=staff,
            evidence=[
                EvidenceItem(kind=EvidenceKind.FILE, title="Qərar", file=pdf(f"qerar-{number}")),
                EvidenceItem(kind=EvidenceKind.LINK, title="Keçid", url="https://e-qanun.az/"),
            ],
        )
    # A removal: history keeps what was removed.
    evidence_delete(evidence_id=evidence[1].pk, user=admin)
    follow_set(user=analyst, following=True, recommendation_id=first.pk)
    follow_set(user=staff, following=True, source_id=second.source_id)


def write_until(*, stop_file: str, ready_after: int = 4, after_stop: int = 2) -> None:
    """Record progress on the last recommendation (followed by no one) until `stop_file`
    exists, then `after_stop` more. Prints `ready <recommendation id>` once `ready_after`
    entries are in, and `wrote <count>` at the end."""
    # Run again on a restored copy, the writer is there already.
    staff = User.objects.filter(username="writer").first() or user_create(
        username="writer", role="ngo_staff", password=PASSWORD
    )
    recommendation = Recommendation.objects.order_by("pk").last()
    assert recommendation is not None
    written = 0
    remaining = None
    deadline = time.monotonic() + WRITER_SECONDS
    while (remaining is None or remaining > 0) and time.monotonic() < deadline:
        evidence = [EvidenceItem(kind=EvidenceKind.FILE, title="Hesabat", file=pdf(f"writer-{written}"))]
        progress_record_with_evidence(
            recommendation_id=recommendation.pk,
            status=STATUSES[written % len(STATUSES)],
            note=f"Yazı {written}",
            user=staff,
            evidence=evidence if written % 2 else [],
        )
        written += 1
        if written == ready_after:
            print(f"ready {recommendation.pk}", flush=True)
        if remaining is not None:
            remaining -= 1
        elif written >= ready_after and Path(stop_file).exists():
            remaining = after_stop
        time.sleep(0.01)
    print(f"wrote {written}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["fill"]:
        fill()
    elif sys.argv[1:2] == ["write"] and len(sys.argv) == 3:
        write_until(stop_file=sys.argv[2])
    else:
        sys.exit("usage: python -m tests.backup_scenario fill | write STOP_FILE")
