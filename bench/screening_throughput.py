"""Screenings per second on one core (target: at least 10,000/s in ``tipnet.core.screening``).

The mix is realistic for a network's caseload: the worked cases from the test suite (TITP workers,
host-club debt, children in commercial sex, smuggling, labour violations...) plus seeded random
interviews with 5-25 answered "yes", a few "not sure", age unknown in 15% and form unknown in 20%
of them (which makes the engine evaluate two or four lists, R6/R7).

Three figures, each min / median over repeats, by CPU time of the benchmark thread (one core's
throughput, not inflated or deflated by other processes on a shared machine) and by wall clock:
- ``screen(dict)``: parse and validate the answers, evaluate, build the result (what the web layer calls);
- ``screen(Answers)``: evaluation only, input already validated;
- ``screen(dict).to_dict()``: plus the full JSON with explanation (what ``tipnet screen --json`` prints).

Run: ``uv run python bench/screening_throughput.py [--size 5000] [--repeats 7] [--cpu 0]``
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.core.screening.cases

from tests.core.screening.cases import CASES  # noqa: E402
from tipnet.core.screening import default_catalogue, parse_answers, screen  # noqa: E402


def realistic_mix(size: int, seed: int = 20261126) -> list[dict[str, Any]]:
    cat = default_catalogue()
    rng = random.Random(seed)
    ids = list(cat.indicators)
    by_dim: dict[str, list[str]] = {}
    for i, ind in cat.indicators.items():
        by_dim.setdefault(ind.dimension, []).append(i)
    mix = [obj for obj, _, _ in CASES.values()]
    while len(mix) < size:
        # Answers cluster in a few dimensions, as in real interviews.
        dims = rng.sample(list(by_dim), rng.randint(1, 5))
        pool = [i for d in dims for i in by_dim[d]]
        present = set(rng.sample(pool, min(len(pool), rng.randint(3, 20))))
        present |= set(rng.sample(ids, rng.randint(0, 5)))
        unknown = set(rng.sample(ids, rng.randint(0, 8))) - present
        age = None if rng.random() < 0.15 else rng.choice([14, 16, 17, 19, 22, 25, 29, 34, 41, 52])
        form = None if rng.random() < 0.2 else rng.choice(["labour", "labour", "sexual"])
        mix.append({
            "profile": None,
            "age": age,
            "form": form,
            "present": sorted(present),
            "unknown": sorted(unknown),
            "context": {
                "commercial_sex": rng.choice([None, True, False, False]),
                "third_party_acts": rng.choice([None, [], ["recruitment"], ["recruitment", "transportation"]]),
                "visa": rng.choice([None, *cat.visa_values]),
            },
        })
    return mix[:size]


def measure(fn: Any, items: list[Any], repeats: int) -> tuple[float, float, float, float]:
    """Rates by CPU time of this thread (what one core delivers, robust to other load on a shared
    machine) and by wall-clock time: (cpu min, cpu median, wall min, wall median)."""
    cpu, wall = [], []
    for _ in range(repeats):
        start_cpu, start_wall = time.thread_time(), time.perf_counter()
        for item in items:
            fn(item)
        cpu.append(len(items) / (time.thread_time() - start_cpu))
        wall.append(len(items) / (time.perf_counter() - start_wall))
    return min(cpu), statistics.median(cpu), min(wall), statistics.median(wall)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--cpu", type=int, default=None, help="pin to this CPU (Linux)")
    args = parser.parse_args()
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})

    cat = default_catalogue()
    items = realistic_mix(args.size)
    parsed = [parse_answers(o) for o in items]
    for obj in items[:200]:  # warm up caches (compiled tables, R1 memo)
        screen(obj).to_dict()
    kinds = Counter(screen(a).determination for a in parsed)
    lists = Counter(len(screen(a).profiles_evaluated) for a in parsed)

    rows = [
        ("screen(dict): parse + evaluate", measure(screen, items, args.repeats)),
        ("screen(Answers): evaluate only", measure(screen, parsed, args.repeats)),
        ("screen(dict).to_dict(): full JSON", measure(lambda o: screen(o).to_dict(), items, args.repeats)),
    ]
    print(f"catalogue {cat.version}; {args.size} screenings x {args.repeats} repeats, one process"
          + (f" pinned to CPU {args.cpu}" if args.cpu is not None else ""))
    print("mix: " + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items()))
          + "; lists evaluated per screening: " + ", ".join(f"{k}: {v}" for k, v in sorted(lists.items())))
    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {cpu_model()}, Python {platform.python_version()}"
          + (f"; load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""))
    print()
    print("| measure | CPU-time min /s | CPU-time median /s | wall min /s | wall median /s |")
    print("|---|---:|---:|---:|---:|")
    for name, (cmin, cmed, wmin, wmed) in rows:
        print(f"| {name} | {cmin:,.0f} | {cmed:,.0f} | {wmin:,.0f} | {wmed:,.0f} |")


if __name__ == "__main__":
    main()
