"""Helpers for the research tests: run the real task worker in-process, once through the queue."""

from __future__ import annotations

import signal

from click.testing import CliRunner


def run_worker() -> None:
    """`tipnet worker --batch`: the real DatabaseBackend worker runs every queued task, then exits.

    django-tasks-db's worker installs SIGINT/SIGTERM handlers; they are put back afterwards so
    pytest keeps its own.
    """
    from tipnet.cli import main

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        result = CliRunner().invoke(main, ["worker", "--batch"], catch_exceptions=False)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert result.exit_code == 0, result.output
