"""`make run`: the server (scripts/serve) and the background job worker (manage.py run_worker)
side by side, stopped together.

A worker that stops (killed, out of memory) is started again after a pause; the job it was
running is found by its stopped heartbeat and queued again or failed (recommendations/jobs/).
When the server stops, or this script is told to (Ctrl-C, SIGTERM), the worker is asked to
stop (it finishes the job in hand) and killed after WORKER_STOP_SECONDS.

    PYTHON=.venv/bin/python python scripts/run.py [granian options]
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = os.environ.get("PYTHON", sys.executable)
WORKER_STOP_SECONDS = float(os.environ.get("WORKER_STOP_SECONDS", "10"))
RESTART_PAUSE_SECONDS = 2.0


def start_worker() -> subprocess.Popen:
    return subprocess.Popen([PYTHON, "manage.py", "run_worker"], cwd=ROOT)  # noqa: S603 - our own command


def stop(process: subprocess.Popen, grace: float) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = subprocess.Popen([str(ROOT / "scripts" / "serve"), *sys.argv[1:]], cwd=ROOT)  # noqa: S603 - our own script
    worker = start_worker()
    try:
        while server.poll() is None:
            if worker.poll() is not None:
                print(
                    f"scripts/run.py: the job worker stopped (status {worker.returncode}); starting it again",
                    file=sys.stderr,
                )
                time.sleep(RESTART_PAUSE_SECONDS)
                worker = start_worker()
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop(worker, WORKER_STOP_SECONDS)
        stop(server, 10)
    return server.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
