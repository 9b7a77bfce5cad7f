"""Background tasks of the imports and exports (run by `tipnet worker`): a task only names the job."""

from __future__ import annotations

from django_tasks import task


@task()
def import_job_task(job_id: int) -> None:
    from tipnet.web.interchange.services import import_job_run

    import_job_run(job_id=job_id)


@task()
def export_job_task(job_id: int) -> None:
    from tipnet.web.interchange.services import export_job_run

    export_job_run(job_id=job_id)


@task()
def interchange_sweep_task() -> None:
    """Queued with ``run_after`` at the moment a bound falls due (an export file's expiry, an
    unconfirmed import's), so the deletion does not wait for someone to open a page."""
    from tipnet.web.interchange.services import interchange_sweep

    interchange_sweep()
