"""Simulated capture tables from a population of known size, to test estimators against the truth.

Two mechanisms, which can be combined:

* **List dependence** through a log-linear model: a person's capture pattern ``w`` has
  probability proportional to ``exp(sum_i beta_i w_i + sum_{i<j} gamma_ij w_i w_j)`` with
  ``beta_i = logit(p_i)``. Without interactions captures are independent and ``p_i`` is the
  probability of being on list ``i``; ``gamma_ij`` is the log odds ratio between lists ``i`` and
  ``j`` (positive: being on one makes the other more likely, e.g. one agency referring to
  another). With heterogeneity 0 the pairwise log-linear model that MSE fits holds exactly, which
  is the setting of the simulation studies in Chan, Silverman & Vincent (2021, Sec. 3.4 and 4.3).
* **Heterogeneity**: each person has a catchability ``u ~ Normal(0, sd^2)`` added to every
  ``beta_i`` (the classic M_h violation, Otis et al. 1978): people who are easy to find are easy
  for every list, so pairwise models underestimate. The normal is represented by 32 strata of
  equal probability (at their median quantiles), which keeps the simulation exact per stratum and
  fast for any population size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import logit, ndtri

from .table import CaptureTable, TableError, _check_names

__all__ = ["Simulation", "pattern_probabilities", "simulate_table"]

N_STRATA = 32


@dataclass(frozen=True)
class Simulation:
    """A simulated capture table and the true population size behind it."""

    table: CaptureTable
    true_size: int
    unobserved: int

    def to_dict(self) -> dict[str, object]:
        return {
            "true_size": self.true_size,
            "unobserved": self.unobserved,
            "observed": self.table.n_observed,
            "lists": list(self.table.lists),
            "rows": [
                {"pattern": list(pattern), "count": count} for pattern, count in self.table.rows()
            ],
        }


def pattern_probabilities(
    probabilities: Sequence[float],
    interactions: Mapping[tuple[int, int], float] | None = None,
    shift: float = 0.0,
) -> np.ndarray:
    """Probabilities of all ``2**k`` capture patterns (index = bitmask; index 0 = on no list)."""
    p = np.asarray(probabilities, dtype=np.float64)
    k = p.size
    w = np.arange(2**k)
    bits = ((w[:, None] >> np.arange(k)[None, :]) & 1).astype(np.float64)
    eta = bits @ (logit(p) + shift)
    for (i, j), gamma in (interactions or {}).items():
        eta = eta + gamma * bits[:, i] * bits[:, j]
    eta -= eta.max()
    prob = np.exp(eta)
    return prob / prob.sum()


def simulate_table(
    size: int,
    probabilities: Sequence[float],
    *,
    lists: Sequence[str] | None = None,
    interactions: Mapping[tuple[int, int], float] | None = None,
    heterogeneity: float = 0.0,
    seed: int | np.random.Generator | None = None,
) -> Simulation:
    """Draw the capture table of a population of ``size`` people.

    Parameters
    ----------
    size
        True population size (fixed, so estimators are checked against a known number).
    probabilities
        Per-list capture probabilities ``p_i`` (between 0 and 1, exclusive), one per list.
    lists
        List names (default A, B, C, ...).
    interactions
        Log odds ratios by pair of list indices (0-based), e.g. ``{(0, 1): 0.7}``.
    heterogeneity
        Standard deviation of the person-level catchability on the logit scale (0: none).
    seed
        Seed or ``numpy.random.Generator``.
    """
    p = [float(x) for x in probabilities]
    k = len(p)
    names = tuple(lists) if lists is not None else tuple(_default_names(k))
    _check_names(names)
    if len(names) != k:
        raise TableError(f"{len(names)} list names for {k} probabilities")
    if any(not 0.0 < x < 1.0 for x in p):
        raise TableError("capture probabilities must be strictly between 0 and 1")
    if size < 1 or int(size) != size:
        raise TableError("the population size must be a positive whole number")
    if heterogeneity < 0:
        raise TableError("heterogeneity (a standard deviation) must not be negative")
    for i, j in (interactions or {}):
        if not (0 <= i < k and 0 <= j < k and i != j):
            raise TableError(f"interaction ({i}, {j}) does not name two different lists")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if heterogeneity == 0:
        counts = rng.multinomial(int(size), pattern_probabilities(p, interactions))
    else:
        shifts = heterogeneity * ndtri((np.arange(N_STRATA) + 0.5) / N_STRATA)
        sizes = rng.multinomial(int(size), np.full(N_STRATA, 1.0 / N_STRATA))
        counts = np.zeros(2**k, dtype=np.int64)
        for shift, n in zip(shifts, sizes, strict=True):
            counts += rng.multinomial(int(n), pattern_probabilities(p, interactions, shift))
    unobserved = int(counts[0])
    counts[0] = 0
    if counts.sum() == 0:
        raise TableError("no one was captured; raise the capture probabilities or the size")
    return Simulation(CaptureTable(names, counts), int(size), unobserved)


def _default_names(k: int) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [letters[i] if i < 26 else f"L{i + 1}" for i in range(k)]
