"""The restricted subset/superset transforms of the 8-lists-and-more path (issue 15, stepwise
speed) equal their definitions: ``sum of v[w] over w containing u`` and ``sum of beta[t] over t
inside w``, on random inputs, and the transform design equals the dense design in every product
the Newton fit takes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tipnet.core.estimation.design import (
    MaskSums,
    TermSums,
    all_pairs,
    design_matrix,
    model_terms,
    subset_sums,
    superset_sums,
)
from tipnet.core.estimation.fit import ZetaDesign, kept_cells
from tipnet.core.estimation.selection import poisson_pvalues, screened_pvalues


def contains(k: int) -> np.ndarray:
    """``C[u, w] = 1`` when ``w`` contains ``u``: the definition, built the slow way."""
    n = 2**k
    c = np.zeros((n, n))
    for u in range(n):
        for w in range(n):
            if w & u == u:
                c[u, w] = 1.0
    return c


CONTAINS = {k: contains(k) for k in range(1, 9)}


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8), st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(0, 2))
def test_mask_sums_are_superset_sums_by_definition(k: int, seed: int, n_masks: int, lead: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (2,) * lead + (2**k,)
    values = rng.normal(size=shape) * 10.0 ** rng.integers(-3, 4)
    masks = rng.integers(0, 2**k, size=n_masks)  # repeats allowed, any order
    expected = values @ CONTAINS[k].T  # out[u] = sum over w containing u
    got = MaskSums(k, masks)(values)
    np.testing.assert_allclose(got, expected[..., masks], rtol=1e-12, atol=1e-12 * np.abs(values).sum())
    np.testing.assert_allclose(superset_sums(values, k), expected, rtol=1e-12, atol=1e-12 * np.abs(values).sum())


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8), st.integers(0, 2**32 - 1), st.integers(1, 30))
def test_term_sums_are_subset_sums_by_definition(k: int, seed: int, n_terms: int) -> None:
    rng = np.random.default_rng(seed)
    terms = rng.choice(2**k, size=min(n_terms, 2**k), replace=False)
    coef = rng.normal(size=terms.size)
    placed = np.zeros(2**k)
    placed[terms] = coef
    expected = CONTAINS[k].T @ placed  # out[w] = sum over terms t inside w
    got = TermSums(k, terms.tolist())(coef)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * np.abs(coef).sum())
    np.testing.assert_allclose(subset_sums(placed, k), expected, rtol=1e-12, atol=1e-12 * np.abs(coef).sum())


@settings(max_examples=25, deadline=None)
@given(st.integers(8, 12), st.integers(0, 2**32 - 1))
def test_transform_design_equals_dense_design(k: int, seed: int) -> None:
    """Random pairwise model, random empty terms (their cells dropped): ``X beta``, ``X'v`` and
    ``X' diag(w) X`` agree with the dense design's products."""
    rng = np.random.default_rng(seed)
    pairs = np.asarray(all_pairs(k))
    model = tuple(int(t) for t in rng.choice(pairs, size=int(rng.integers(0, 12)), replace=False))
    terms = model_terms(k, model)
    empty = tuple(int(t) for t in rng.choice(terms[1:], size=int(rng.integers(0, 3)), replace=False))
    fitted = tuple(t for t in terms if t not in empty)
    keep = kept_cells(k, empty)
    x = design_matrix(k, fitted)[keep]
    z = ZetaDesign(k, fitted, keep)
    beta = rng.normal(size=len(fitted))
    v = rng.normal(size=int(keep.sum()))
    w = rng.random(int(keep.sum())) * 100.0
    np.testing.assert_allclose(z.dot(beta), x @ beta, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(z.tdot(v), x.T @ v, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(z.gram(w), (x.T * w) @ x, rtol=1e-12)
    g, h = z.tdot_gram(v, w)
    np.testing.assert_allclose(g, x.T @ v, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(h, (x.T * w) @ x, rtol=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 3000), min_size=1, max_size=70),
    st.integers(0, 2**32 - 1),
    st.sampled_from([0.001, 0.02, 0.05, 0.2, 0.49, 0.5, 0.9]),
)
def test_screened_pvalues_are_exact_below_the_threshold(counts: list[int], seed: int, pthresh: float) -> None:
    """The search reads p-values only against ``pthresh`` and orders those below it: there the
    screened values are exactly SparseMSE's, elsewhere at least ``pthresh``."""
    rng = np.random.default_rng(seed)
    nstar = np.asarray(counts, dtype=np.float64)
    # Means near the counts (the median bounds' edges), far from them, and zero.
    lam = np.abs(nstar + rng.normal(size=nstar.size) * rng.choice([0.0, 0.4, 1.0, 5.0, 50.0], size=nstar.size))
    lam[rng.random(nstar.size) < 0.1] = 0.0
    if seed % 7 == 0:  # a fit gone wrong: NaN and infinite means are passed through as before
        lam[rng.random(nstar.size) < 0.2] = np.nan if seed % 2 else np.inf
    exact = poisson_pvalues(nstar, lam)
    screened = screened_pvalues(nstar, lam, pthresh)
    below = exact < pthresh
    np.testing.assert_array_equal(screened[below], exact[below])
    assert np.all(screened[~below & ~np.isnan(exact)] >= pthresh)
    np.testing.assert_array_equal(np.isnan(screened), np.isnan(exact))
