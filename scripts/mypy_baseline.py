"""mypy against a baseline that only shrinks.

The code predates type checking, so mypy reports errors that nobody has fixed yet. They are
listed in mypy-baseline.txt, one line per error, without line numbers (`path: [code] message`),
so editing a file above an old error does not make it new. `check` (run by `make test`) fails
when mypy reports an error the baseline does not hold; an error whose module moved to another
file still matches by its code and message. `update` (`make typecheck-baseline`) rewrites the
baseline from mypy's current report, and refuses to add errors unless given --allow-new.

    python scripts/mypy_baseline.py check
    python scripts/mypy_baseline.py update [--allow-new]
"""

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
HEADER = (
    "# mypy errors not fixed yet: `path: [code] message`, no line numbers. Only shrinks:\n"
    "# `make typecheck-baseline` rewrites it after fixes (scripts/mypy_baseline.py).\n"
)
ERROR = re.compile(
    r"^(?P<path>[^:\s][^:]*):(?P<line>\d+):(?:\d+:)? error: (?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)


def run_mypy() -> list[tuple[str, str]]:
    """The errors mypy reports now, as (entry, line as printed) pairs."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-pretty", "--no-color-output", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    errors = []
    for line in result.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            errors.append((entry(match["path"], match["code"] or "misc", match["message"]), line))
    if result.returncode not in (0, 1) or (result.returncode == 1 and not errors):
        # 2 is mypy failing to run (bad configuration, a crash): never a pass.
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(f"mypy did not run (exit status {result.returncode})")
    return errors


def entry(path: str, code: str, message: str) -> str:
    # A message may name a line ("defined on line 12"): that must not make an old error new.
    message = re.sub(r"line \d+", "line N", message)
    return f"{path}: [{code}] {message}"


def read_baseline() -> Counter[str]:
    if not BASELINE.exists():
        return Counter()
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    return Counter(line for line in lines if line and not line.startswith("#"))


def without_path(line: str) -> str:
    return line.split(": ", 1)[1]


def new_errors(current: list[tuple[str, str]], baseline: Counter[str]) -> list[str]:
    """The printed lines of the errors the baseline does not account for: first matched
    by file, code and message; what is left by code and message alone (a moved module)."""
    remaining = baseline.copy()
    unmatched = []
    for key, printed in current:
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            unmatched.append((key, printed))
    moved = Counter(without_path(key) for key, count in remaining.items() for _ in range(count))
    new = []
    for key, printed in unmatched:
        if moved[without_path(key)] > 0:
            moved[without_path(key)] -= 1
        else:
            new.append(printed)
    return new


def check() -> int:
    current = run_mypy()
    baseline = read_baseline()
    new = new_errors(current, baseline)
    total = sum(baseline.values())
    if new:
        print("\n".join(new))
        print(
            f"mypy: {len(new)} new error(s) above ({len(current)} in all, the baseline holds {total}). "
            "Fix them; the baseline only shrinks."
        )
        return 1
    if len(current) < total:
        print(
            f"mypy: {len(current)} errors, {total - len(current)} fewer than mypy-baseline.txt: "
            "run `make typecheck-baseline` to shrink it."
        )
    else:
        print(f"mypy: no new errors ({len(current)} in the baseline)")
    return 0


def update(allow_new: bool) -> int:
    current = run_mypy()
    new = new_errors(current, read_baseline())
    if new and not allow_new:
        print("\n".join(new))
        print(f"mypy: {len(new)} new error(s): fix them, or pass --allow-new to add them to the baseline")
        return 1
    lines = sorted(key for key, _printed in current)
    BASELINE.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    print(f"mypy-baseline.txt: {len(lines)} errors")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "update"], nargs="?", default="check")
    parser.add_argument("--allow-new", action="store_true", help="update: also take in new errors")
    arguments = parser.parse_args()
    return check() if arguments.command == "check" else update(arguments.allow_new)


if __name__ == "__main__":
    sys.exit(main())
