"""The latent-class estimator (Manrique-Vallier 2016), Chao's lower bound and the comparison."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from tipnet.core.estimation import CaptureTable, EstimationCancelled, MSEModel, simulate_table
from tipnet.core.estimation.chao import chao_lower_bound
from tipnet.core.estimation.diagnostics import compare_methods, heterogeneity_notes
from tipnet.core.estimation.latent import LatentClassModel, effective_sample_size, split_rhat

from ._shared import table

#: LCMCR 0.4.14 (CRAN; built here from github:cran/LCMCR with R 4.2.2 and GSL), run on
#: ../shared/data/mse/Kosovo.csv with K = 10, a_alpha = b_alpha = 0.25, burn-in 10,000, 1,000
#: samples thinned by 10, seeds 1 to 8 (bench/latent_vs_lcmcr.py, 2026-12-06, bench/RESULTS.md):
#: the median of all 8,000 draws, and the range over the seeds of each run's 2.5 % and 97.5 % ends.
LCMCR_KOSOVO_MEDIAN = 10408.0
LCMCR_KOSOVO_LOW = (8403.0, 9315.0)
LCMCR_KOSOVO_HIGH = (12015.0, 15438.0)

SHORT = dict(burnin=1500, samples=250, thinning=5)


def test_kosovo_agrees_with_lcmcr() -> None:
    # One run of 4 chains. Over seeds 1-6 its median was 10,081-10,375 (-3.1 % to -0.3 % of
    # LCMCR's; the sampler before the speed-up gave 10,040-10,407 on the same seeds, its own
    # stream): a run's median has a seed-to-seed spread of about 1 %, so one seed in six lands
    # just outside 3 %. Seed 1 is a typical run (bench/RESULTS.md).
    result = LatentClassModel(table("Kosovo")).fit(seed=1)
    assert abs(result.estimate / LCMCR_KOSOVO_MEDIAN - 1.0) < 0.03
    # The reported (4-chain) interval against LCMCR's run-to-run spread of its ends. Both
    # samplers mix slowly on this table; a chain of ours now and then wanders lower than any of
    # LCMCR's 8 runs did (one chain's 2.5 % end in 32 is below 7,600, old sampler and new alike),
    # so the lower end is allowed that spread once more below (bench/RESULTS.md has the
    # chain-by-chain comparison).
    low_lo, low_hi = LCMCR_KOSOVO_LOW
    assert low_lo - (low_hi - low_lo) <= result.ci_low <= low_hi
    assert LCMCR_KOSOVO_HIGH[0] <= result.ci_high <= LCMCR_KOSOVO_HIGH[1]
    assert result.options["K"] == 10 and result.options["chains"] == 4
    assert result.draws.shape == (4, 1000)


def test_heterogeneity_is_flagged_in_plain_words() -> None:
    # Two kinds of people: 1,000 easy to find, 2,000 hard to find (true total 3,000). The stepwise
    # log-linear model gives 2,002 (interval 1,949 to 2,061), wholly below Chao's lower bound
    # (2,135). The latent classes see two kinds of people and estimate higher, though the
    # hardest-to-find remain invisible to every method (Link 2003): no interval need cover 3,000.
    easy = simulate_table(1000, [0.5, 0.45, 0.4, 0.35], seed=12).table
    hard = simulate_table(2000, [0.1, 0.08, 0.12, 0.07], seed=13).table
    mixed = CaptureTable(easy.lists, easy.counts + hard.counts)
    latent = LatentClassModel(mixed, **SHORT).fit(seed=3)
    stepwise = MSEModel(mixed).fit(nboot=0, warn=False)
    assert stepwise.ci_high < 3000
    assert latent.estimate > stepwise.ci_high
    chao = chao_lower_bound(mixed)
    notes = heterogeneity_notes(stepwise, latent, chao)
    assert [n.code for n in notes] == ["heterogeneity"]
    assert "likely too low" in notes[0].message and "%" in notes[0].message
    compared = compare_methods(mixed, stepwise, latent=latent)
    methods = [row["method"] for row in compared.comparison["methods"]]
    assert methods == ["stepwise", "latent", "chao"]
    assert compared.warnings[-1].code == "heterogeneity"
    assert "Methods compared:" in compared.summary()
    json.dumps(compared.to_dict())  # JSON-ready


def test_no_warning_where_the_log_linear_model_holds() -> None:
    sim = simulate_table(3000, [0.3, 0.25, 0.35, 0.2], seed=21)
    latent = LatentClassModel(sim.table, **SHORT).fit(seed=2)
    assert latent.ci_low <= 3000 <= latent.ci_high
    stepwise = MSEModel(sim.table).fit(nboot=0, warn=False)
    assert heterogeneity_notes(stepwise, latent, chao_lower_bound(sim.table)) == []


def test_same_seed_same_draws_and_different_seed_different() -> None:
    sim = simulate_table(800, [0.3, 0.4, 0.2], seed=1)
    a = LatentClassModel(sim.table, burnin=100, samples=20, thinning=2).fit(seed=9)
    b = LatentClassModel(sim.table, burnin=100, samples=20, thinning=2).fit(seed=9)
    c = LatentClassModel(sim.table, burnin=100, samples=20, thinning=2).fit(seed=10)
    assert np.array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, c.draws)


def test_progress_and_cancellation() -> None:
    sim = simulate_table(500, [0.3, 0.4, 0.2], seed=1)
    seen: list[tuple[int, int]] = []
    LatentClassModel(sim.table, burnin=300, samples=10, thinning=2).fit(
        seed=1, progress=lambda done, total: seen.append((done, total))
    )
    assert seen[-1] == (820, 820) and len(seen) >= 4
    with pytest.raises(EstimationCancelled):
        LatentClassModel(sim.table).fit(seed=1, cancelled=lambda: True)


def test_through_msemodel_and_to_dict() -> None:
    sim = simulate_table(600, [0.3, 0.4, 0.2, 0.3], seed=4)
    # The real defaults run in test_kosovo_agrees_with_lcmcr; here a short chain (9 s -> 1.4 s of CPU).
    result = MSEModel(sim.table, method="latent", latent_options=SHORT).fit(seed=1, warn=False)
    out = result.to_dict()
    assert out["method"] == "latent" and out["interval"] == "credible"
    assert out["ci_low"] <= out["estimate"] <= out["ci_high"]
    assert set(out["diagnostics"]) >= {"rhat", "ess", "chains"}
    assert out["chao"]["f1"] == int(sum(c for w, c in enumerate(sim.table.counts) if w.bit_count() == 1))
    json.dumps(out)


def test_poor_convergence_is_reported() -> None:
    # Ten sweeps of burn-in and eight draws: no chain can have settled.
    result = LatentClassModel(table("UKdat_5"), burnin=0, samples=8, thinning=1).fit(seed=1)
    assert "latent_not_converged" in [n.code for n in result.warnings]


def test_rhat_and_ess_on_known_draws() -> None:
    rng = np.random.default_rng(0)
    iid = rng.normal(size=(4, 1000))
    assert split_rhat(iid) == pytest.approx(1.0, abs=0.01)
    assert 3000 < effective_sample_size(iid) < 5000
    apart = iid + np.array([[0.0], [0.0], [3.0], [3.0]])
    assert split_rhat(apart) > 1.5
    # An AR(1) chain with rho = 0.9 has about (1 - rho) / (1 + rho) of its draws effective.
    ar = np.zeros((4, 4000))
    noise = rng.normal(size=(4, 4000))
    for t in range(1, 4000):
        ar[:, t] = 0.9 * ar[:, t - 1] + noise[:, t]
    assert effective_sample_size(ar) == pytest.approx(16000 * 0.1 / 1.9, rel=0.3)


def test_chao_lower_bound_by_hand() -> None:
    # 3 lists: f1 = 30 + 20 + 10 = 60, f2 = 5 + 4 + 3 = 12, and 2 on all three (counted in the
    # 74 seen, not in f1 or f2).
    counts = np.zeros(8, dtype=np.int64)
    counts[[1, 2, 4]] = [30, 20, 10]
    counts[[3, 5, 6]] = [5, 4, 3]
    counts[7] = 2
    bound = chao_lower_bound(CaptureTable(("A", "B", "C"), counts))
    assert (bound.f1, bound.f2, bound.observed) == (60, 12, 74)
    assert bound.estimate == pytest.approx(74 + (2 / 3) * 60**2 / (2 * 12))
    counts = counts.copy()
    counts[[3, 5, 6]] = 0
    no_pairs = chao_lower_bound(CaptureTable(("A", "B", "C"), counts))
    assert no_pairs.estimate == pytest.approx(62 + (2 / 3) * 60 * 59 / 2)
    assert math.isfinite(no_pairs.estimate)


def test_every_log_linear_result_carries_chao() -> None:
    result = MSEModel(table("UKdat_5")).fit(nboot=0, warn=False)
    assert result.chao is not None and result.to_dict()["chao"]["f2"] == 214
    assert "Chao's lower bound" in result.summary()


def test_bad_options_are_refused() -> None:
    sim = simulate_table(300, [0.3, 0.4], seed=1)
    for options in ({"K": 0}, {"a_alpha": 0}, {"samples": 2}, {"chains": 0}, {"thinning": 0}):
        with pytest.raises(ValueError):
            LatentClassModel(sim.table, **options)  # type: ignore[arg-type]
