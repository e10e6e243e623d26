"""axe-core, run in the page a browser test has open: every WCAG 2.x A/AA rule and axe's best
practices, and the test fails naming each violation and its elements.

axe-core comes from npm, pinned with Lighthouse in scripts/page_checks/package-lock.json;
`npm ci` there installs it the first time (the npm registry only, no browser download), as
scripts/ts_client_job.py does for the TypeScript client. The pages forbid inline scripts
(Content-Security-Policy), so the context that runs axe is opened with `bypass_csp`.
"""

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

from django.conf import settings

PAGE_CHECKS = Path(settings.BASE_DIR) / "scripts" / "page_checks"
AXE_SCRIPT = PAGE_CHECKS / "node_modules" / "axe-core" / "axe.min.js"
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@cache
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed to install axe-core (apt-get install npm)"
        subprocess.run(  # noqa: S603 - a fixed command
            [npm, "ci", "--no-audit", "--no-fund"], cwd=PAGE_CHECKS, check=True, timeout=600, capture_output=True
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """axe's violations on the page as it is now (its state: opened details, a filled form)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", RULE_TAGS
    )
    return result["violations"]


def assert_no_axe_violations(page, state: str) -> None:
    violations = axe_violations(page)
    described = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "elements": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in violations
    ]
    assert not violations, f"axe on {state} ({page.url}):\n" + json.dumps(described, indent=1, ensure_ascii=False)
