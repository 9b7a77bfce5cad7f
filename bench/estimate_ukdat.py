"""Wall time of the whole ``tipnet estimate UKdat.csv --nboot 1000`` command, as a process.

Target (issue 6): at most 10 s on this machine (2 cores); SparseMSE 2.0.2 takes 532 s for the
same bootstrap (../shared/data/README.md). Each run starts a fresh interpreter through the
installed ``tipnet`` script, so imports and start-up are included. CPU time of the child
process is reported too: on a shared machine it shows what the command costs without the wait. Reports every run, the median,
and the BCa interval of the last run next to SparseMSE's.

Run: ``uv run python bench/estimate_ukdat.py [--runs 5] [--data ../shared/data/mse/UKdat.csv]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (ROOT / ".." / "shared" / "data" / "mse" / "UKdat.csv").resolve()
# SparseMSE 2.0.2 estimatepopulation(UKdat, nboot = 1000), ../shared/data/README.md
REFERENCE = {"estimate": 11417.99, "bca_low": 9266.96, "bca_high": 14306.76, "seconds": 532}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--nboot", type=int, default=1000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
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
    print(f"speed-up over SparseMSE: {REFERENCE['seconds'] / median:.0f}x")


if __name__ == "__main__":
    main()
