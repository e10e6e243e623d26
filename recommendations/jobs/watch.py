"""The worker's watch: jobs whose worker stopped mid-job (killed, out of memory, the machine
restarted) are found by their heartbeat and queued again or failed with that reason."""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


class Watch:
    """Sweeps once at the worker's start, then every JOBS_HEARTBEAT_SECONDS in a thread of its own."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="jobs-watch", daemon=True)

    def sweep(self) -> None:
        from .services import jobs_recover_stale

        jobs_recover_stale()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=settings.JOBS_HEARTBEAT_SECONDS + 1)

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
                close_old_connections()
                try:
                    self.sweep()
                except Exception:
                    logger.exception("The watch over stopped jobs failed; trying again")
        finally:
            connection.close()
