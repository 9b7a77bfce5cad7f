"""Background tasks of the research pages, run by `tipnet worker` (Django's Tasks API).

The task only names the run: everything it needs is in the row, so a queued task survives a
restart of the web server, and the work itself lives in services.py.
"""

from __future__ import annotations

from django_tasks import task


@task()
def estimate_run_task(run_id: int) -> None:
    """Fit a queued estimate (outside any transaction; see services.estimate_run_execute)."""
    from tipnet.web.research.services import estimate_run_execute

    estimate_run_execute(run_id=run_id)
