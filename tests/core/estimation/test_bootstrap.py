"""BCa bootstrap: the formulas, determinism, and agreement with SparseMSE and published intervals.

Bootstrap replicates come from numpy's generator, not R's, so intervals can only agree within
Monte-Carlo error; ``test_sparsemse_replicates.py`` checks everything else exactly on SparseMSE's
own samples. The lower 95 % BCa end of these data sets is read at a very low adjusted level (about
0.13 % for UKdat_5: between the smallest and second-smallest of 1,000 replicates), which makes it
much noisier than "about 4 %". Measured seed to seed (1,000 replicates each), SparseMSE 2.0.2 in R
over 11 seeds and this implementation over 40 seeds spread alike: UKdat_5 lower end SD 236 and 242
(2.6 %), upper end SD 444 and 407 (3 %); means 9,103 / 9,230 and 14,821 / 15,019. SparseMSE's
published seed-1234 interval, 8,785 - 14,701, is itself 1.9 SD below the mean at the lower end.
Tolerances below are about three such deviations, and are written next to each number.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import ndtri

from tipnet.core.estimation import estimate
from tipnet.core.estimation.bootstrap import (
    bca_monte_carlo_se,
    bca_quantiles,
    jackknife_acceleration,
    run_bootstrap,
)

from ._shared import table


def r_quantile_type8(x: np.ndarray, p: float) -> float:
    """R's quantile(type = 8), written out from Hyndman & Fan (1996)."""
    x = np.sort(x)
    n = x.size
    m = (p + 1.0) / 3.0
    j = math.floor(n * p + m)
    g = n * p + m - j
    if j < 1:
        return float(x[0])
    if j >= n:
        return float(x[-1])
    return float((1 - g) * x[j - 1] + g * x[j])


def test_bca_formula_matches_a_hand_computation() -> None:
    rng = np.random.default_rng(0)
    reps = rng.lognormal(9.3, 0.12, size=1000)
    est, a = 11000.0, -0.012
    ends, levels, z0 = bca_quantiles(reps, est, a, (0.025, 0.975))
    from scipy.stats import norm

    z0_hand = norm.ppf(np.mean(reps < est))
    assert z0 == pytest.approx(z0_hand)
    for alpha in (0.025, 0.975):
        za = norm.ppf(alpha)
        level = norm.cdf(z0_hand + (z0_hand + za) / (1 - a * (z0_hand + za)))
        assert levels[alpha] == pytest.approx(level)
        assert ends[alpha] == pytest.approx(r_quantile_type8(reps, level), rel=1e-12)


def test_bca_undefined_when_all_replicates_on_one_side() -> None:
    ends, _levels, z0 = bca_quantiles(np.array([5.0, 6.0, 7.0]), 1.0, 0.0, (0.025, 0.975))
    assert math.isinf(z0)
    assert all(math.isnan(v) for v in ends.values())


def _true_and_internal_monte_carlo_error(below: float, a: float) -> tuple[np.ndarray, np.ndarray]:
    """Seed-to-seed SD of the BCa ends over 200 sets of 1,000 replicates from a known law, and the
    mean internal estimate of it. Replicates are skewed like UKdat_5's (log-normal plus the 2,744
    seen); the estimate sits at the law's ``below`` quantile, which sets the bias correction."""
    rng = np.random.default_rng(42)
    alpha = (0.025, 0.975)
    estimate = float(np.exp(9.4 + 0.25 * ndtri(below))) + 2744
    ends, internal = [], []
    for i in range(200):
        reps = np.exp(rng.normal(9.4, 0.25, size=1000)) + 2744
        q, _levels, _z0 = bca_quantiles(reps, estimate, a, alpha)
        ends.append([q[x] for x in alpha])
        se = bca_monte_carlo_se(reps, estimate, a, alpha, seed=i)
        internal.append([se[x] for x in alpha])
    # Sets whose end falls beyond the most extreme replicate have no estimate (NaN): left out.
    return np.std(ends, axis=0, ddof=1), np.nanmean(internal, axis=0)


