"""How long a 100,000-line report-like text takes to parse and import. Prints numbers.

    python bench/import_report_speed.py [LINES]

Runs against a throwaway SQLite database in a temporary folder unless DATABASE_URL is set
(then it uses that database: give it an empty one of your own).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings.local")
os.environ.setdefault("TRACKER_VAR_DIR", tempfile.mkdtemp(prefix="tracker-benchmark-"))

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from recommendations.importing.parsers import dol  # noqa: E402
from recommendations.importing.services import report_import  # noqa: E402

AREAS = ("Qanun və\n\nNizamnamələr", "Tətbiqat", "Dövlət Siyasəti", "Sosial Proqramlar")


def report_like_text(lines: int) -> str:
    """A DOL table: an area label every 25 rows, each action wrapped over three lines with
    blank lines between, then its years; ten lines per row."""
    rows = []
    row = 0
    while len(rows) * 10 < lines:
        label = AREAS[(row // 25) % len(AREAS)] + " " if row % 25 == 0 else ""
        rows.append(
            f"{label}Əmək müfəttişlərinin uşaq əməyi ilə əlaqədar {row} nömrəli qanunun\n\n"
            f"tətbiq edilməsiylə bağlı yetərli treninq keçməsini və yoxlamaların\n\n"
            f"hamısının əhaliyə açıq olmasını təminat altına alın.\n\n \n\n2014 – 2015\n"
        )
        row += 1
    return "\n".join(rows)


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    text = report_like_text(lines)
    data = text.encode()
    print(f"document: {text.count(chr(10)) + 1:,} lines, {len(data):,} bytes")

    started = time.perf_counter()
    parsed = dol.parse(text)
    print(f"parse: {time.perf_counter() - started:.2f} s, {len(parsed.records):,} recommendations")

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = report_import(data=data, kind="dol", country="AZ", report_year=2015, dry_run=True)
    print(f"dry-run import: {time.perf_counter() - started:.2f} s ({report.created:,} to create)")

    started = time.perf_counter()
    report = report_import(data=data, kind="dol", country="AZ", report_year=2015)
    print(f"import: {time.perf_counter() - started:.2f} s ({report.created:,} created)")

    started = time.perf_counter()
    report = report_import(data=data, kind="dol", country="AZ", report_year=2015)
    print(f"same document again: {time.perf_counter() - started:.2f} s ({report.unchanged:,} unchanged)")

    # Linking: a country with 15 yearly reports of 40 recommendations, then the 16th, whose
    # every action repeats one of the year before with a word changed.
    for year in range(2000, 2015):
        text = f"Hesabat {year}\n\n" + report_like_text(400)
        report_import(data=text.encode(), kind="dol", country="GE", report_year=year)
    reworded = report_like_text(400).replace("yetərli", "kifayət qədər").encode()
    started = time.perf_counter()
    report = report_import(data=reworded, kind="dol", country="GE", report_year=2015)
    print(f"16th report of a series, linking: {time.perf_counter() - started:.2f} s ({report.linked:,} linked)")


if __name__ == "__main__":
    main()
