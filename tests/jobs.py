"""Running the background jobs in tests with the real worker, for one pass over the jobs queued
now: the worker command (`manage.py run_worker --batch`: django-tasks' db_worker and our watch)
where the test commits as production does, else the library's own Worker, task by task."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

# A test that runs the worker command: real commits, as the worker makes them (and closes its
# connection); the data migrations made (the indicator vocabulary) restored after it.
JOBS_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_jobs() -> None:
    if not connection.in_atomic_block:
        call_command("run_worker", "--batch", "--interval", "0", verbosity=0, stdout=StringIO())
        return
    # Inside a test's rolled-back transaction the command's loop would close the connection
    # between tasks; the library's Worker runs each task as that loop does, without it.
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    while (task_result := DBTaskResult.objects.ready().first()) is not None:
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)


def queued_tasks(path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.ready().filter(task_path=path))
