"""The vectorised stepwise bootstrap (``batch.stepwise_batch``) against the one-at-a-time code.

Issue 15: UKdat with 10,000 replicates in at most 10 s. The batch must give the same replicate
estimates as :func:`stepwise` replicate by replicate (1e-8 relative), the same interval, and keep
progress and cancellation working.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tipnet.core.estimation import MSEModel
from tipnet.core.estimation.batch import UNKNOWN, check_batch, newton_batch, stepwise_batch
from tipnet.core.estimation.bootstrap import BATCH, EstimationCancelled, run_bootstrap
from tipnet.core.estimation.design import all_pairs
from tipnet.core.estimation.existence import check_model
from tipnet.core.estimation.fit import _layout, fit_model, poisson_newton
from tipnet.core.estimation.selection import stepwise

from ._shared import table


def _replicates(name: str, n: int, seed: int) -> tuple[int, np.ndarray, np.ndarray, dict]:
    t = table(name)
    k = t.k_lists
    y = t.cell_counts.astype(np.float64)
    rng = np.random.default_rng(seed)
    reps = rng.multinomial(int(y.sum()), y / y.sum(), size=n).astype(np.float64)
    return k, y, reps, fit_model(k, (), y).coef_dict()


@pytest.mark.parametrize(
    ("name", "n"), [("UKdat", 400), ("UKdat_5", 400), ("NewOrl_SparseMSE", 200), ("NewOrl_5_SparseMSE", 300)]
)
def test_batch_matches_one_at_a_time(name: str, n: int) -> None:
    k, _y, reps, start = _replicates(name, n, seed=20261206)
    one = np.array([stepwise(k, r, 0.02, start=start).estimate for r in reps])
    many = stepwise_batch(k, reps, 0.02, start)
    assert np.all(np.isfinite(one))
    np.testing.assert_allclose(many, one, rtol=1e-8, atol=0)
    # the replicates really do choose different models (the grouping is exercised)
    assert len({stepwise(k, r, 0.02, start=start).model for r in reps[:60]}) > 1


@pytest.mark.parametrize("pthresh", [0.001, 0.2])
def test_batch_matches_at_other_thresholds(pthresh: float) -> None:
    k, _y, reps, start = _replicates("UKdat_5", 150, seed=3)
    one = np.array([stepwise(k, r, pthresh, start=start).estimate for r in reps])
    np.testing.assert_allclose(stepwise_batch(k, reps, pthresh, start), one, rtol=1e-8, atol=0)


def test_batch_refuses_the_special_thresholds() -> None:
    k, _y, reps, start = _replicates("UKdat_5", 3, seed=1)
    for pthresh in (0.0, 1.0):
        with pytest.raises(ValueError, match="0 < pthresh < 1"):
            stepwise_batch(k, reps, pthresh, start)


def test_newton_batch_takes_the_same_steps() -> None:
    """Cold start, warm start and a wild start (which falls back to glm's start), per row."""
    k, y, reps, _start = _replicates("UKdat", 40, seed=9)
    model = (3, 5, 6)
    keep, x, _fitted = _layout(k, model, ())
    ys = np.vstack([y[keep], reps[:, keep]])
    warm = np.zeros((ys.shape[0], x.shape[1]))
    warm[:, 0] = 6.0
    warm[0, 0] = 900.0  # exp(900) overflows: both codes restart from glm's first step
    for beta0 in (None, warm):
        beta, mu, converged = newton_batch(x, ys, beta0)
        for i in range(ys.shape[0]):
            b, m, c, _n = poisson_newton(x, ys[i], None if beta0 is None else beta0[i])
            np.testing.assert_allclose(beta[i], b, rtol=1e-9, atol=1e-9)
            np.testing.assert_allclose(mu[i], m, rtol=1e-9)
            assert converged[i] == c


def test_bootstrap_with_batch_same_interval_progress_and_cancel() -> None:
    t = table("UKdat_5")
    k = t.k_lists
    y = t.cell_counts.astype(np.float64)
    start = fit_model(k, (), y).coef_dict()
    fit = stepwise(k, y, 0.02, start=start)

    def one(yb: np.ndarray) -> float:
        return stepwise(k, yb, 0.02, start=start).estimate

    def many(yb: np.ndarray) -> np.ndarray:
        return stepwise_batch(k, yb, 0.02, start)

    calls: list[tuple[int, int]] = []
    nboot = BATCH + 200  # two batches
    plain = run_bootstrap(y, fit.estimate, one, nboot=nboot, seed=7, order=t.canonical_order())
    fast = run_bootstrap(
        y, fit.estimate, one, nboot=nboot, seed=7, order=t.canonical_order(), batch=many,
        progress=lambda d, n: calls.append((d, n)),
    )
    np.testing.assert_allclose(fast.estimates, plain.estimates, rtol=1e-8, atol=0)
    assert fast.acceleration == pytest.approx(plain.acceleration, rel=1e-6)
    for a in plain.quantiles:
        assert fast.quantiles[a] == pytest.approx(plain.quantiles[a], rel=1e-8)
    done = [d for d, _n in calls]
    assert done == sorted(done) and len(done) >= 2
    assert calls[-1][0] == calls[-1][1] == nboot + int(np.count_nonzero(y))

    asked = 0

    def cancel_soon() -> bool:
        nonlocal asked
        asked += 1
        return asked > 1  # the first check (before any fit) passes, the next one stops

    with pytest.raises(EstimationCancelled, match=f"cancelled after {BATCH} of"):
        run_bootstrap(y, fit.estimate, one, nboot=2 * BATCH, seed=7, batch=many, cancelled=cancel_soon)


def test_estimate_uses_the_batch_and_agrees_with_the_published_figures() -> None:
    """The whole fit through MSEModel: the batch path is taken for stepwise and gives the same
    replicates as the one-at-a-time estimator on the same samples."""
    t = table("UKdat")
    result = MSEModel(t).fit(nboot=200, seed=1234, warn=False)
    k = t.k_lists
    y = t.cell_counts.astype(np.float64)
    start = fit_model(k, (), y).coef_dict()
    plain = run_bootstrap(
        y, result.estimate, lambda yb: stepwise(k, yb, 0.02, start=start).estimate,
        nboot=200, seed=1234, order=t.canonical_order(),
    )
    np.testing.assert_allclose(result.bootstrap.estimates, plain.estimates, rtol=1e-8, atol=0)
    assert math.isclose(result.bca_low, plain.quantiles[0.025], rel_tol=1e-8)
    assert math.isclose(result.bca_high, plain.quantiles[0.975], rel_tol=1e-8)


@pytest.mark.parametrize("name", ["UKdat", "NewOrl_5_SparseMSE"])
def test_check_batch_agrees_with_check_model(name: str) -> None:
    """Every code the batch settles is the one-at-a-time code (pairs that never overlap in a
    replicate, supports that need the linear programme: those are left UNKNOWN, never guessed)."""
    k, _y, reps, _start = _replicates(name, 300, seed=11)
    positive = reps > 0
    settled = 0
    for model in [(), all_pairs(k)[:1], all_pairs(k)[:3], all_pairs(k)[2:6], all_pairs(k)]:
        codes = check_batch(k, model, positive)
        for r, code in enumerate(codes):
            if code != UNKNOWN:
                settled += 1
                assert code == check_model(k, model, reps[r])
    assert settled > 1000
