"""Background jobs, measured: how soon the worker starts a queued job, what a job costs beyond
its own work, and the admin's upload of a 300-page two-column TIP report (the request, then
the worker's preview and import jobs). Prints numbers.

    python bench/jobs_admin_import.py [PAGES]

A throwaway SQLite database in a temporary folder unless DATABASE_URL is set (then that
database: give it an empty one of your own). Starts `manage.py run_worker` as `make run` does
and stops it by its pid.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings.local")
os.environ.setdefault("TRACKER_VAR_DIR", tempfile.mkdtemp(prefix="tracker-jobs-benchmark-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from recommendations.jobs.models import ImportJob  # noqa: E402
from recommendations.notifications.tasks import status_change_mail  # noqa: E402
from recommendations.progress.services import progress_record  # noqa: E402
from tests.factories import RecommendationFactory, UserFactory  # noqa: E402
from tests.pdf_documents import tip_volume  # noqa: E402

URL = "/admin/recommendations/source/import/"


def wait_for(job: ImportJob, limit: float = 900) -> ImportJob:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.2)
    raise SystemExit(f"job {job.pk} not finished after {limit:g} s")


def latency(worker_ready: float) -> None:
    staff = UserFactory(role="ngo_staff")
    recommendation = RecommendationFactory()
    update = progress_record(recommendation_id=recommendation.pk, status="in_progress", user=staff)
    DBTaskResult.objects.all().delete()
    # One at a time, the worker idle in between: enqueue → start.
    waits, runs, enqueue_ms = [], [], []
    for _ in range(20):
        started = time.perf_counter()
        result = status_change_mail.enqueue(update.pk)
        enqueue_ms.append((time.perf_counter() - started) * 1000)
        while (row := DBTaskResult.objects.get(pk=result.id)).finished_at is None:
            time.sleep(0.02)
        waits.append((row.started_at - row.enqueued_at).total_seconds())
        runs.append((row.finished_at - row.started_at).total_seconds())
        time.sleep(0.37)  # land at another point of the worker's polling interval
    print(
        f"enqueue (one INSERT, in the request): median {statistics.median(enqueue_ms):.1f} ms, max {max(enqueue_ms):.1f} ms"
    )
    print(
        f"enqueue → start, idle worker (polls every 1 s): median {statistics.median(waits) * 1000:.0f} ms, "
        f"max {max(waits) * 1000:.0f} ms"
    )
    print(f"a mail job with no follower to mail (claim, run, record): median {statistics.median(runs) * 1000:.1f} ms")
    # A burst of 200: the worker's throughput, i.e. each job's overhead when it never waits.
    DBTaskResult.objects.all().delete()
    for _ in range(200):
        status_change_mail.enqueue(update.pk)
    while DBTaskResult.objects.filter(finished_at__isnull=True).exists():
        time.sleep(0.1)
    rows = list(DBTaskResult.objects.values_list("started_at", "finished_at"))
    span = (max(f for _, f in rows) - min(s for s, _ in rows)).total_seconds()
    print(f"200 queued at once: {span:.2f} s, {span / 200 * 1000:.1f} ms a job ({200 / span:.0f} jobs/s, one worker)")


def admin_upload(pages: int) -> None:
    settings.ALLOWED_HOSTS.append("testserver")
    admin = UserFactory(role="admin")
    client = Client()
    client.force_login(admin)
    pdf = tip_volume(pages)
    fields = {"kind": "tip", "country": "AZ", "report_year": "2023", "language": "en", "title": "", "slug": ""}
    assert client.get(URL).status_code == 200  # the page the admin has open
    # Five uploads, timed; the worker reads the first, the others' jobs are withdrawn at once
    # (it is busy with the first for minutes).
    timings = []
    for attempt in range(5):
        started = time.perf_counter()
        document = SimpleUploadedFile("tip-2023.pdf", pdf)
        response = client.post(URL, {**fields, "preview": "1", "document": document})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, response.status_code
        if attempt:
            withdrawn = ImportJob.objects.latest("pk")
            DBTaskResult.objects.filter(id=withdrawn.task_id).delete()
            withdrawn.delete()
    upload_ms = statistics.median(timings)
    job = wait_for(ImportJob.objects.latest("pk"))
    print(
        f"admin upload of a {pages}-page two-column PDF ({len(pdf) / 1e6:.1f} MB): the request returned in "
        f"{upload_ms:.0f} ms (median of 5: {', '.join(f'{t:.0f}' for t in timings)} ms)"
    )
    print(
        f"  preview job: {job.state}, queued {(job.started_at - job.created_at).total_seconds():.1f} s, "
        f"ran {(job.finished_at - job.started_at).total_seconds():.1f} s, {job.read_done}/{job.read_total} {job.read_unit} "
        f"read; {job.result or job.errors}"
    )
    if job.state != "done":
        return
    started = time.perf_counter()
    response = client.post(f"{URL}jobs/{job.pk}/", {"confirm": "1"})
    confirm_ms = (time.perf_counter() - started) * 1000
    imported = wait_for(ImportJob.objects.latest("pk"))
    print(
        f"  confirm returned in {confirm_ms:.0f} ms; import job: {imported.state}, "
        f"ran {(imported.finished_at - imported.started_at).total_seconds():.1f} s; "
        f"created {imported.result.get('created')}"
    )


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    call_command("migrate", verbosity=0)
    worker = subprocess.Popen([sys.executable, "manage.py", "run_worker", "-v0"], cwd=ROOT)
    try:
        time.sleep(3)
        latency(time.monotonic())
        admin_upload(pages)
    finally:
        worker.terminate()
        worker.wait(30)


if __name__ == "__main__":
    main()
