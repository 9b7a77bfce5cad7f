"""Do R's and numpy's bootstrap samples lead to the same estimates? (issue 6's BCa comparison)

SparseMSE resamples with R's ``rmultinom``, tipnet with numpy's multinomial; the estimator is the
same (``tests/core/estimation/test_sparsemse_replicates.py`` checks it on SparseMSE's own samples).
This draws N samples of a table with each generator (R through ``Rscript``), runs tipnet's
stepwise estimator on every one, and compares the share of estimates below the point estimate
(what sets the BCa bias correction) and a few quantiles. Equal distributions mean an interval
difference is Monte-Carlo error only.

Run: ``uv run python bench/sparsemse_sampling.py [--table UKdat_5] [--samples 20000]``.
Needs ``Rscript`` (Debian: r-base-core); SparseMSE itself is not needed.
"""

from __future__ import annotations

import argparse
import csv
import math
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from tipnet.core.estimation.fit import fit_model
from tipnet.core.estimation.selection import stepwise

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data" / "mse").resolve()
R_DRAW = """
args <- commandArgs(TRUE)
z <- as.matrix(read.csv(args[1]))
set.seed(as.integer(args[3]))
m <- rmultinom(as.integer(args[2]), sum(z[, ncol(z)]), z[, ncol(z)])
write.table(t(m), args[4], sep = ",", row.names = FALSE, col.names = FALSE)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", default="UKdat_5")
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=99)
    args = parser.parse_args()
    rscript = shutil.which("Rscript")
    if rscript is None:
        raise SystemExit("needs Rscript (Debian: apt-get install r-base-core)")
    path = DATA / f"{args.table}.csv"
    with path.open() as handle:
        rows = list(csv.reader(handle))
    k = len(rows[0]) - 1
    masks = [sum(int(b) << i for i, b in enumerate(row[:k])) for row in rows[1:]]
    counts = np.array([float(row[k]) for row in rows[1:]])

    def cells(sample: np.ndarray) -> np.ndarray:
        y = np.zeros(2**k - 1)
        np.add.at(y, np.array(masks) - 1, sample)
        return y

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "draws.csv"
        subprocess.run([rscript, "-e", R_DRAW, str(path), str(args.samples), str(args.seed), str(out)],
                       check=True, capture_output=True)
        r_draws = np.loadtxt(out, delimiter=",", ndmin=2)
    rng = np.random.default_rng(args.seed)
    np_draws = rng.multinomial(int(counts.sum()), counts / counts.sum(), size=args.samples).astype(float)

    y0 = cells(counts)
    start = fit_model(k, (), y0).coef_dict()
    estimate = stepwise(k, y0, 0.02).estimate
    results = {}
    for name, draws in (("R rmultinom", r_draws), ("numpy multinomial", np_draws)):
        results[name] = np.array([stepwise(k, cells(d), 0.02, start=start).estimate for d in draws])
    (r_name, r_est), (n_name, n_est) = results.items()
    below_r, below_n = float(np.mean(r_est < estimate)), float(np.mean(n_est < estimate))
    se = math.sqrt(below_r * (1 - below_r) / r_est.size + below_n * (1 - below_n) / n_est.size)
    print(f"table {args.table}: {args.samples:,} samples from each generator; point estimate {estimate:.2f}")
    print(f"share below the estimate: {r_name} {below_r:.2%}, {n_name} {below_n:.2%}, "
          f"difference {below_r - below_n:+.2%} (standard error {se:.2%})")
    for q in (0.001, 0.005, 0.025, 0.5, 0.975):
        print(f"quantile {q:>6}: {r_name} {np.quantile(r_est, q):,.0f}, {n_name} {np.quantile(n_est, q):,.0f}")


if __name__ == "__main__":
    main()
