"""The heterogeneity warning's signs that need no latent-class run (issue 15): the Darroch test
beyond the chosen model and the paired comparison with Chao's bound over the bootstrap.

Small simulated tables with a known truth; no latent sampler runs here (its part of the warning
is tested in test_latent.py), so every test takes well under a second or two.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from tipnet.core.estimation import MSEModel, simulate_table
from tipnet.core.estimation.chao import chao_from_cells, chao_lower_bound
from tipnet.core.estimation.diagnostics import (
    CHAO_SHARE,
    DARROCH_LEVEL,
    darroch_test,
    heterogeneity_evidence,
    heterogeneity_notes,
)

P4 = [0.15, 0.20, 0.25, 0.10]


def test_darroch_test_finds_people_who_differ_and_not_alike_people() -> None:
    alike = simulate_table(3000, P4, seed=3).table
    differ = simulate_table(3000, P4, heterogeneity=1.0, seed=3).table
    tau_a, p_a, term_a = darroch_test(MSEModel(alike).fit(nboot=0, warn=False).fit)
    tau_d, p_d, term_d = darroch_test(MSEModel(differ).fit(nboot=0, warn=False).fit)
    assert term_a == term_d == "darroch"
    assert p_a > DARROCH_LEVEL
    assert tau_d > 0 and p_d < 1e-4


def test_darroch_test_uses_the_poisson_term_when_the_model_has_every_pair() -> None:
    # With all six pairs in the model, |w|^2 / 2 lies in its span; 2^|w| adds the groups of three
    # and four.
    from tipnet.core.estimation.design import all_pairs
    from tipnet.core.estimation.fit import fit_model

    table = simulate_table(3000, P4, heterogeneity=1.0, seed=4).table
    full = fit_model(4, all_pairs(4), table.cell_counts.astype(np.float64))
    tau, p, term = darroch_test(full)
    assert term == "poisson" and math.isfinite(p) and 0.0 <= p <= 1.0


def test_a_negative_coefficient_never_fires() -> None:
    # Lists that avoid each other (negative pairwise dependence the model does not include):
    # the term's coefficient is negative, the one-sided p-value is 1.
    table = simulate_table(4000, P4, interactions={(0, 1): -0.8, (2, 3): -0.8, (0, 2): -0.8}, seed=5).table
    fit = MSEModel(table, pthresh=0.0).fit(nboot=0, warn=False).fit  # independence, nothing added
    tau, p, _term = darroch_test(fit)
    assert tau < 0 and p == 1.0


def test_chao_per_replicate_equals_the_bound_of_each_table() -> None:
    tables = [simulate_table(500 + 100 * i, [0.3, 0.2, 0.25], seed=i).table for i in range(5)]
    cells = np.stack([t.cell_counts for t in tables]).astype(np.float64)
    expected = [chao_lower_bound(t).estimate for t in tables]
    assert chao_from_cells(cells) == pytest.approx(expected)


def test_the_bootstrap_keeps_chao_for_every_replicate() -> None:
    table = simulate_table(2000, P4, seed=6).table
    result = MSEModel(table).fit(nboot=150, seed=2, warn=False)
    assert result.bootstrap.chao.shape == (150,)
    assert np.all(result.bootstrap.chao >= table.n_observed)


def test_evidence_and_warning_on_a_heterogeneous_table_without_the_latent_run() -> None:
    table = simulate_table(3000, P4, heterogeneity=1.0, seed=7).table
    result = MSEModel(table).fit(nboot=200, seed=1, warn=False)
    evidence = heterogeneity_evidence(result)
    assert evidence["darroch_p"] < DARROCH_LEVEL and evidence["darroch_term"] == "darroch"
    assert evidence["chao_share"] >= CHAO_SHARE
    notes = heterogeneity_notes(result, None, chao_lower_bound(table))
    assert [n.code for n in notes] == ["heterogeneity"]
    message = notes[0].message
    assert "likely too low" in message and "Darroch" in message and "Chao's lower bound" in message
    # Chao's sign is named once: the whole interval below the bound, or else the paired share.
    params = notes[0].params
    assert params["below_chao"] != params["below_chao_replicates"]
    assert notes[0].params["more_overlap"] is True and notes[0].params["latent"] is None


def test_no_warning_where_the_pairwise_model_holds() -> None:
    # The benchmark's "moderate" design (A:B +0.7, C:D -0.5); false alarms are measured over
    # hundreds of tables in bench/estimate_coverage.py, here two fixed tables.
    for seed in (8, 9):
        table = simulate_table(5000, P4, interactions={(0, 1): 0.7, (2, 3): -0.5}, seed=seed).table
        result = MSEModel(table).fit(nboot=200, seed=seed, warn=False)
        evidence = heterogeneity_evidence(result)
        assert evidence["chao_share"] < CHAO_SHARE
        assert heterogeneity_notes(result, None, chao_lower_bound(table), evidence) == []


def test_without_a_bootstrap_there_is_no_chao_share() -> None:
    table = simulate_table(3000, P4, seed=10).table
    evidence = heterogeneity_evidence(MSEModel(table).fit(nboot=0, warn=False))
    assert evidence["chao_share"] is None and evidence["darroch_p"] is not None


def test_saved_figures_alone_can_be_judged() -> None:
    # The benchmark re-reads saved rows: a log-linear result as plain numbers and the evidence.
    loglinear = SimpleNamespace(estimate=2500.0, ci_low=2400.0, ci_high=2600.0, bca_low=None, bca_high=None)
    chao = SimpleNamespace(estimate=2550.0)
    fired = heterogeneity_notes(loglinear, None, chao, {"darroch_p": 0.001, "chao_share": 0.5})
    quiet = heterogeneity_notes(loglinear, None, chao, {"darroch_p": 0.5, "chao_share": 0.5})
    paired = heterogeneity_notes(loglinear, None, chao, {"darroch_p": None, "chao_share": 0.93})
    assert [n.code for n in fired] == ["heterogeneity"] and quiet == []
    assert paired[0].params["below_chao_replicates"] is True
