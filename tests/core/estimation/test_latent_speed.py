"""The faster latent-class sampler (issue 15) draws from the same posterior as the one it replaced.

The sampler now makes three calls of the random generator a sweep instead of eleven (one
multinomial for the seen and the unseen people, one Gamma call for every Gamma variate, one
Poisson call), which is what cost the time. Its random stream differs, so draws for a seed differ;
the posterior must not. ``reference_draws`` below is the previous sampler, step for step as it was
(the order of LCMCR's ``Update``, one numpy call per step); the tests compare the two over many
seeds, and count the generator calls.
"""

from __future__ import annotations

import numpy as np
import pytest

from tipnet.core.estimation import CaptureTable, simulate_table
from tipnet.core.estimation.latent import (
    MAX_UNSEEN_RATIO,
    WARMUP,
    LatentClassModel,
    _State,
    _stick_log_weights,
    _Sweep,
)


def reference_draws(table: CaptureTable, *, seed: int, burnin: int, samples: int, thinning: int,
                    chains: int = 4, K: int = 10, a_alpha: float = 0.25, b_alpha: float = 0.25,  # noqa: N803
                    init_spread: float = 0.5) -> np.ndarray:
    """Draws of ``N`` from the previous sampler (tipnet before the speed-up), shape (chains, samples)."""
    C, J = chains, table.k_lists  # noqa: N806
    counts = table.cell_counts
    present = np.flatnonzero(counts > 0)
    freq = counts[present].astype(np.int64)
    X = (((present + 1)[:, None] >> np.arange(J)) & 1).astype(np.float64)  # noqa: N806
    n = int(freq.sum())
    rng = np.random.default_rng(seed)

    def log_gamma(shape: np.ndarray) -> np.ndarray:
        return np.log(rng.standard_gamma(shape + 1.0)) + np.log(rng.random(shape.shape)) / shape

    rate = np.clip((X * freq[:, None]).sum(axis=0) / n, 1e-3, 1 - 1e-3)
    lam1 = np.clip(rate[None, :, None] * np.exp(rng.normal(0.0, init_spread, size=(C, J, K))), 1e-3, 1 - 1e-3)
    log_lam1, log_lam0 = np.log(lam1), np.log1p(-lam1)
    v = rng.beta(1.0, 1.0, size=(C, K - 1))
    log_nu = _stick_log_weights(np.log(v), np.log1p(-v))
    alpha = np.full(C, 0.3 / K)
    count0 = np.zeros((C, K), dtype=np.int64)
    n0 = np.zeros(C, dtype=np.int64)
    trace = np.empty((C, samples), dtype=np.int64)
    kept = 0
    for sweep in range(WARMUP + burnin + samples * thinning):
        logp = log_nu[:, None, :] + X @ log_lam1 + (1.0 - X) @ log_lam0
        p = np.exp(logp - logp.max(axis=2, keepdims=True))
        p /= p.sum(axis=2, keepdims=True)
        z = rng.multinomial(np.broadcast_to(freq, p.shape[:2]), p)
        in_class = z.sum(axis=1) + count0
        seen = X.T @ z
        g1 = rng.standard_gamma(1.0 + seen)
        g0 = rng.standard_gamma(1.0 + (in_class[:, None, :] - seen))
        log_lam1, log_lam0 = np.log(g1) - np.log(g1 + g0), np.log(g0) - np.log(g1 + g0)
        remaining = (n + n0)[:, None] - np.cumsum(in_class, axis=1)[:, :-1]
        la = log_gamma(1.0 + in_class[:, :-1])
        lb = log_gamma(alpha[:, None] + remaining)
        lsum = np.logaddexp(la, lb)
        log_nu = _stick_log_weights(la - lsum, lb - lsum)
        log_zero = log_nu + log_lam0.sum(axis=1)
        p_seen = np.clip(1.0 - np.exp(log_zero).sum(axis=1), 1e-300, 1.0)
        odds = (1.0 - p_seen) / p_seen
        n0 = rng.poisson(rng.standard_gamma(np.full(C, float(n))) * odds)
        while (n0 > MAX_UNSEEN_RATIO * n).any():
            over = n0 > MAX_UNSEEN_RATIO * n
            n0[over] = rng.poisson(rng.standard_gamma(np.full(int(over.sum()), float(n))) * odds[over])
        w = np.exp(log_zero - log_zero.max(axis=1, keepdims=True))
        count0 = rng.multinomial(n0, w / w.sum(axis=1, keepdims=True))
        if sweep >= WARMUP:
            alpha = rng.gamma(a_alpha + K - 1.0, 1.0 / (b_alpha - log_nu[:, -1]))
        past = sweep + 1 - WARMUP - burnin
        if past > 0 and past % thinning == 0:
            trace[:, kept] = n0
            kept += 1
    return trace + n


def _summaries(draws: list[np.ndarray]) -> np.ndarray:
    """Per run: the posterior 2.5 %, 50 % and 97.5 % points and the mean, shape (runs, 4)."""
    return np.array([[*np.quantile(d, [0.025, 0.5, 0.975]), d.mean()] for d in draws])


