"""Coverage, bias and width of the intervals over simulated tables, per method and scenario.

Issue 6's target: over at least 200 tables where the log-linear model holds (``moderate``), the
BCa interval covers the true size in at least 93 % of them. Issue 15 adds the scenarios where it
does not (people who differ in how easy they are to find; a three-way dependence), the
latent-class method (Manrique-Vallier 2016) beside stepwise BCa, Chao's lower bound, and how often
the heterogeneity warning (``core.estimation.diagnostics``) fires, including on tables where the
model holds (false alarms).

Each table is drawn from a population of known size; each stepwise estimate reruns the selection
in every bootstrap replicate, exactly as ``tipnet estimate`` does; the latent-class estimate runs
its default 4 chains (K = 10, burn-in 10,000, 1,000 samples thinned by 10 per chain), the chains of
``--batch`` tables of a scenario in one sampler (``LatentClassModel.fit_many``).

Scenarios:
- ``moderate`` (issue 6's target): 4 lists, N = 5,000, p = .15/.20/.25/.10, A:B log odds ratio
  +0.7, C:D -0.5. The pairwise model holds.
- ``sparse`` (for information): 5 lists shaped like the UK 2013 data (Silverman 2014): N = 12,000,
  p = .01/.05/.09/.07/.03, LA:NG +1.5, NG:GP -1.0, GO:GP +0.8. The pairwise model holds.
- ``het05``, ``het10``: 4 lists, N = 3,000, p = .15/.20/.25/.10, independent lists, person-level
  catchability with SD 0.5 or 1.0 on the logit scale (issue 15).
- ``uk_het10``: the ``sparse`` design with catchability SD 1.0.
- ``threeway``: 4 lists, N = 3,000, p = .15/.20/.25/.10, a three-way term A:B:C = +1.0 (log
  scale; no pairwise terms), which no two-way model can represent.
- ``eight_het05``: 8 lists, N = 3,000, p = .08 to .22, catchability SD 0.5.

Run: ``uv run python bench/estimate_coverage.py [--tables 200] [--nboot 1000] [--scenario het10]
[--methods stepwise,latent] [--workers 2] [--save rows.jsonl] [--first 0]``; ``--scenario all``
runs every scenario (or name several, comma-separated); ``--summarise rows.jsonl`` re-reads saved
rows (with the current warning rule).

**Resumable.** With ``--save FILE`` every table's figures are appended to FILE as soon as they
are done (one JSON line, with the settings that made it), and a later run with the same FILE and
settings skips the tables already there: stop a run at any time (kill it) and start it again,
in this session or the next, and it carries on. The tables are taken in turn across the
scenarios (table 0 of each, then table 1 of each, ...), so a stopped run leaves about as many
tables in every scenario. At the end (or with ``--summarise FILE``) the table is computed from
every row in FILE, so it covers all the sessions' tables. The issue's full run:
``--scenario all --tables 200 --nboot 1000 --save bench/estimate_coverage_rows.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from multiprocessing import get_context

import numpy as np

P4 = [0.15, 0.20, 0.25, 0.10]
SCENARIOS: dict[str, dict] = {
    "moderate": dict(size=5000, probabilities=P4, interactions={(0, 1): 0.7, (2, 3): -0.5}),
    "sparse": dict(size=12000, probabilities=[0.01, 0.05, 0.09, 0.07, 0.03],
                   interactions={(0, 1): 1.5, (1, 4): -1.0, (3, 4): 0.8}),
    "het05": dict(size=3000, probabilities=P4, heterogeneity=0.5),
    "het10": dict(size=3000, probabilities=P4, heterogeneity=1.0),
    "uk_het10": dict(size=12000, probabilities=[0.01, 0.05, 0.09, 0.07, 0.03],
                     interactions={(0, 1): 1.5, (1, 4): -1.0, (3, 4): 0.8}, heterogeneity=1.0),
    "threeway": dict(size=3000, probabilities=P4, threeway=((0, 1, 2), 1.0)),
    "eight_het05": dict(size=3000, probabilities=[0.08, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.22],
                        heterogeneity=0.5),
}
#: Where the log-linear model holds: a warning there is a false alarm.
MODEL_HOLDS = ("moderate", "sparse")


def draw(scenario: str, seed: int):  # noqa: ANN201 (a CaptureTable and the truth)
    from tipnet.core.estimation import CaptureTable, simulate_table
    from tipnet.core.estimation.simulate import pattern_probabilities

    spec = SCENARIOS[scenario]
    if "threeway" in spec:
        (i, j, k), gamma = spec["threeway"]
        prob = pattern_probabilities(spec["probabilities"])
        w = np.arange(prob.size)
        has = ((w >> i) & 1) & ((w >> j) & 1) & ((w >> k) & 1)
        prob = prob * np.exp(gamma * has)
        counts = np.random.default_rng(seed).multinomial(spec["size"], prob / prob.sum())
        counts[0] = 0
        names = tuple("ABCDEFGH"[: len(spec["probabilities"])])
        return CaptureTable(names, counts), spec["size"]
    sim = simulate_table(spec["size"], spec["probabilities"], interactions=spec.get("interactions"),
                         heterogeneity=spec.get("heterogeneity", 0.0), seed=seed)
    return sim.table, sim.true_size


def one_batch(task: tuple[str, tuple[int, ...], int, tuple[str, ...], int | None]) -> list[dict]:
    """The figures of a few tables of one scenario: stepwise one by one, the latent runs together.

    The latent-class chains of all the batch's tables run in one sampler
    (``LatentClassModel.fit_many``: each table's chains see only its own counts, and share the
    sampler's per-call costs, about half the CPU a table on 4-5 lists); the batch's random seed
    is its first table's index.
    """
    from tipnet.core.estimation import estimate
    from tipnet.core.estimation.chao import chao_lower_bound
    from tipnet.core.estimation.diagnostics import heterogeneity_evidence
    from tipnet.core.estimation.latent import LatentClassModel

    scenario, indexes, nboot, methods, latent_tables = task
    rows, tables = [], []
    for index in indexes:
        started = time.process_time()
        table, truth = draw(scenario, 10_000 + index)
        row: dict = {"scenario": scenario, "index": index, "nboot": nboot, "truth": truth,
                     "chao": chao_lower_bound(table).estimate}
        step = estimate(table, nboot=nboot, seed=index)
        row["stepwise"] = (step.estimate, step.bca_low, step.bca_high)
        row["stepwise_model"] = (step.estimate, step.ci_low, step.ci_high)
        row["evidence"] = heterogeneity_evidence(step)
        row["stepwise_cpu"] = round(time.process_time() - started, 3)
        rows.append(row)
        tables.append(table)
    chosen = [i for i, index in enumerate(indexes) if wants_latent(index, methods, latent_tables)]
    if chosen:
        started = time.process_time()
        fits = LatentClassModel.fit_many([tables[i] for i in chosen], seed=indexes[chosen[0]])
        each = round((time.process_time() - started) / len(chosen), 3)
        for i, lat in zip(chosen, fits, strict=True):
            rows[i]["latent"] = (lat.estimate, lat.ci_low, lat.ci_high)
            rows[i]["latent_rhat"] = lat.rhat
            rows[i]["latent_cpu"] = each
            rows[i]["latent_batch"] = len(chosen)
    return rows


def wants_latent(index: int, methods: tuple[str, ...], latent_tables: int | None) -> bool:
    """Whether this table gets a latent-class run."""
    return "latent" in methods and (latent_tables is None or index < latent_tables)


def read_rows(path: str) -> list[dict]:
    """Every row saved in FILE (none if it does not exist yet); a torn last line is skipped."""
    rows = []
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:  # a run killed in the middle of a write
                    continue
    except FileNotFoundError:
        pass
    return rows


def latest_rows(rows: list[dict], nboot: int | None = None) -> dict[str, list[dict]]:
    """The rows per scenario, one per table: the last saved, preferring one with a latent run.

    Rows made with another number of BCa replicates are left out when ``nboot`` is given.
    """
    best: dict[tuple[str, int], dict] = {}
    for row in rows:
        if nboot is not None and row.get("nboot", nboot) != nboot:
            continue
        key = (row["scenario"], row["index"])
        if key not in best or "latent" in row or "latent" not in best[key]:
            best[key] = row
    out: dict[str, list[dict]] = {}
    for (scenario, _index), row in sorted(best.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        out.setdefault(scenario, []).append(row)
    return out


def pending_tasks(scenarios: list[str], first: int, tables: int, nboot: int, methods: tuple[str, ...],
                  latent_tables: int | None, saved: list[dict], batch: int = 1) -> list[tuple]:
    """The tables still to do, in batches of one scenario, the batches in turn across the scenarios
    (so a stopped run stays balanced)."""
    done = set()
    for row in saved:
        if row.get("nboot") != nboot:
            continue
        if wants_latent(row["index"], methods, latent_tables) and "latent" not in row:
            continue
        done.add((row["scenario"], row["index"]))
    todo = {s: [i for i in range(first, first + tables) if (s, i) not in done] for s in scenarios}
    chunks = {s: [tuple(todo[s][k : k + batch]) for k in range(0, len(todo[s]), batch)] for s in scenarios}
    rounds = max((len(c) for c in chunks.values()), default=0)
    return [(s, chunks[s][r], nboot, methods, latent_tables)
            for r in range(rounds) for s in scenarios if r < len(chunks[s])]


def warning_codes(row: dict) -> list[str]:
    """The comparison's warnings for a saved row (recomputed, so a saved run can be re-read
    with the current rule: ``--summarise FILE``)."""
    from types import SimpleNamespace

    from tipnet.core.estimation.chao import ChaoBound
    from tipnet.core.estimation.diagnostics import heterogeneity_notes

    est, low, high = row["stepwise"]
    if low is None or high is None:  # no BCa interval: the model's own
        _e, low, high = row["stepwise_model"]
    loglinear = SimpleNamespace(estimate=est, ci_low=low, ci_high=high, bca_low=None, bca_high=None)
    lat = (SimpleNamespace(**dict(zip(("estimate", "ci_low", "ci_high"), row["latent"], strict=True)))
           if "latent" in row else None)
    chao = ChaoBound(estimate=row["chao"], observed=0, f1=0, f2=0, n_lists=0)
    evidence = row.get("evidence", {})
    return [n.code for n in heterogeneity_notes(loglinear, lat, chao, evidence)]


def summarise(scenario: str, rows: list[dict], methods: tuple[str, ...]) -> list[str]:
    truth = rows[0]["truth"]
    out = []
    with_latent = [r for r in rows if "latent" in r]
    keys = ["stepwise", "stepwise_model"] + (["latent"] if with_latent else [])
    names = {"stepwise": "stepwise BCa", "stepwise_model": "stepwise, given the model",
             "latent": "latent classes"}
    for key in keys:
        among = with_latent if key == "latent" else rows
        ends = [r[key] for r in among]
        ok = [(e, lo, hi) for e, lo, hi in ends if lo is not None and hi is not None
              and math.isfinite(lo) and math.isfinite(hi)]
        cover = sum(lo <= truth <= hi for _e, lo, hi in ok)
        bias = 100 * (statistics.median(e for e, _lo, _hi in ends) / truth - 1)
        width = 100 * statistics.median(hi - lo for _e, lo, hi in ok) / truth if ok else math.nan
        out.append(f"| {scenario} | {names[key]} | {len(among)} | {cover / len(among):.0%} ({cover}/{len(among)}) "
                   f"| {bias:+.1f} % | {width:.0f} % |")
    chao_bias = 100 * (statistics.median(r["chao"] for r in rows) / truth - 1)
    out.append(f"| {scenario} | Chao's lower bound (a bound, no interval) | {len(rows)} | | {chao_bias:+.1f} % | |")
    kind = "false alarms" if scenario in MODEL_HOLDS else "fires"
    # Without the latent-class signs: every table (the Darroch test and the paired Chao share).
    bare = [warning_codes({k: v for k, v in r.items() if k != "latent"}) for r in rows]
    fired = sum("heterogeneity" in c for c in bare)
    darroch = sum(_darroch_fires(r) for r in rows)
    share = sum(_share_fires(r) for r in rows)
    out.append(f"| {scenario} | heterogeneity warning {kind}, without the latent run (Darroch test {darroch}, "
               f"paired Chao share {share}) | {len(rows)} | {fired / len(rows):.0%} ({fired}/{len(rows)}) | | |")
    if with_latent:
        codes = [warning_codes(r) for r in with_latent]
        fired = sum(bool(c) for c in codes)
        het = sum("heterogeneity" in c for c in codes)
        dis = sum("methods_disagree" in c for c in codes)
        slow = sum(r["latent_rhat"] > 1.05 for r in with_latent)
        out.append(f"| {scenario} | any warning {kind}, as shipped (with the latent run): heterogeneity {het}, "
                   f"methods_disagree {dis}; latent R-hat > 1.05 in {slow} | {len(with_latent)} "
                   f"| {fired / len(with_latent):.0%} ({fired}/{len(with_latent)}) | | |")
    return out


def _darroch_fires(row: dict) -> bool:
    from tipnet.core.estimation.diagnostics import DARROCH_LEVEL

    p = row.get("evidence", {}).get("darroch_p")
    return p is not None and p < DARROCH_LEVEL


def _share_fires(row: dict) -> bool:
    from tipnet.core.estimation.diagnostics import CHAO_SHARE

    s = row.get("evidence", {}).get("chao_share")
    return s is not None and s >= CHAO_SHARE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--nboot", type=int, default=1000)
    parser.add_argument("--scenario", default="moderate",
                        help=f"one of {', '.join(SCENARIOS)}, several comma-separated, or all")
    parser.add_argument("--methods", default="stepwise,latent",
                        help="stepwise (always) and latent; stepwise alone is issue 6's benchmark")
    parser.add_argument("--first", type=int, default=0,
                        help="index of the first table (to add tables to an earlier run)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=4,
                        help="tables of a scenario whose latent-class chains run in one sampler "
                             "(less CPU a table; a stopped run loses the batches under way)")
    parser.add_argument("--latent-tables", type=int, default=None, metavar="N",
                        help="run the latent-class sampler only on the first N tables of each "
                             "scenario (it costs 10-30 s of CPU a table); the rest get the "
                             "warning's signs that need no latent run")
    parser.add_argument("--save", default=None,
                        help="append every table's figures to FILE as JSON lines, and skip the tables "
                             "FILE already has (so a stopped run can be resumed)")
    parser.add_argument("--summarise", default=None, metavar="FILE",
                        help="only summarise rows saved earlier with --save")
    args = parser.parse_args()
    # Import the estimators once, here: the workers inherit them, and all tables of a run use
    # the same code even if the source changes meanwhile.
    import tipnet.core.estimation.diagnostics
    import tipnet.core.estimation.latent  # noqa: F401

    methods = tuple(m.strip() for m in args.methods.split(","))
    header = ["| scenario | method | tables | 95 % coverage | median bias | median width (% of N) |",
              "|---|---|---:|---:|---:|---:|"]
    if args.summarise:
        print("\n".join(header))
        saved = latest_rows(read_rows(args.summarise))
        for scenario in sorted(saved, key=lambda name: list(SCENARIOS).index(name)):
            for line in summarise(scenario, saved[scenario], methods):
                print(line)
        return
    scenarios = list(SCENARIOS) if args.scenario == "all" else args.scenario.split(",")
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}")
    saved = read_rows(args.save) if args.save else []
    tasks = pending_tasks(scenarios, args.first, args.tables, args.nboot, methods, args.latent_tables, saved,
                          batch=args.batch)
    print(f"<!-- {sum(len(t[1]) for t in tasks)} tables to do ({len(saved)} rows already in {args.save}) -->",
          flush=True)
    start = time.perf_counter()
    fresh: list[dict] = []
    pool = get_context("fork").Pool(args.workers) if args.workers > 1 else None
    try:
        # in order: a stopped run leaves no gaps
        for rows in pool.imap(one_batch, tasks) if pool else map(one_batch, tasks):
            fresh.extend(rows)
            if args.save:  # as they come, so an interrupted run keeps what it did
                with open(args.save, "a", encoding="utf-8") as fh:
                    fh.writelines(json.dumps(row) + "\n" for row in rows)
    finally:
        if pool:
            pool.terminate()
    print("\n".join(header))
    everything = latest_rows(saved + fresh, nboot=args.nboot)
    for scenario in scenarios:
        if everything.get(scenario):
            for line in summarise(scenario, everything[scenario], methods):
                print(line)
    cpu = {key: statistics.median(r[key] for r in fresh if key in r) if any(key in r for r in fresh) else math.nan
           for key in ("stepwise_cpu", "latent_cpu")}
    print(f"<!-- {len(fresh)} tables in {time.perf_counter() - start:.0f} s, {args.nboot} BCa replicates, "
          f"{args.workers} workers; CPU a table, median: stepwise {cpu['stepwise_cpu']:.1f} s, "
          f"latent {cpu['latent_cpu']:.1f} s -->", flush=True)

if __name__ == "__main__":
    main()
