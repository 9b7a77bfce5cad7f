"""Model selection and point estimates against SparseMSE and the published figures.

Every number here carries its source. Reference runs of SparseMSE 2.0.2 are those listed in
../shared/data/README.md; published figures are from ../shared/reference/mse.md section 4.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tipnet.core.estimation import MSEModel, estimate
from tipnet.core.estimation.design import all_pairs, design_matrix, term_name
from tipnet.core.estimation.selection import hierarchical_models, poisson_pvalues, stepwise

from ._shared import table

POINT = 0.005  # the tolerance for point estimates: 0.5 %


# ---------------------------------------------------------------------- SparseMSE reference runs
@pytest.mark.parametrize(
    ("name", "point", "low", "high", "model"),
    [
        # SparseMSE 2.0.2 estimatepopulation.0(UKdat_5, method="stepwise"): ../shared/data/README.md
        ("UKdat_5", 11312.99, 9884.40, 13027.40,
         ("LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO")),
        # SparseMSE 2.0.2 estimatepopulation.0(UKdat, method="stepwise"): same source
        ("UKdat", 11417.99, 9977.28, 13145.66,
         ("PF:NCA", "LA:NG", "NG:GP", "LA:PF", "PF:GP", "GO:GP", "NG:GO")),
    ],
)
def test_stepwise_matches_sparsemse(name: str, point: float, low: float, high: float,
                                    model: tuple[str, ...]) -> None:
    result = estimate(table(name))
    # Exact agreement is expected (same model, same MLE); 0.5 % is the tolerance.
    assert result.estimate == pytest.approx(point, abs=0.01)
    assert result.ci_low == pytest.approx(low, abs=0.01)
    assert result.ci_high == pytest.approx(high, abs=0.01)
    assert result.model == model  # same terms, in the order SparseMSE added them
    assert result.never_overlap == ()


# ---------------------------------------------------------------------- published figures
@pytest.mark.parametrize(
    ("name", "pthresh", "point", "model"),
    [
        # Chan, Silverman & Vincent (2021) JASA 116(535), Sec. 4.1: New Orleans, p = 0.02 selects
        # DE, estimate 1184 (N = 185, the SparseMSE version of the data).
        ("NewOrl_SparseMSE", 0.02, 1184, ("D:E",)),
        # Same paper, main effects only (threshold 0.01 or smaller): 997.
        ("NewOrl_SparseMSE", 0.0, 997, ()),
        # Same paper: five-list New Orleans, no pairwise term significant, 1034.
        ("NewOrl_5_SparseMSE", 0.02, 1034, ()),
        # Same paper, Sec. 4.2: Western site, AE selected, 2483.
        ("Western", 0.02, 2483, ("A:E",)),
    ],
)
def test_published_stepwise_point_estimates(name: str, pthresh: float, point: float,
                                            model: tuple[str, ...]) -> None:
    result = estimate(table(name), pthresh=pthresh)
    assert result.estimate == pytest.approx(point, rel=POINT)
    assert round(result.estimate) == point
    assert result.model == model


@pytest.mark.parametrize(
    ("name", "maxorder", "point"),
    [
        # Silverman, Chan & Vincent (2024) Stat. Comput. 34:44, Table 6: Kosovo, all models, 10,357.
        ("Kosovo", None, 10357),
        # Same table: Kosovo, interactions of order 2 only, 14,342.
        ("Kosovo", 2, 14342),
        # Same paper, Tables 3 and 6: Korea, estimate 157.
        ("Korea", None, 157),
        # Same paper, Table 6 / Fig. 1: UKdat_5, maximum order 2, 22,991.
        ("UKdat_5", 2, 22991),
        # Same table: New Orleans five lists, N = 186 (MultipleSystemsEstimation's data), 981.
        ("NewOrl_5_MSE", None, 981),
    ],
)
def test_published_bic_point_estimates(name: str, maxorder: int | None, point: int) -> None:
    result = estimate(table(name), method="bic", maxorder=maxorder)
    assert result.estimate == pytest.approx(point, rel=POINT)
    assert round(result.estimate) == point


@pytest.mark.slow
def test_published_bic_ukdat5_order_4() -> None:
    # Silverman, Chan & Vincent (2024) Table 6: UKdat_5, all models up to order 4, 25,311.
    result = estimate(table("UKdat_5"), method="bic", maxorder=4)
    assert round(result.estimate) == 25311
    assert "LA:NG:PFNCA" in result.model


def test_aic_stepwise_lies_in_the_home_office_range() -> None:
    # Silverman (2014), Home Office: 10,000 to 13,000 potential victims in 2013 (six lists);
    # Bales, Hesketh & Silverman (2015) Significance 12(3):16-21.
    result = estimate(table("UKdat"), method="aic")
    assert 10_000 <= result.estimate <= 13_000
    assert result.options == {"pthresh": 0.05}


# ---------------------------------------------------------------------- the rules themselves
def test_poisson_pvalue_is_sparsemse_definition() -> None:
    n = np.array([0, 1, 5, 20, 68, 0])
    lam = np.array([2.18, 17.0, 6.34, 12.0, 61.36, 0.0])
    expected = np.minimum(stats.poisson.cdf(n, lam), stats.poisson.sf(n - 1, lam))
    expected[-1] = 1.0  # P(X <= 0) = P(X >= 0) = 1 for lambda = 0
    np.testing.assert_allclose(poisson_pvalues(n.astype(float), lam), expected, rtol=1e-12)


def test_thresholds_zero_and_one() -> None:
    t = table("UKdat_5")
    y = t.cell_counts.astype(float)
    assert stepwise(5, y, 0.0).model == ()
    # pthresh = 1: every pair, if that model passes the check (it does for UKdat_5).
    assert stepwise(5, y, 1.0).model == all_pairs(5)


def test_candidates_failing_the_check_are_skipped() -> None:
    # Artificial_3: AB is the most significant pair but its model has no MLE (CSV 2021 Table 3),
    # so SparseMSE gives it p = 1 and never adds it.
    t = table("Artificial_3")
    y = t.cell_counts.astype(float)
    fit = stepwise(3, y, 1.0)
    assert 0b011 not in fit.model


def test_p_values_use_fitted_means_of_retained_cells() -> None:
    t = table("UKdat_5")
    y = t.cell_counts.astype(float)
    fit = stepwise(5, y)
    pairs = all_pairs(5)
    lam = design_matrix(5, pairs).T @ fit.mu
    p = poisson_pvalues(design_matrix(5, pairs).T @ y, lam)
    remaining = [pv for pair, pv in zip(pairs, p, strict=True) if pair not in fit.model]
    assert min(remaining) >= 0.02  # the search stopped because nothing is significant


def test_hierarchical_model_counts() -> None:
    # MultipleSystemsEstimation: 2**15 = 32,768 six-list models of order <= 2.
    assert sum(1 for _ in hierarchical_models(6, 2)) == 32768
    # Three lists up to order 2: the 8 graphs on three vertices.
    assert sum(1 for _ in hierarchical_models(3, 2)) == 8
    # Four lists, order 3: graphs plus triangles chosen among those present (hand count 113,
    # matching "ntop = 113 (all)" in Silverman, Chan & Vincent 2024, Table 2, for Kosovo).
    assert sum(1 for _ in hierarchical_models(4, 3)) == 113


def test_bic_ranking_is_sorted_and_names_terms() -> None:
    result = estimate(table("Kosovo"), method="bic")
    bics = [b for _m, b, _e in result.ranking]
    assert bics == sorted(bics)
    assert result.ranking[0][0] == result.model
    assert result.model[-1] == "EXH:ABA:OSCE"


def test_model_options_are_validated() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        MSEModel(table("Korea"), method="lasso")
    with pytest.raises(ValueError, match="maxorder"):
        MSEModel(table("Korea"), method="bic", maxorder=3)
    with pytest.raises(ValueError, match="six lists"):
        MSEModel(table("NewOrl_SparseMSE"), method="bic")
    with pytest.raises(ValueError, match="pthresh"):
        MSEModel(table("Korea"), pthresh=2.0)


def test_term_names() -> None:
    t = table("UKdat")
    assert term_name(0b110000, t.lists) == "GP:NCA"
    assert term_name(0, t.lists) == "(Intercept)"
