"""Chao's lower bound: the fewest unseen people consistent with the capture frequencies.

When people differ in how easy they are to find, the number nobody found cannot be pinned down
(Link 2003, Biometrics 59:1123-1130), but it can be bounded from below. Chao (1987, Biometrics
43:783-791) showed that, whatever the distribution of catchability, the expected number unseen
is at least about ``f1**2 / (2 f2)``, where ``f1`` and ``f2`` are the numbers of people seen on
exactly one and exactly two of the ``t`` lists; with the finite-``t`` factor ``(t - 1) / t`` this
is the "Mh Chao (LB)" estimate of Rcapture (Baillargeon & Rivest 2007, J. Stat. Softw. 19(5)).
When ``f2 = 0`` the bias-corrected form ``f1 (f1 - 1) / 2`` is used (Chao 2005, Encyclopedia of
Statistical Sciences, "Species estimation and applications").

A log-linear estimate below this bound, or barely above it, is a sign that it misses the
hardest-to-find people (see ``diagnostics.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .table import CaptureTable

__all__ = ["ChaoBound", "chao_from_cells", "chao_lower_bound"]


@dataclass(frozen=True)
class ChaoBound:
    """Chao's lower bound for the total population, with the frequencies it rests on."""

    estimate: float
    observed: int
    f1: int
    f2: int
    n_lists: int

    @property
    def dark_figure(self) -> float:
        return self.estimate - self.observed

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": self.estimate if math.isfinite(self.estimate) else None,
            "dark_figure": self.dark_figure if math.isfinite(self.dark_figure) else None,
            "f1": self.f1,
            "f2": self.f2,
            "lists": self.n_lists,
        }

    def summary_line(self) -> str:
        return (
            f"Chao's lower bound (Chao 1987): at least {self.estimate:,.0f} in total "
            f"(seen on one list {self.f1:,}, on two {self.f2:,})"
        )


def chao_lower_bound(table: CaptureTable) -> ChaoBound:
    """Chao's (1987) lower bound of the total population from the people seen once and twice."""
    k = table.k_lists
    masks = np.arange(2**k)
    on = np.array([int(m).bit_count() for m in masks])
    counts = np.asarray(table.counts)
    f1 = int(counts[on == 1].sum())
    f2 = int(counts[on == 2].sum())
    factor = (k - 1) / k
    unseen = factor * f1 * f1 / (2.0 * f2) if f2 > 0 else factor * f1 * (f1 - 1) / 2.0
    return ChaoBound(
        estimate=table.n_observed + unseen, observed=table.n_observed, f1=f1, f2=f2, n_lists=k
    )


def chao_from_cells(cells: np.ndarray) -> np.ndarray:
    """Chao's bound of the total for each row of ``cells``: counts over the observable cells
    ``1 .. 2**k - 1`` in bitmask order (the bootstrap's replicate tables), vectorised."""
    cells = np.atleast_2d(np.asarray(cells, dtype=np.float64))
    k = (cells.shape[1] + 1).bit_length() - 1
    on = np.array([int(m).bit_count() for m in range(1, 2**k)])
    n = cells.sum(axis=1)
    f1 = cells[:, on == 1].sum(axis=1)
    f2 = cells[:, on == 2].sum(axis=1)
    factor = (k - 1) / k
    with np.errstate(divide="ignore", invalid="ignore"):
        unseen = np.where(f2 > 0, factor * f1 * f1 / (2.0 * f2), factor * f1 * (f1 - 1) / 2.0)
    return n + unseen