def test_monte_carlo_error_matches_the_seed_to_seed_spread() -> None:
    # Estimate at the replicates' median, no acceleration: the ends are read at 2.5 % and 97.5 %.
    true_sd, internal = _true_and_internal_monte_carlo_error(0.5, 0.0)
    assert internal == pytest.approx(true_sd, rel=0.15)


def test_monte_carlo_error_of_an_end_read_far_in_the_tail() -> None:
    # UKdat_5's situation: a third of the replicates below the estimate, a = -0.012, so the
    # lower end is read at about 0.2 %, among the two smallest of 1,000 replicates. Measured:
    # internal 332 against a true 356 (lower), 321 against 299 (upper).
    true_sd, internal = _true_and_internal_monte_carlo_error(0.33, -0.012)
    assert internal == pytest.approx(true_sd, rel=0.2)


def test_monte_carlo_error_is_nan_with_too_few_replicates() -> None:
    se = bca_monte_carlo_se(np.arange(15.0), 7.0, 0.0, (0.025, 0.975))
    assert all(math.isnan(v) for v in se.values())


def test_monte_carlo_error_is_nan_where_the_end_is_the_most_extreme_replicate() -> None:
    # 200 replicates, lower end read at about 0.13 %: that is below the smallest replicate, so
    # the end *is* the smallest one and no resampling of the replicates can say how far it goes.
    reps = np.random.default_rng(3).lognormal(9.4, 0.25, size=200) + 2744
    estimate = float(np.quantile(reps, 0.33))
    _ends, levels, _z0 = bca_quantiles(reps, estimate, -0.012, (0.025, 0.975))
    assert levels[0.025] * 200 < 1
    se = bca_monte_carlo_se(reps, estimate, -0.012, (0.025, 0.975))
    assert math.isnan(se[0.025]) and se[0.975] > 0


def test_jackknife_acceleration_weights_by_count() -> None:
    # theta = mean of the "people": deleting one person of value v moves the mean by a known
    # amount, so a has a closed form (Efron 1987, eq. 6.6 for the mean: a = skewness / (6 sqrt n)).
    y = np.array([3.0, 1.0, 2.0])
    values = np.array([1.0, 2.0, 4.0])

    def mean_estimator(counts: np.ndarray) -> float:
        return float(counts @ values / counts.sum())

    a, jack = jackknife_acceleration(y, mean_estimator)
    people = np.repeat(values, y.astype(int))
    n = people.size
    loo = np.array([(people.sum() - v) / (n - 1) for v in people])
    r = loo.mean() - loo
    assert a == pytest.approx(np.sum(r**3) / (6 * np.sum(r**2) ** 1.5))
    assert jack.shape == y.shape


def test_same_seed_same_interval_and_progress_reports() -> None:
    t = table("Western")
    calls: list[tuple[int, int]] = []
    first = estimate(t, nboot=60, seed=5, progress=lambda d, n: calls.append((d, n)))
    second = estimate(t, nboot=60, seed=5)
    third = estimate(t, nboot=60, seed=6)
    assert first.bca_low == second.bca_low and first.bca_high == second.bca_high
    assert np.array_equal(first.bootstrap.estimates, second.bootstrap.estimates)
    assert not np.array_equal(first.bootstrap.estimates, third.bootstrap.estimates)
    assert calls and calls[-1][0] == calls[-1][1]
    assert {c.code for c in first.warnings} >= {"few_replicates"}


def test_resampling_keeps_unseen_patterns_unseen() -> None:
    t = table("UKdat_5")
    y = t.cell_counts.astype(float)
    seen: list[np.ndarray] = []

    def spy(counts: np.ndarray) -> float:
        seen.append(counts.copy())
        return float(counts.sum())

    run_bootstrap(y, float(y.sum()), spy, nboot=30, seed=1)
    boot = np.array(seen[:30])
    assert np.all(boot[:, y == 0] == 0)
    assert np.all(boot.sum(axis=1) == y.sum())


