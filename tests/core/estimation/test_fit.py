"""The hand-written Newton fit against statsmodels GLM(Poisson), and the extended-MLE handling."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from tipnet.core.estimation.design import all_pairs, design_matrix, model_terms, parse_term
from tipnet.core.estimation.existence import check_model
from tipnet.core.estimation.fit import fit_model, poisson_newton

from ._shared import table


def statsmodels_fit(x: np.ndarray, y: np.ndarray):  # type: ignore[no-untyped-def]
    return sm.GLM(y, x, family=sm.families.Poisson()).fit(tol=1e-13, maxiter=200)


@pytest.mark.parametrize(
    ("name", "terms"),
    [
        ("UKdat_5", []),
        ("UKdat_5", ["LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO"]),
        ("UKdat", ["PF:NCA", "LA:NG", "NG:GP", "LA:PF", "PF:GP", "GO:GP", "NG:GO"]),
        ("Kosovo", ["EXH:ABA", "EXH:OSCE", "EXH:HRW", "ABA:OSCE", "OSCE:HRW", "EXH:ABA:OSCE"]),
        ("Western", ["A:E"]),
    ],
)
def test_newton_matches_statsmodels(name: str, terms: list[str]) -> None:
    t = table(name)
    y = t.cell_counts.astype(float)
    model = tuple(parse_term(s, t.lists) for s in terms)
    fit = fit_model(t.k_lists, model, y)
    assert fit.converged and not fit.empty
    x = design_matrix(t.k_lists, model_terms(t.k_lists, model))
    ref = statsmodels_fit(x, y)
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(fit.cov, ref.cov_params(), rtol=1e-6, atol=1e-12)
    assert fit.loglik == pytest.approx(ref.llf, rel=1e-10)
    assert fit.deviance == pytest.approx(ref.deviance, rel=1e-6, abs=1e-8)
    assert fit.aic == pytest.approx(ref.aic, rel=1e-10)  # glm AIC: no non-overlapping pairs here


def test_non_overlapping_pair_is_fixed_at_minus_infinity() -> None:
    # UKdat_5: LA and GP never overlap. SparseMSE drops every cell containing both and leaves the
    # term out (buildmodel), adding 2 to the AIC (modelfit); statsmodels on the reduced table
    # must agree with our fit.
    t = table("UKdat_5")
    y = t.cell_counts.astype(float)
    la_gp = parse_term("LA:GP", t.lists)
    fit = fit_model(5, (la_gp,), y)
    assert fit.empty == (la_gp,)
    assert fit.coef_dict()[la_gp] == -math.inf
    assert not np.any(fit.mu[~fit.keep])
    assert fit.keep.sum() == 31 - 8  # 8 of the 31 cells contain both LA and GP
    ref = statsmodels_fit(fit.design, y[fit.keep])
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-7)
    assert fit.aic == pytest.approx(ref.aic + 2.0, rel=1e-12)


def test_empty_list_is_fixed_at_minus_infinity() -> None:
    y = np.zeros(7)
    y[[0, 1, 2]] = [30, 20, 6]  # cells A, B, AB; list C (bit 2) is empty
    fit = fit_model(3, (), y)
    assert 4 in fit.empty  # the main effect of C
    assert fit.converged
    # Without C this is Lincoln-Petersen: N = n_A n_B / m = 36 * 26 / 6.
    assert fit.estimate == pytest.approx(36 * 26 / 6, rel=1e-8)


def test_warm_start_and_cold_start_agree() -> None:
    t = table("UKdat")
    y = t.cell_counts.astype(float)
    model = all_pairs(6)[:5]
    cold = fit_model(6, model, y)
    warm = fit_model(6, model, y, {0: 8.0, 1: -3.0, 8: 1.0})
    np.testing.assert_allclose(cold.coef, warm.coef, rtol=1e-8)


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=400), min_size=15, max_size=15),
    pair_mask=st.integers(min_value=0, max_value=63),
)
def test_random_tables_match_statsmodels(counts: list[int], pair_mask: int) -> None:
    """Property: wherever the extended MLE exists, our estimate equals statsmodels'."""
    y = np.asarray(counts, dtype=float)
    if y.sum() == 0:
        return
    pairs = all_pairs(4)
    model = tuple(p for i, p in enumerate(pairs) if (pair_mask >> i) & 1)
    if check_model(4, model, y, empty_mains=True) != 0:
        return
    fit = fit_model(4, model, y)
    ref = statsmodels_fit(fit.design, y[fit.keep])
    assert fit.converged
    assert fit.estimate == pytest.approx(y.sum() + math.exp(ref.params[0]), rel=1e-6)


def test_poisson_newton_reports_non_convergence_when_no_mle() -> None:
    # Artificial_3 with the AB interaction: the MLE does not exist (CSV 2021 Table 3), so
    # parameters drift; the fit must stop and say so, not loop or overflow.
    t = table("Artificial_3")
    y = t.cell_counts.astype(float)
    ab = parse_term("A:B", t.lists)
    x = design_matrix(3, model_terms(3, (ab,)))
    beta, mu, converged, n_iter = poisson_newton(x, y, max_iter=30)
    assert np.all(np.isfinite(beta)) and np.all(np.isfinite(mu))
    assert n_iter <= 30
