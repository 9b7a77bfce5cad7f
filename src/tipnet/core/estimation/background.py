"""The comparison's latent-class fit in a second process, while the log-linear bootstrap runs.

``tipnet estimate`` by default fits the latent-class model beside the log-linear method
(``diagnostics.compare_methods``). The two fits are independent given the table and the seed, and
each is a single-threaded loop (``threads.single_blas_thread``; the latent sampler is numpy calls
on small arrays), so on a machine with two cores running them side by side costs the wall time of
the longer one instead of the sum: on 12 lists of 10,000 people, 9 s of stepwise bootstrap and
25 s of latent sampler (bench/RESULTS.md). The answer is the same draw for draw: the latent fit
gets the same table, options and seed as in one process.

A *spawned* process (not forked): the parent may hold BLAS or other threads, which a fork would
copy in an undefined state.
"""

from __future__ import annotations

import multiprocessing
import os
from types import TracebackType
from typing import Any

from .table import CaptureTable

__all__ = ["LatentInBackground", "cores_available"]


def cores_available() -> int:
    """Cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _fit_latent(table: CaptureTable, seed: int | None, options: dict[str, Any]) -> Any:
    from .latent import LatentClassModel

    return LatentClassModel(table, **options).fit(seed=seed)


class LatentInBackground:
    """Start the latent-class fit of ``table`` in another process; ``result()`` waits for it.

    Used as a context manager: leaving the block by an exception (the log-linear fit refused the
    table, the user pressed Ctrl-C) ends the other process at once rather than waiting for a fit
    nobody will read. An error inside the latent fit is raised again by ``result()``.
    """

    def __init__(self, table: CaptureTable, *, seed: int | None, latent_options: dict[str, Any] | None = None) -> None:
        self._pool = multiprocessing.get_context("spawn").Pool(processes=1)
        self._pending = self._pool.apply_async(_fit_latent, (table, seed, dict(latent_options or {})))

    def result(self) -> Any:
        """The ``LatentResult``, as ``LatentClassModel(table, **options).fit(seed=seed)`` gives it."""
        try:
            return self._pending.get()
        finally:
            self._pool.close()
            self._pool.join()

    def abandon(self) -> None:
        """End the other process now, its fit unread."""
        self._pool.terminate()
        self._pool.join()

    def __enter__(self) -> LatentInBackground:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if kind is not None:
            self.abandon()