@pytest.mark.parametrize("which", ["heterogeneous", "two classes"])
def test_same_posterior_as_the_previous_sampler(which: str) -> None:
    # Short chains on small tables, 10 seeds each: the per-run quantiles of the two samplers must
    # agree within Monte Carlo error (the spread over seeds). A sampler that dropped the unseen
    # people's classes, or drew a Beta or the unseen count wrongly, moves them by many SEs.
    if which == "heterogeneous":
        tab = simulate_table(700, [0.3, 0.25, 0.35, 0.2], heterogeneity=1.0, seed=3).table
    else:
        easy = simulate_table(250, [0.5, 0.45, 0.4], seed=12).table
        hard = simulate_table(500, [0.1, 0.08, 0.12], seed=13).table
        tab = CaptureTable(easy.lists, easy.counts + hard.counts)
    settings = dict(burnin=300, samples=150, thinning=2)
    new = _summaries([LatentClassModel(tab, **settings).fit(seed=s).draws for s in range(10)])
    old = _summaries([reference_draws(tab, seed=100 + s, **settings) for s in range(10)])
    diff = new.mean(axis=0) - old.mean(axis=0)
    se = np.sqrt(new.var(axis=0, ddof=1) / len(new) + old.var(axis=0, ddof=1) / len(old))
    assert np.all(np.abs(diff) <= 4.0 * se + 1.0), (diff, se)


def test_tables_fitted_together_as_one_by_one() -> None:
    # fit_many runs the chains of several tables in one sampler (the coverage benchmark's way):
    # each table's chains see only its counts, so table A's posterior among B's is A's alone.
    a = simulate_table(700, [0.3, 0.25, 0.35, 0.2], heterogeneity=1.0, seed=3).table
    b = simulate_table(2000, [0.1, 0.15, 0.2, 0.1], seed=4).table  # other size, other cells
    settings = dict(burnin=300, samples=150, thinning=2)
    together = LatentClassModel.fit_many([a, b] * 5, seed=7, **settings)
    assert [r.n_observed for r in together] == [a.n_observed, b.n_observed] * 5
    with_b = _summaries([r.draws for r in together[::2]])
    alone = _summaries([LatentClassModel(a, **settings).fit(seed=s).draws for s in range(5)])
    diff = with_b.mean(axis=0) - alone.mean(axis=0)
    se = np.sqrt(with_b.var(axis=0, ddof=1) / 5 + alone.var(axis=0, ddof=1) / 5)
    assert np.all(np.abs(diff) <= 4.0 * se + 1.0), (diff, se)
    # b's estimates are near b's own size, far from a's
    assert all(abs(r.estimate / b.n_observed - 1) < abs(r.estimate / a.n_observed - 1) for r in together[1::2])
    with pytest.raises(ValueError, match="same number of lists"):
        LatentClassModel.fit_many([a, simulate_table(500, [0.3, 0.3, 0.3], seed=1).table])


class _Counting:
    """A random generator that counts its calls."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng, self.calls = rng, 0

    def __getattr__(self, name: str):  # noqa: ANN204
        self.calls += 1
        return getattr(self.rng, name)


def test_three_generator_calls_a_sweep() -> None:
    # The speed-up: numpy checks its arguments on every call, which costs more than the draws on
    # arrays this small, so the calls per sweep are what the time is made of (eleven before).
    tab = simulate_table(600, [0.3, 0.4, 0.2, 0.3], seed=4).table
    model = LatentClassModel(tab)
    counting = _Counting(np.random.default_rng(1))
    present = np.flatnonzero(tab.cell_counts > 0)
    X = (((present + 1)[:, None] >> np.arange(4)) & 1).astype(np.float64)  # noqa: N806
    sweep = _Sweep(model, counting, X, tab.cell_counts[present].astype(np.int64), 4, 10)
    state = _State(log_odds=np.zeros((4, 4, 10)), log_zero=np.full((4, 10), np.log(0.1) + 4 * np.log(0.5)),
                   alpha=np.full(4, 0.03), n0=np.zeros(4, dtype=np.int64))
    for _ in range(50):
        sweep(state, update_alpha=True)
    assert counting.calls == 150
    assert state.n0.shape == (4,) and (state.n0 >= 0).all()


def test_the_unseen_are_allocated_with_the_seen() -> None:
    # The unseen people's classes are drawn with the next sweep's multinomial: the people in the
    # classes add up to everyone seen plus the unseen count of the sweep before.
    tab = simulate_table(600, [0.3, 0.4, 0.2, 0.3], seed=4).table
    model = LatentClassModel(tab)
    present = np.flatnonzero(tab.cell_counts > 0)
    X = (((present + 1)[:, None] >> np.arange(4)) & 1).astype(np.float64)  # noqa: N806
    sweep = _Sweep(model, np.random.default_rng(2), X, tab.cell_counts[present].astype(np.int64), 4, 10)
    state = _State(log_odds=np.zeros((4, 4, 10)), log_zero=np.full((4, 10), np.log(0.1) + 4 * np.log(0.5)),
                   alpha=np.full(4, 0.03), n0=np.array([0, 10, 100, 1000]))
    for _ in range(20):
        before = state.n0.copy()
        sweep(state, update_alpha=True)
        assert state.in_class.sum(axis=1).tolist() == (tab.n_observed + before).tolist()
