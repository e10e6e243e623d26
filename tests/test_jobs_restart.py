"""A worker that dies mid-job (issue 20 §3): the job is queued again or failed with its reason,
never "running" for ever, never half-written. Fast tests simulate the dead worker (a job
left running with a stale heartbeat, its task row still "running"); the slow one starts the
real worker process, uploads through the admin, SIGKILLs the worker mid-import and starts
it again."""

import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from recommendations.jobs.models import ImportJob
from recommendations.models import Recommendation, Source

from .admin_forms import admin_client
from .admin_imports import job_of, job_page, preview, upload
from .jobs import JOBS_DB, run_jobs

ROOT = Path(__file__).resolve().parent.parent
DOL_SEED = (ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.az.txt").read_bytes()
METADATA = {"kind": "dol", "country": "AZ", "report_year": "2015", "language": "az", "title": "", "slug": ""}


def die_mid_job(job: ImportJob, *, runs: int) -> None:
    """What a worker killed while running `job` leaves: the job running with its last heartbeat
    long ago, the library's task row claimed; the import's transaction died with the process."""
    task = DBTaskResult.objects.get(id=job.task_id)
    task.claim("killed-worker")
    stale = timezone.now() - datetime.timedelta(seconds=django_settings.JOBS_STALE_SECONDS + 5)
    ImportJob.objects.filter(pk=job.pk).update(state="running", attempts=runs, started_at=stale, heartbeat_at=stale)


@JOBS_DB
def test_an_import_whose_worker_died_is_run_again_by_the_next_worker_and_written_once(users):
    client = admin_client(users["admin"])
    page = preview(client, DOL_SEED, "dol.txt", METADATA)
    started = job_of(
        client.post(
            f"/admin/recommendations/source/import/jobs/{page.context['job'].pk}/",
            {"confirm": "1", "csrfmiddlewaretoken": page.context["csrf_token"]},
        )
    )
    die_mid_job(started, runs=1)

    run_jobs()  # the next worker: its watch finds the job, queues it again, and runs it

    started.refresh_from_db()
    assert (started.state, started.attempts, started.result["created"]) == ("done", 2, 10)
    assert "The worker stopped during run 1 of this job" in started.note
    assert (
        DBTaskResult.objects.filter(status="FAILED", exception_class_path="recommendations.jobs.WorkerStopped").count()
        == 1
    )
    assert Source.objects.count() == 1 and Recommendation.objects.count() == 10


@JOBS_DB
def test_a_job_whose_worker_died_on_its_last_run_is_failed_with_the_reason_and_wrote_nothing(users, settings):
    client = admin_client(users["admin"], "en")
    job = job_of(upload(client, DOL_SEED, "dol.txt", METADATA))
    die_mid_job(job, runs=settings.JOBS_MAX_ATTEMPTS)

    page = job_page(client, job)  # the page itself finds it: never "running" for ever, worker or not

    job.refresh_from_db()
    assert job.state == "failed" and job.finished_at is not None
    assert "The worker stopped during run 2 of this job" in job.errors[""][0]
    assert "The worker stopped during run 2 of this job" in page.text and '<meta http-equiv="refresh"' not in page.text
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"
    run_jobs()
    assert ImportJob.objects.get(pk=job.pk).state == "failed" and Source.objects.count() == 0


@JOBS_DB
def test_a_running_job_with_a_live_heartbeat_is_left_alone(users):
    client = admin_client(users["admin"])
    job = job_of(upload(client, DOL_SEED, "dol.txt", METADATA))
    DBTaskResult.objects.get(id=job.task_id).claim("live-worker")
    ImportJob.objects.filter(pk=job.pk).update(state="running", attempts=1, heartbeat_at=timezone.now())

    run_jobs()

    job.refresh_from_db()
    assert (job.state, job.attempts, job.note) == ("running", 1, "")


# --- The real worker process, killed mid-import.


class Deployment:
    """A tracker installation of its own in a temporary folder (SQLite, media), as `make run` makes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database = folder / "tracker.sqlite3"

    def environment(self) -> dict[str, str]:
        environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        environment.update(
            DJANGO_SETTINGS_MODULE="tracker.settings.local",
            TRACKER_VAR_DIR=str(self.folder),
            SECRET_KEY="jobs-restart-test-key-not-a-secret-0123456789-abcdefghij",
            JOBS_HEARTBEAT_SECONDS="1",
            JOBS_STALE_SECONDS="4",
            LOG_LEVEL="WARNING",
        )
        return environment

    def run(self, *arguments: str) -> str:
        result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, *arguments], cwd=ROOT, env=self.environment(), capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, f"{arguments} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def worker(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "manage.py", "run_worker", "-v0"], cwd=ROOT, env=self.environment())

    def job(self, job_id: int) -> dict:
        with sqlite3.connect(self.database, timeout=30) as connection:
            connection.row_factory = sqlite3.Row
            row = connection.execute("SELECT * FROM recommendations_importjob WHERE id = ?", (job_id,)).fetchone()
            return dict(row)

    def count(self, table: str) -> int:
        with sqlite3.connect(self.database, timeout=30) as connection:
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - our table names

    def wait(self, job_id: int, states: set[str], seconds: float = 240) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if job["state"] in states:
                return job
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} still {self.job(job_id)['state']} after {seconds:g} s")


@pytest.mark.slow
def test_the_real_worker_killed_mid_import_and_started_again_ends_with_the_import_written_once(tmp_path):
    deployment = Deployment(tmp_path)
    deployment.run("manage.py", "migrate", "--no-input", "-v0")
    worker = deployment.worker()
    try:
        preview_id = int(deployment.run("-m", "tests.jobs_scenario", "upload", "40"))
        previewed = deployment.wait(preview_id, {"done", "failed"})
        assert previewed["state"] == "done", previewed["errors"]
        # A new worker, which has not kept the pages it read for the preview: the import reads them again.
        worker.terminate()
        worker.wait(60)
        worker = deployment.worker()
        import_id = int(deployment.run("-m", "tests.jobs_scenario", "confirm", str(preview_id)))
        assert deployment.wait(import_id, {"running", "done", "failed"})["state"] == "running"
        time.sleep(1)  # into reading the 40 pages
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
        # The dead worker's job is "running", and nothing of it is written.
        assert deployment.job(import_id)["state"] == "running"
        assert deployment.count("recommendations_recommendation") == 0

        worker = deployment.worker()
        finished = deployment.wait(import_id, {"done", "failed"})
    finally:
        worker.kill()
        worker.wait(30)

    assert finished["state"] == "done", finished["errors"]
    # Said in the admin's language (the default, Azerbaijani): "the worker stopped during run № 1".
    assert finished["attempts"] == 2 and "İşçi proses bu işin icrası zamanı dayandı (icra № 1;" in finished["note"]
    assert deployment.count("recommendations_source") == 1
    assert deployment.count("recommendations_recommendation") == 3  # the chapter's items, once
