"""What an estimate costs the worker, and the most a request on the research page may ask for.

An estimate costs about ``base + (replicates + jackknife fits) x seconds per fit``: ``base`` is
the fit without a bootstrap (for BIC, ranking every hierarchical model), and the jackknife fits
once per non-empty cell of the table (up to 4,095 with 12 lists, more than the replicates). The
figures below are the slowest seen by ``bench/estimate_cost.py`` on the project's 2-core test
machine (shared with other jobs while measured, so on the slow side), rounded up; the section "Research estimates in the task
worker" of bench/RESULTS.md has the full output.

The limit keeps one request from taking the worker for longer than a researcher would wait
with the page open; bigger jobs run with `tipnet estimate` on the command line, which has no
limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Most worker seconds a request from the page may ask for (on the reference machine).
MAX_SECONDS = 300.0

#: (seconds without a bootstrap, seconds per bootstrap or jackknife fit) by method and lists.
SECONDS: dict[str, dict[int, tuple[float, float]]] = {
    # Measured (bench/estimate_cost.py, 2026-12-06, after the batched stepwise bootstrap and the
    # transforms from 8 lists), rounded up; up to 7 lists the larger of 10 and 1,000 replicates.
    "stepwise": {
        2: (0.01, 0.001), 3: (0.01, 0.001), 4: (0.01, 0.001), 5: (0.01, 0.001), 6: (0.01, 0.002),
        7: (0.02, 0.003), 8: (0.03, 0.012), 9: (0.04, 0.023), 10: (0.05, 0.025), 11: (0.06, 0.041),
        12: (0.1, 0.067),
    },
    # Measured to 8 lists; 9 to 12 extrapolated with the growth stepwise had before the transforms
    # (x7, x6, x8, x6 per list; not remeasured since, so on the safe side).
    "aic": {
        2: (0.03, 0.006), 3: (0.03, 0.006), 4: (0.04, 0.01), 5: (0.04, 0.03), 6: (0.1, 0.08),
        7: (0.24, 0.18), 8: (0.77, 0.92), 9: (5.0, 6.5), 10: (30.0, 40.0), 11: (240.0, 320.0), 12: (1500.0, 2000.0),
    },
    # Measured to 5 lists (the ranking of every model, 54 s with 5 lists, is the base; the per-fit
    # figure of 5 lists is the 4-list one scaled by the models refitted); 6 lists estimated from
    # 5 (far over the limit either way).
    "bic": {
        2: (0.09, 0.02), 3: (0.09, 0.02), 4: (0.82, 0.02), 5: (54.0, 0.5), 6: (3000.0, 5.0),
    },
}


#: The latent-class sampler (``core.estimation.latent``) costs per sweep, for its 4 chains at
#: once, about a fixed overhead plus a multinomial draw per non-empty cell; it runs 20,500 sweeps
#: (500 warm-up, 10,000 burn-in, 1,000 samples thinned by 10) whatever the replicates.
#: Measured 2026-12-06 (CPU time of 1,500 sweeps on simulated 4-, 10- and 12-list tables of 4,000
#: people: 0.60 ms a sweep with 15 cells, 1.70 ms with 618, 2.30 ms with 1,093), doubled for a
#: busy machine: about 26 s for a table of 4 or 5 lists, 115 s for 1,100 cells, over the limit
#: from about 3,400 cells.
LATENT_SWEEPS = 20_500
LATENT_SECONDS_PER_SWEEP = 0.0012
LATENT_SECONDS_PER_CELL_SWEEP = 0.000004


def latent_seconds(cells: int) -> float:
    """Expected worker seconds of the latent-class sampler on a table with ``cells`` non-empty cells."""
    return LATENT_SWEEPS * (LATENT_SECONDS_PER_SWEEP + cells * LATENT_SECONDS_PER_CELL_SWEEP)


@dataclass(frozen=True)
class Cost:
    """The expected worker time of one estimate and, if it is too much, what would fit."""

    seconds: float
    #: Most replicates that keep this table and method within the limit (-1: not even 0 does).
    max_nboot: int

    @property
    def allowed(self) -> bool:
        return self.seconds <= MAX_SECONDS


def estimate_cost(*, method: str, lists: int, cells: int, nboot: int, compare: bool = False) -> Cost:
    """Expected worker seconds for ``method`` on a table of ``lists`` lists with ``cells``
    non-empty cells and ``nboot`` replicates (0: no bootstrap, no jackknife); ``compare`` adds the
    other kind of model (the latent sampler, or a stepwise fit without bootstrap)."""
    if method == "latent":
        base = latent_seconds(cells) + (SECONDS["stepwise"][min(max(lists, 2), 12)][0] if compare else 0.0)
        return Cost(seconds=base, max_nboot=0 if base <= MAX_SECONDS else -1)
    by_lists = SECONDS[method]
    base, per_fit = by_lists[min(max(lists, min(by_lists)), max(by_lists))]
    if compare:
        base += latent_seconds(cells)
    seconds = base + (nboot + cells) * per_fit if nboot > 0 else base
    room = (MAX_SECONDS - base) / per_fit - cells
    return Cost(seconds=seconds, max_nboot=max(0, math.floor(room)) if base <= MAX_SECONDS else -1)
