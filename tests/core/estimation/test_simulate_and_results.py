"""The simulator (known truth), the result object, and the sparse-data warnings."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from tipnet.core.estimation import (
    CaptureTable,
    MSEModel,
    SparseDataWarning,
    TableError,
    estimate,
    simulate_table,
)
from tipnet.core.estimation.simulate import pattern_probabilities

from ._shared import table


def test_simulation_is_reproducible_and_keeps_the_truth() -> None:
    a = simulate_table(5000, [0.1, 0.2, 0.3], seed=3)
    b = simulate_table(5000, [0.1, 0.2, 0.3], seed=3)
    assert np.array_equal(a.table.counts, b.table.counts)
    assert a.true_size == 5000
    assert a.table.n_observed + a.unobserved == 5000


def test_independent_lists_have_the_given_capture_probabilities() -> None:
    probs = pattern_probabilities([0.1, 0.25, 0.4])
    w = np.arange(8)
    for i, p in enumerate([0.1, 0.25, 0.4]):
        assert probs[(w >> i) & 1 == 1].sum() == pytest.approx(p)


def test_estimator_recovers_the_truth_when_the_model_holds() -> None:
    sim = simulate_table(200_000, [0.1, 0.15, 0.2, 0.1], interactions={(0, 1): 0.8}, seed=11)
    result = estimate(sim.table)
    assert "A:B" in result.model
    assert result.estimate == pytest.approx(200_000, rel=0.03)
    assert result.ci_low < 200_000 < result.ci_high


def test_heterogeneity_biases_pairwise_models_downwards() -> None:
    # Otis et al. (1978): with heterogeneous catchability, models without it underestimate.
    sims = [simulate_table(20_000, [0.1, 0.1, 0.1, 0.1], heterogeneity=1.5, seed=s)
            for s in range(5)]
    ests = [estimate(s.table, pthresh=0.0).estimate for s in sims]
    assert np.mean(ests) < 0.9 * 20_000


def test_simulator_validates() -> None:
    with pytest.raises(TableError):
        simulate_table(100, [0.1, 1.2])
    with pytest.raises(TableError):
        simulate_table(100, [0.1, 0.2], interactions={(0, 0): 1.0})
    with pytest.raises(TableError):
        simulate_table(100, [0.1, 0.2], lists=["A"])


def test_result_to_dict_is_json_and_has_the_cli_fields() -> None:
    result = estimate(table("UKdat_5"), nboot=50, seed=2)
    data = result.to_dict()
    json.dumps(data, allow_nan=False)
    for key in ("observed", "estimate", "ci_low", "ci_high", "bca_low", "bca_high", "model",
                "method", "warnings"):
        assert key in data
    assert data["observed"] == 2744
    assert data["model"][0] == "LA:NG"
    assert data["bootstrap"]["nboot"] == 50


def test_no_bootstrap_fields_without_bootstrap() -> None:
    result = estimate(table("UKdat_5"))
    assert result.bootstrap is None and result.bca_low is None
    assert "bca_low" not in result.to_dict()
    assert "ignores the uncertainty" in result.summary()


def test_never_overlapping_pairs_are_marked_in_the_model() -> None:
    # A table where B and C never overlap but are both common: the stepwise search adds B:C at
    # minus infinity (p = exp(-lambda*) is tiny), as SparseMSE does.
    counts = np.zeros(8, dtype=np.int64)
    counts[[1, 2, 4, 3, 5]] = [400, 300, 300, 60, 50]
    t = CaptureTable(("A", "B", "C"), counts)
    result = estimate(t)
    assert "B:C" in result.model and result.never_overlap == ("B:C",)
    assert "B:C (never overlap)" in result.to_dict()["model"]
    assert "never_overlap_in_model" in {n.code for n in result.warnings}
    assert "(never overlap)" in result.summary()


def test_sparse_table_warns() -> None:
    counts = np.zeros(8, dtype=np.int64)
    counts[[1, 2, 4, 3, 6]] = [20, 15, 4, 2, 1]
    t = CaptureTable(("A", "B", "C"), counts)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = MSEModel(t).fit()
    codes = {n.code for n in result.warnings}
    assert {"few_overlaps", "small_list"} <= codes
    assert any(issubclass(w.category, SparseDataWarning) for w in caught)
    assert "too sparse" in result.summary()


def test_summary_mentions_the_numbers() -> None:
    text = estimate(table("UKdat_5"), nboot=30, seed=1).summary()
    assert "11,313" in text and "9,884 to 13,027" in text and "BCa" in text
    assert "LA:NG + NG:GP" in text
