"""Helpers for the research tests: run the real task worker in-process, once through the queue."""

from __future__ import annotations

import signal

from click.testing import CliRunner


def run_worker() -> None:
    """`tipnet worker --batch`: the real DatabaseBackend worker runs every queued task, then exits.

    django-tasks-db's worker installs SIGINT/SIGTERM handlers; they are put back afterwards so
    pytest keeps its own. Its loop also recycles database connections between tasks, which on
    PostgreSQL would close the connection holding the test's own transaction (Django closes a
    connection whose autocommit is off): that one call is skipped here. The worker as a process,
    connection recycling included, runs in test_research_tasks.py and tests/cli/test_web_cli.py.
    """
    from unittest import mock

    from tipnet.cli import main

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None):
            result = CliRunner().invoke(main, ["worker", "--batch"], catch_exceptions=False)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert result.exit_code == 0, result.output
