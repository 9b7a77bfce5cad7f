"""`tipnet worker`: the task worker that runs long work (research estimates) off the request path.

It wraps django-tasks-db's ``db_worker`` (Django's Tasks API with the ORM backend): tasks wait
in the database itself, so there is no broker to run, on SQLite as on PostgreSQL. `tipnet serve`
and `tipnet demo` start one as a child process and stop it when they stop; under systemd run it
as its own unit (docs/operations.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import click

from tipnet.cli._django import setup_django


def _exit_with_parent() -> None:
    """Stop when the process that started us is gone (even after SIGKILL, which runs no cleanup)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


@click.command()
@click.option("--batch", is_flag=True, help="Run every queued task, then exit (for cron or tests).")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(0.05, 60.0),
              help="Seconds between looks at the queue when it is empty.")
@click.option("--exit-with-parent", is_flag=True, hidden=True)
def worker(batch: bool, interval: float, exit_with_parent: bool) -> None:
    """Run queued background tasks (research estimates) until stopped (Ctrl+C or SIGTERM)."""
    setup_django()
    from django.core.management import call_command

    from tipnet.web.interchange.services import interchange_sweep
    from tipnet.web.research.services import estimate_runs_fail_stale

    if exit_with_parent:
        _exit_with_parent()
    failed = estimate_runs_fail_stale()
    if failed:
        click.echo(f"marked {failed} estimate(s) failed: their worker had stopped", err=True)
    interchange_sweep()  # imports and exports whose time ran out while no worker ran
    call_command(
        "db_worker", batch=batch, interval=interval, reload=False, startup_delay=False,
        queue_name="default", verbosity=1 if not batch else 0,
    )


def start_worker_process() -> subprocess.Popen[bytes]:
    """A `tipnet worker` child for `tipnet serve` and `tipnet demo` (same environment, so the same
    database); it exits by itself if its parent dies."""
    return subprocess.Popen([sys.executable, "-m", "tipnet.cli", "worker", "--exit-with-parent"])


def stop_worker_process(process: subprocess.Popen[bytes], *, grace: float = 5.0) -> None:
    """SIGTERM lets the worker finish its task; a running estimate longer than ``grace`` is
    interrupted (a second SIGTERM) and marked failed."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


COMMANDS = [worker]
