"""Seconds per model fit by method and number of lists: the figures behind the research page's cost limit.

An estimate costs about ``base + (replicates + jackknife fits) x seconds per fit``: ``base`` is
the fit without a bootstrap (for BIC, ranking every hierarchical model), and the jackknife fits
once per non-empty cell. This script times the selection on simulated tables (pairwise
interactions, heterogeneous catchability, so stepwise selection takes several steps, as real tables do)
and prints the slowest seconds per fit seen for each method and number of lists.
``src/tipnet/web/research/cost.py`` keeps these figures (rounded up).

    uv run python bench/estimate_cost.py [--max-lists 12] [--replicates 10] [--methods stepwise,aic,bic]
"""

from __future__ import annotations

import argparse
import time
import warnings

from tipnet.core.estimation import EstimationCancelled, EstimationWarning, MSEModel
from tipnet.core.estimation.simulate import simulate_table


def timings(method: str, k: int, replicates: int, seed: int) -> tuple[float, float, int]:
    """Seconds of the fit without a bootstrap, seconds per bootstrap fit, and non-empty cells."""
    probabilities = [0.12 + 0.04 * (i % 5) for i in range(k)]
    interactions = {(0, 1): 0.8, (1, 2): -0.5, (k - 2, k - 1): 0.6}
    table = simulate_table(4000, probabilities, interactions=interactions, heterogeneity=0.8, seed=seed).table
    cells = int((table.cell_counts > 0).sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EstimationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        started = time.perf_counter()
        MSEModel(table, method=method).fit(nboot=0, seed=seed)
        base = time.perf_counter() - started
        done = 0

        def count(done_now: int, total: int) -> None:
            nonlocal done
            done = done_now

        def stop() -> bool:  # the jackknife is timed too, cut short like the replicates
            return done >= replicates + min(cells, replicates)

        started = time.perf_counter()
        try:
            MSEModel(table, method=method).fit(nboot=replicates, seed=seed, progress=count, cancelled=stop)
        except EstimationCancelled:
            pass
        per_fit = (time.perf_counter() - started - base) / max(1, done)
    return base, per_fit, cells


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-lists", type=int, default=12)
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--tables", type=int, default=2)
    parser.add_argument("--methods", default="stepwise,aic,bic")
    args = parser.parse_args()
    print(f"method    lists  cells  base s  s/fit   (slowest of {args.tables} tables)")
    for method in args.methods.split(","):
        top = min(args.max_lists, 6 if method == "bic" else args.max_lists)
        for k in range(3, top + 1):
            runs = [timings(method, k, args.replicates, seed) for seed in range(args.tables)]
            base = max(r[0] for r in runs)
            per_fit = max(r[1] for r in runs)
            cells = max(r[2] for r in runs)
            print(f"{method:<9} {k:>5}  {cells:>5}  {base:6.3f}  {per_fit:.4f}", flush=True)


if __name__ == "__main__":
    main()