# ---------------------------------------------------------------------- SparseMSE reference runs
@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "low", "high", "tol_low", "tol_high"),
    [
        # SparseMSE 2.0.2 estimatepopulation(UKdat_5, nboot=1000, pthresh=0.02, iseed=1234):
        # 8,784.78 - 14,700.55 (../shared/data/README.md). Seed-to-seed SD 2.6 % (lower) and
        # 3 % (upper), in R and here alike; our seed 1234 gives 9,440 - 15,089. Tolerance 8 %
        # at the lower end (3 SD), 4 % at the upper.
        ("UKdat_5", 8784.78, 14700.55, 0.08, 0.04),
        # SparseMSE 2.0.2 estimatepopulation(UKdat, nboot=1000, pthresh=0.02):
        # 9,266.96 - 14,306.76 (same source). Our 20-seed mean is 9,066 - 14,473.
        ("UKdat", 9266.96, 14306.76, 0.08, 0.04),
    ],
)
def test_bca_agrees_with_sparsemse(name: str, low: float, high: float, tol_low: float,
                                   tol_high: float) -> None:
    result = estimate(table(name), nboot=1000, seed=1234)
    assert result.bootstrap is not None and result.bootstrap.n_failed == 0
    assert result.bca_low == pytest.approx(low, rel=tol_low)
    assert result.bca_high == pytest.approx(high, rel=tol_high)
    assert result.bca_low < result.estimate < result.bca_high


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "kwargs", "low", "high", "tol_low", "tol_high"),
    [
        # Chan, Silverman & Vincent (2021) Sec. 4.2: Western, BCa 95 % (1293, 3670).
        ("Western", {}, 1293, 3670, 0.10, 0.06),
        # Same paper Sec. 4.1: New Orleans, main effects only, (644, 1618).
        ("NewOrl_SparseMSE", {"pthresh": 0.0}, 644, 1618, 0.06, 0.06),
        # Same paper: New Orleans, stepwise, (717, 1657); SparseMSE 2.0.2 with seed 1234 gives
        # 717.21 - 1,657.61. The lower end here is the smallest replicate (adjusted level
        # < 0.1 %): our seed-to-seed SD is 11 %, so only the upper end is checked tightly.
        ("NewOrl_SparseMSE", {}, 717, 1657, 0.45, 0.06),
        # Silverman, Chan & Vincent (2024) Tables 3 and 6: Korea, all models, 95 % [128, 349].
        ("Korea", {"method": "bic"}, 128, 349, 0.06, 0.10),
        # Same paper Table 6: Kosovo, BIC, [6,947, 18,010].
        ("Kosovo", {"method": "bic"}, 6947, 18010, 0.06, 0.04),
    ],
)
def test_published_bca_intervals(name: str, kwargs: dict, low: float, high: float,
                                 tol_low: float, tol_high: float) -> None:
    result = estimate(table(name), nboot=1000, seed=1234, **kwargs)
    assert result.bca_low == pytest.approx(low, rel=tol_low)
    assert result.bca_high == pytest.approx(high, rel=tol_high)


@pytest.mark.slow
def test_published_bca_new_orleans_five_lists() -> None:
    # CSV 2021 Sec. 4.1 gives (589, 1703) for NewOrl_5, and SparseMSE 2.0.2 with seed 1234 gives
    # exactly that (588.82, 1703.69; test_sparsemse_replicates.py reproduces it on SparseMSE's own
    # samples). That draw is a lucky one: 25.6 % of its replicates fall below the estimate, where
    # 20,000 samples from R's rmultinom give 22.2 % and from numpy 22.4 %. SparseMSE's seeds 1-9
    # average 519 (SD 43) and 1,587 (SD 59); ours over 40 seeds 526 (SD 43) and 1,582 (SD 68).
    # Our seed 1234 gives 552 - 1,547. Tolerances: 3 SD.
    result = estimate(table("NewOrl_5_SparseMSE"), nboot=1000, seed=1234)
    assert result.bca_low == pytest.approx(589, rel=0.22)
    assert result.bca_high == pytest.approx(1703, rel=0.13)
