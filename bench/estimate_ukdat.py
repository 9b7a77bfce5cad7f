"""Wall time of the whole ``tipnet estimate UKdat.csv --nboot 1000`` command, as a process.

Target (issue 6): at most 10 s on this machine (2 cores); SparseMSE 2.0.2 takes 532 s for the
same bootstrap (../shared/data/README.md). Each run starts a fresh interpreter through the
installed ``tipnet`` script, so imports and start-up are included. CPU time of the child
process is reported too: on a shared machine it shows what the command costs without the wait. Reports every run, the median,
and the BCa interval of the last run next to SparseMSE's.

Run: ``uv run python bench/estimate_ukdat.py [--runs 5] [--data ../shared/data/mse/UKdat.csv]``

The peer in the same run: with ``--peer-sparsemse SOURCE`` the benchmark also times SparseMSE's
``estimatepopulation(table, nboot, iseed = 1234)`` once in R on the same table, where SOURCE is
SparseMSE's ``R/routines.R`` (from the CRAN tarball) or ``installed`` for ``library(SparseMSE)``.
R and lpSolve come from Debian (``apt-get install r-base-core r-cran-lpsolve``); SparseMSE itself is
not shipped with tipnet.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (ROOT / ".." / "shared" / "data" / "mse" / "UKdat.csv").resolve()
# SparseMSE 2.0.2 estimatepopulation(UKdat, nboot = 1000), ../shared/data/README.md
REFERENCE = {"estimate": 11417.99, "bca_low": 9266.96, "bca_high": 14306.76, "seconds": 532}


R_DRIVER = """
args <- commandArgs(TRUE)
if (args[1] == "installed") library(SparseMSE) else source(args[1])
z <- as.matrix(read.csv(args[2]))
t0 <- proc.time()
r <- estimatepopulation(z, nboot = as.integer(args[3]), iseed = 1234)
t1 <- proc.time() - t0
cat(sprintf("%.3f %.3f %.2f %.2f %.2f\\n", t1[["elapsed"]], t1[["user.self"]] + t1[["sys.self"]],
            r$popest, r$BCaquantiles[["0.025"]], r$BCaquantiles[["0.975"]]))
"""


def run_peer(source: str, data: Path, nboot: int) -> dict[str, float]:
    """Time SparseMSE in R on the same table (one run: it takes minutes)."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        raise SystemExit("--peer-sparsemse needs Rscript (Debian: r-base-core r-cran-lpsolve)")
    proc = subprocess.run(
        [rscript, "-e", R_DRIVER, source, str(data), str(nboot)],
        capture_output=True, text=True, check=True,
    )
    wall, cpu, est, low, high = (float(v) for v in proc.stdout.split()[-5:])
    return {"seconds": wall, "cpu": cpu, "estimate": est, "bca_low": low, "bca_high": high}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--nboot", type=int, default=1000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--peer-sparsemse", metavar="SOURCE",
                        help="SparseMSE's R/routines.R, or 'installed', to time it in this run")
    args = parser.parse_args()
    tipnet = Path(sys.executable).parent / "tipnet"
    cmd = [str(tipnet), "estimate", str(args.data), "--nboot", str(args.nboot), "--json"]
    times: list[float] = []
    cpu: list[float] = []
    out: dict = {}
    for run in range(1, args.runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        times.append(elapsed)
        cpu.append(used)
        out = json.loads(proc.stdout)
        print(f"run {run}: {elapsed:.2f} s wall, {used:.2f} s CPU")
    median = statistics.median(times)
    load = os.getloadavg()[0]
    print(f"command: tipnet estimate {args.data.name} --nboot {args.nboot} --json")
    print(f"median {median:.2f} s wall over {args.runs} runs (min {min(times):.2f}, max "
          f"{max(times):.2f}); median CPU {statistics.median(cpu):.2f} s; load average at the end "
          f"{load:.1f}")
    print(f"estimate {out['estimate']:.2f} (SparseMSE {REFERENCE['estimate']}); "
          f"BCa {out.get('bca_low', float('nan')):.0f}-{out.get('bca_high', float('nan')):.0f} "
          f"(SparseMSE {REFERENCE['bca_low']:.0f}-{REFERENCE['bca_high']:.0f}, "
          f"{REFERENCE['seconds']} s)")
    reference = dict(REFERENCE)
    if args.peer_sparsemse:
        peer = run_peer(args.peer_sparsemse, args.data, args.nboot)
        reference.update(peer)
        print(f"SparseMSE in this run: {peer['seconds']:.1f} s wall, {peer['cpu']:.1f} s CPU; "
              f"estimate {peer['estimate']:.2f}; BCa {peer['bca_low']:.0f}-{peer['bca_high']:.0f}")
    print(f"speed-up over SparseMSE: {reference['seconds'] / median:.0f}x")


if __name__ == "__main__":
    main()
