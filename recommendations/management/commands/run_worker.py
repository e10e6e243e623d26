"""The background job worker: report imports from the admin, mail to followers."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from recommendations.jobs.watch import Watch


class Command(BaseCommand):
    help = (
        "Run the background jobs (django-tasks' db_worker) and watch over jobs whose worker died: "
        "each is queued again or failed with its reason (JOBS_STALE_SECONDS, JOBS_MAX_ATTEMPTS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the jobs queued now, then exit.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at an empty queue (default 1)."
        )

    def handle(self, *args, batch: bool, interval: float, verbosity: int, **options):
        watch = Watch()
        watch.sweep()
        if not batch:
            watch.start()
        try:
            call_command(
                "db_worker",
                batch=batch,
                interval=interval,
                reload=False,
                startup_delay=False,
                verbosity=verbosity,
                stdout=self.stdout,
                stderr=self.stderr,
            )
        finally:
            watch.stop()
