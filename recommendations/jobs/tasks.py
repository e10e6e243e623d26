"""The import job as a task of Django's tasks framework (django-tasks, its database backend)."""

from django_tasks import TaskContext, task

from .runner import import_job_run


@task(takes_context=True)
def import_job(context: TaskContext, job_id: int) -> str:
    return import_job_run(job_id=job_id, task_id=str(context.task_result.id))
