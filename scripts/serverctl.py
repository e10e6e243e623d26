"""Start and stop the app on 127.0.0.1 for the load and restart scripts, under the server
`make run` and the Docker image use (scripts/serve: granian).

The server runs the production settings (DEBUG off, real error handling) with a throwaway
secret, HTTPS redirects off (plain loopback HTTP) and throttles raised so the load measures
the app, not the throttle. Every subprocess is bounded in time and stopped by its pid.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"

# The password of the load users `prepare` creates (manage.py load_fixture).
LOAD_PASSWORD = "load-" + "x9" * 12


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tracker.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": LOOPBACK,
            "SECURE_SSL_REDIRECT": "false",
            "THROTTLE_ANON": "1000000/minute",
            "THROTTLE_USER": "1000000/minute",
            "TRACKER_VAR_DIR": var_dir,
            "LOG_LEVEL": "WARNING",
            "LANGUAGE_CODE": "en",
        }
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    result = subprocess.run(  # noqa: S603 - fixed arguments, this interpreter
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(env: dict[str, str], recommendations: int = 20) -> dict:
    """Migrate, then create the three role users with tokens and some recommendations."""
    manage(env, "migrate", "--no-input")
    output = manage(env, "load_fixture", f"--recommendations={int(recommendations)}", f"--password={LOAD_PASSWORD}")
    line = next(line for line in output.splitlines() if line.startswith("FIXTURE="))
    return json.loads(line.removeprefix("FIXTURE="))


class Server:
    def __init__(self, env: dict[str, str], workers: int = 2, threads: int = 2, port: int | None = None) -> None:
        self.env = env
        self.port = port or free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="tracker-server-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, this interpreter
            [str(PROJECT_ROOT / "scripts" / "serve")],
            cwd=PROJECT_ROOT,
            env={
                **env,
                "PYTHON": sys.executable,
                "HOST": LOOPBACK,
                "PORT": str(self.port),
                "WEB_WORKERS": str(workers),
                "WEB_THREADS": str(threads),
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/areas/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"the server did not answer within {seconds:.0f} s; see {self.log.name}")

    def stop(self) -> None:
        """Stop the server by its pid: TERM, then KILL if it has not gone in ten seconds."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()

    def __enter__(self) -> "Server":
        self.wait_ready()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
