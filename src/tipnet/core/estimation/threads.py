"""One BLAS thread for the estimation: its matrices are small, and threads only make it slower.

numpy's OpenBLAS starts one thread per core for any product above a size threshold. The design
matrices of nine or more lists (511 to 4,095 cells) cross it, and on a machine whose cores are
busy with other work the threads wait for each other: a 4,095 x 70 singular value decomposition
took 1.0 s with threads and 0.019 s without, a Gram matrix 0.33 s and 0.004 s (bench/RESULTS.md,
"Estimation speed"). That, not the arithmetic, was the ninefold jump of the stepwise bootstrap
at nine lists (issue 15). The bootstrap is a long sequence of small independent fits, so one
thread per process is also the right shape for it on an idle machine.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from threadpoolctl import threadpool_limits

__all__ = ["single_blas_thread"]

P = ParamSpec("P")
R = TypeVar("R")


def single_blas_thread(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` with BLAS limited to one thread (restored afterwards; threadpoolctl)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with threadpool_limits(limits=1, user_api="blas"):
            return func(*args, **kwargs)

    return wrapper
