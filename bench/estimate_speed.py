"""Whole-command timings of ``tipnet estimate`` for issue 15's speed targets.

    uv run python bench/estimate_speed.py [--quick]

1. UKdat (6 lists, 2,744 people), 10,000 BCa replicates, stepwise (target <= 10 s).
2. Twelve lists of 10,000 people (simulated: three pairwise dependences, no heterogeneity),
   stepwise, 1,000 replicates (target <= 30 s). The jackknife adds one fit per non-empty cell
   (1,169 here), so this is ~2,170 stepwise searches.
3. The same twelve lists with heterogeneous catchability (SD 0.8): stepwise then keeps ~60 of the
   66 pairs, each replicate ~60 steps: the hard case, reported without a target.

Each run is a real process (``tipnet estimate --json --quiet``), timed on the wall clock and in
CPU seconds (the machine is shared: wall time depends on the load, printed with ``uptime``).
Runs 1 and 2 are timed twice: with ``--no-compare`` (the stepwise estimate and its bootstrap, what
the targets were set for) and as the command runs by default, with the latent-class model and
Chao's bound beside it (the comparison added later in issue 15; its sampler costs ~10-30 s of its
own). ``--only 2`` runs one of them.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tipnet.core.estimation.simulate import simulate_table

ROOT = Path(__file__).resolve().parents[1]
UKDAT = (ROOT / ".." / "shared" / "data" / "mse" / "UKdat.csv").resolve()
TIPNET = Path(sys.executable).parent / "tipnet"


def twelve_lists(heterogeneity: float, folder: Path) -> Path:
    k = 12
    probabilities = [0.12 + 0.04 * (i % 5) for i in range(k)]
    interactions = {(0, 1): 0.8, (1, 2): -0.5, (k - 2, k - 1): 0.6}
    sim = simulate_table(10_000, probabilities, interactions=interactions, heterogeneity=heterogeneity, seed=0)
    path = folder / f"twelve_h{heterogeneity:g}.csv"
    path.write_text(sim.table.to_csv(), encoding="utf-8")
    return path


def timed(*args: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([str(TIPNET), "estimate", *args, "--json", "--quiet"], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a tenth of the replicates")
    parser.add_argument("--only", type=int, choices=(1, 2, 3), help="run only this one (1-3)")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    print("load:", os.getloadavg())
    with tempfile.TemporaryDirectory() as folder:
        ukdat = [str(UKDAT), "--nboot", str(10_000 // scale)]
        twelve = [str(twelve_lists(0.0, Path(folder))), "--nboot", str(1000 // scale)]
        runs = [
            (1, f"UKdat, {10_000 // scale:,} BCa replicates, --no-compare", [*ukdat, "--no-compare"]),
            (1, f"UKdat, {10_000 // scale:,} BCa replicates, default", ukdat),
            (2, f"12 lists x 10,000, {1000 // scale:,} replicates, --no-compare", [*twelve, "--no-compare"]),
            (2, f"12 lists x 10,000, {1000 // scale:,} replicates, default", twelve),
            (3, f"12 lists, heterogeneity 0.8, {100 // scale} replicates, --no-compare",
             [str(twelve_lists(0.8, Path(folder))), "--nboot", str(100 // scale), "--no-compare"]),
        ]
        for number, label, command in runs:
            if args.only is not None and number != args.only:
                continue
            wall, cpu = timed(*command)
            print(f"{label:<58} wall {wall:7.1f} s   cpu {cpu:7.1f} s   load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
