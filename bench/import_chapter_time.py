"""How long importing one real DOL chapter PDF takes (dry run and import), its indicator
tables included. Prints numbers.

    python bench/import_chapter_time.py [PDF] [RUNS]

Defaults to the 2018 Azerbaijan chapter in tests/fixtures and 5 runs of each. Runs against a
throwaway SQLite database in a temporary folder unless DATABASE_URL is set (then give it an
empty one of your own); every import is rolled back, and the kept pages of the last PDF are
dropped before each run, as for a new upload.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings.local")
os.environ.setdefault("TRACKER_VAR_DIR", tempfile.mkdtemp(prefix="tracker-benchmark-"))

import django  # noqa: E402 - after the environment it reads

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from recommendations.importing import extract  # noqa: E402
from recommendations.importing.services import report_import  # noqa: E402


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "fixtures" / "dol-2018-azerbaijan.en.pdf"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    data = path.read_bytes()
    call_command("migrate", verbosity=0)
    for dry_run in (True, False):
        times = []
        for _run in range(runs):
            extract._pdf_pages_confined.cache_clear()  # a new upload each time
            with transaction.atomic():
                started = time.perf_counter()
                report_import(data=data, kind="dol", country="AZ", report_year=2018, language="en", dry_run=dry_run)
                times.append(time.perf_counter() - started)
                transaction.set_rollback(True)
        label = "dry run" if dry_run else "import "
        print(f"{label}: median {statistics.median(times):.3f} s, best {min(times):.3f} s ({runs} runs)")


if __name__ == "__main__":
    main()
