"""Lighthouse on the pages people look at, with the seeds loaded: the dashboard and a
recommendation's page (and a report's and a country's), served by the production server on
loopback (scripts/page_server.py). Prints each page's scores and exits 1 when one is under
its threshold: accessibility and best practices 95, performance 90.

Lighthouse comes from npm, pinned in scripts/page_checks/package-lock.json (`npm ci` there the
first time); it drives Debian's Chromium through CHROME_PATH, nothing else is downloaded.

    python scripts/lighthouse.py [--preset desktop|mobile] [--pages dashboard,recommendation]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from page_server import seeded_server

PAGE_CHECKS = Path(__file__).resolve().parent / "page_checks"
LIGHTHOUSE = PAGE_CHECKS / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
THRESHOLDS = {"performance": 90, "accessibility": 95, "best-practices": 95}


def lighthouse(url: str, preset: str, report: Path) -> dict[str, int]:
    command = [
        shutil.which("node") or "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--only-categories=" + ",".join(THRESHOLDS),
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--max-wait-for-load=30000",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, timeout=240, env={**os.environ, "CHROME_PATH": CHROMIUM})  # noqa: S603
    categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
    return {name: round(100 * categories[name]["score"]) for name in THRESHOLDS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=["desktop", "mobile"], default="desktop")
    parser.add_argument("--pages", default="dashboard,recommendation")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        subprocess.run(  # noqa: S603 - a fixed command
            [shutil.which("npm") or "npm", "ci", "--no-audit", "--no-fund"], cwd=PAGE_CHECKS, check=True, timeout=600
        )
    reports = Path(tempfile.mkdtemp(prefix="tracker-lighthouse-"))
    failed = []
    with seeded_server(port=args.port) as (server, paths):
        for name in args.pages.split(","):
            scores = lighthouse(f"{server.url}{paths[name]}", args.preset, reports / f"{name}.json")
            print(f"{name} ({args.preset}): " + ", ".join(f"{category} {score}" for category, score in scores.items()))
            failed += [
                f"{name} {category} {score} < {THRESHOLDS[category]}"
                for category, score in scores.items()
                if score < THRESHOLDS[category]
            ]
    print(f"reports: {reports}")
    if failed:
        print("under the thresholds: " + "; ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
