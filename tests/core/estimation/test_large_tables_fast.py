"""The fast path for 8 or more lists (issue 15) gives what the dense path gives: the same
existence codes, the same fits, the same stepwise models and estimates. Each case runs both
paths on the same data by moving the thresholds (``GRAM_RANK_FROM``, ``ZETA_FROM``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tipnet.core.estimation import existence, fit
from tipnet.core.estimation.design import all_pairs
from tipnet.core.estimation.selection import stepwise
from tipnet.core.estimation.simulate import simulate_table


def both_paths(monkeypatch: pytest.MonkeyPatch, run):  # type: ignore[no-untyped-def]
    """``run()`` on the fast path, then on the dense path (thresholds out of reach, caches cleared)."""
    existence._check_cached.cache_clear()
    fast = run()
    monkeypatch.setattr(existence, "GRAM_RANK_FROM", 99)
    monkeypatch.setattr(fit, "ZETA_FROM", 99)
    existence._check_cached.cache_clear()
    try:
        dense = run()
    finally:
        existence._check_cached.cache_clear()
    return fast, dense


@pytest.mark.parametrize("k", [8, 9, 10])
def test_existence_codes_agree_on_random_supports(monkeypatch: pytest.MonkeyPatch, k: int) -> None:
    rng = np.random.default_rng(k)
    pairs = all_pairs(k)
    cases = []
    for _ in range(40):
        model = tuple(int(p) for p in rng.choice(pairs, size=int(rng.integers(0, len(pairs) + 1)), replace=False))
        y = np.zeros(2**k - 1)
        y[rng.choice(2**k - 1, size=int(rng.integers(k, 6 * k)), replace=False)] = 1.0  # sparse supports
        cases.append((model, y, bool(rng.integers(0, 2))))

    def run() -> list[int]:
        return [existence.check_model(k, m, y, empty_mains=e) for m, y, e in cases]

    fast, dense = both_paths(monkeypatch, run)
    assert fast == dense
    assert len(set(dense)) > 1  # the cases exercise more than one answer


@pytest.mark.parametrize(("k", "people"), [(8, 3000), (10, 6000)])
def test_stepwise_models_and_estimates_agree(monkeypatch: pytest.MonkeyPatch, k: int, people: int) -> None:
    probabilities = [0.12 + 0.04 * (i % 5) for i in range(k)]
    table = simulate_table(people, probabilities, interactions={(0, 1): 0.8, (1, 2): -0.5}, heterogeneity=0.8, seed=k).table
    y = table.cell_counts.astype(float)
    rng = np.random.default_rng(0)
    samples = [y, *rng.multinomial(int(y.sum()), y / y.sum(), size=3).astype(float)]

    def run() -> list[tuple]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fits = [stepwise(k, s, 0.02) for s in samples]
        return [(f.model, f.estimate) for f in fits]

    fast, dense = both_paths(monkeypatch, run)
    for (model_fast, est_fast), (model_dense, est_dense) in zip(fast, dense, strict=True):
        assert model_fast == model_dense
        assert est_fast == pytest.approx(est_dense, rel=1e-9)
