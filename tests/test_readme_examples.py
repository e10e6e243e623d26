"""The README's API examples, run as written against a fresh install: the seeds loaded
(`load_seeds`, as `make run` does) and the API on a real socket. Every request must succeed,
and the conditional read must answer 304 — an example that fails on a fresh install teaches
the wrong thing."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.factories import PASSWORD, UserFactory
from tests.pdf_documents import Text, build_pdf

README = Path(settings.BASE_DIR) / "README.md"
# The sections whose shell blocks are the API's examples.
SECTIONS = ("## API (`/api/v1/`)", "## Analysts: stats, exports, pages")


def example_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    blocks = []
    for heading in SECTIONS:
        start = text.index(heading)
        end = text.find("\n## ", start + len(heading))
        section = text[start : end if end != -1 else None]
        blocks += [block for block in re.findall(r"```sh\n(.*?)```", section, re.S) if "$API" in block]
    return blocks


def test_the_readme_has_api_examples():
    blocks = example_blocks()
    assert len(blocks) >= 3
    assert blocks[0].startswith("API=http://127.0.0.1:8000/api/v1\n")


# Each curl reports its status on stderr, whatever the example does with the body.
PRELUDE = """set -euo pipefail
curl() { command curl --show-error -w '%{stderr}STATUS %{http_code} %{method} %{url_effective}\\n' "$@"; }
"""


@pytest.mark.slow
# A fresh install holds what the migrations wrote (roles, the indicator vocabulary): after an
# earlier live-server test's flush, the serialized rollback puts it back; and its rows are
# numbered from 1, as the examples' `recommendations/1/` expect.
@pytest.mark.django_db(transaction=True, serialized_rollback=True, reset_sequences=True)
def test_every_example_runs_on_a_fresh_install(api_server, tmp_path):
    call_command("load_seeds", verbosity=0)
    UserFactory(username="aysel", role="ngo_staff")  # the factory's password
    (tmp_path / "report.pdf").write_bytes(build_pdf([[Text(72, 720, "Hesabat 2026")]]))
    script = "\n".join(example_blocks())
    script = script.replace("http://127.0.0.1:8000", api_server).replace('"password":"…"', f'"password":"{PASSWORD}"')

    done = subprocess.run(  # noqa: S603 - the README's own examples, against this test's server
        ["/bin/bash", "-c", PRELUDE + script], cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
    )

    statuses = re.findall(r"^STATUS (\d{3}) (\S+) (\S+)$", done.stderr, re.M)
    assert done.returncode == 0, done.stderr[-3000:]
    failed = [status for status in statuses if int(status[0]) >= 400]
    assert not failed, failed
    assert len(statuses) >= 30
    assert ("304", "GET", f"{api_server}/api/v1/recommendations/1/") in statuses  # If-None-Match
    assert (tmp_path / "downloaded.pdf").read_bytes() == (tmp_path / "report.pdf").read_bytes()
