"""Background task of the imports (run by `tipnet worker`): the task only names the job."""

from __future__ import annotations

from django_tasks import task


@task()
def import_job_task(job_id: int) -> None:
    from tipnet.web.interchange.services import import_job_run

    import_job_run(job_id=job_id)
