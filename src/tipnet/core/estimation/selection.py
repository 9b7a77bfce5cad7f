"""Model selection: SparseMSE's stepwise search, forward AIC, and BIC over hierarchical models.

Three rules, each a faithful port of the published R code:

``stepwise`` (default)
    Chan, Silverman & Vincent (2021), JASA 116(535):1297-1306, Sec. 3.2; SparseMSE
    ``stepwisefit``. Start from main effects. For every two-list term not yet in, compare the
    number seen on both lists, ``N*_ij``, with ``lambda*_ij``, the sum of the fitted means of the
    cells in the fit that contain both lists; the p-value is ``min(P(X <= N*), P(X >= N*))`` for
    ``X ~ Poisson(lambda*)``. A candidate whose model fails the existence/identifiability check
    gets p = 1. Add the smallest p if it is below ``pthresh`` (0.02, chosen by simulation in
    Sec. 4.3), ties going to the first pair in the order (1,2), (1,3), ...; repeat.

``aic``
    Forward stepwise by AIC, the method behind the UK Home Office estimate (Silverman 2014;
    Bales, Hesketh & Silverman 2015, Significance 12(3):16-21; modslavmse ``MSEfit``): add the
    pair that lowers AIC most; stop when no pair lowers it or when the added term's Wald p-value
    exceeds ``pthresh`` (0.05). AIC counts a non-overlapping pair as a parameter (+2), as
    SparseMSE does. Differences from modslavmse, which fits through Rcapture without any
    existence check: candidates whose extended MLE does not exist are skipped, and a
    non-overlapping pair (estimate minus infinity) has Wald p-value 1, which is what Rcapture's
    diverging fit reports, so adding one stops the search.

``bic``
    Silverman, Chan & Vincent (2024), Stat. Comput. 34:44; MultipleSystemsEstimation
    ``estimate_population_bic``. Fit every hierarchical model with interactions up to
    ``maxorder`` whose extended MLE exists and is identifiable, with terms of zero margin at minus
    infinity; BIC = ``npar * log(N_obs) - 2 loglik`` with ``npar`` counting every term; pick the
    smallest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.special import pdtr, pdtrc

from .design import Model, all_pairs, design_matrix, mask_sums, model_terms
from .existence import OK, check_model
from .fit import ZETA_FROM, ModelFit, fit_model, sufficient_statistics

__all__ = [
    "DEFAULT_MAXORDER",
    "RankedModel",
    "Step",
    "aic_stepwise",
    "bic_models",
    "hierarchical_models",
    "poisson_pvalues",
    "stepwise",
]

#: MultipleSystemsEstimation's default maximum interaction order by number of lists.
DEFAULT_MAXORDER = {2: 1, 3: 2, 4: 3, 5: 3, 6: 2}
#: MultipleSystemsEstimation's default number of top models kept for the bootstrap.
DEFAULT_NTOP = {2: None, 3: None, 4: 20, 5: 100, 6: 100}


@dataclass(frozen=True)
class Step:
    """One accepted step of a forward search: the term added and its criterion value."""

    term: int
    statistic: float


def poisson_pvalues(nstar: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """SparseMSE's two-sided Poisson p-value ``min(P(X <= n), P(X >= n))``, ``X ~ Poisson(lam)``.

    This is ``min(ppois(n, lam), ppois(n - 1, lam, lower.tail = FALSE))`` in ``stepwisefit``.
    """
    lower = pdtr(nstar, lam)
    upper = np.where(nstar > 0, pdtrc(np.maximum(nstar - 1, 0), lam), 1.0)
    return np.minimum(lower, upper)


def screened_pvalues(nstar: np.ndarray, lam: np.ndarray, pthresh: float) -> np.ndarray:
    """:func:`poisson_pvalues` where they are below ``pthresh``; elsewhere some value at least
    ``pthresh`` (the search only compares them with ``pthresh`` and orders those below it).

    Each tail costs an incomplete gamma function, and one of the two is at least 1/2 whenever
    ``n`` is off the median: ``P(X <= n) >= 1/2`` for ``n >= lam + 1/3`` and ``P(X >= n) >= 1/2``
    for ``n <= lam - log 2``, because the median ``m`` satisfies ``lam - log 2 <= m < lam + 1/3``
    (Choi 1994, Proc. AMS 121:245-251). With ``pthresh < 1/2`` that tail can
    never be the minimum below ``pthresh``, so it is not computed: about half the work of the
    p-values, which are a sixth of a 12-list search (issue 15). Where a p-value is below
    ``pthresh`` it is the exact value of :func:`poisson_pvalues`.
    """
    if not pthresh < 0.5 or np.isnan(lam).any():  # (a NaN p-value must stay NaN, as in R)
        return poisson_pvalues(nstar, lam)
    pvalues = np.ones_like(lam)
    # (The bounds are widened a little, so rounding can only add work.)
    low = np.flatnonzero(nstar < lam + 0.34)  # lower tail may be small
    high = np.flatnonzero((nstar > lam - 0.69) & (nstar > 0))  # upper tail may be small
    if low.size:
        pvalues[low] = pdtr(nstar[low], lam[low])
    if high.size:
        pvalues[high] = np.minimum(pvalues[high], pdtrc(nstar[high] - 1, lam[high]))
    return pvalues


def stepwise(
    k: int,
    y: np.ndarray,
    pthresh: float = 0.02,
    *,
    start: dict[int, float] | None = None,
    trace: list[Step] | None = None,
) -> ModelFit:
    """SparseMSE's stepwise selection of two-list interactions (Chan, Silverman & Vincent 2021).

    Parameters
    ----------
    k
        Number of lists.
    y
        Counts over the observable cells (bitmask order, float).
    pthresh
        Threshold p-value. 0 gives the main-effects model; 1 gives all pairs when that model
        passes the check (otherwise every pair that keeps the model estimable, one at a time).
    start
        Warm start for the main-effects fit (the bootstrap passes the original data's fit).
    trace
        If given, accepted steps are appended to it.
    """
    pairs = all_pairs(k)
    if pthresh == 1 and check_model(k, pairs, y) == OK:
        return fit_model(k, pairs, y)
    zero = _zero_terms(k, y)
    fit = fit_model(k, (), y, start, empty=_empty(k, (), zero))
    if pthresh == 0:
        return fit
    pair_sums = _pair_sums(k, pairs)
    nstar = pair_sums(y)
    included = np.zeros(len(pairs), dtype=bool)
    model: list[int] = []
    for _ in range(len(pairs)):
        lam = pair_sums(fit.mu)  # fitted means are exactly 0 on cells left out of the fit
        pvalues = screened_pvalues(nstar, lam, pthresh)
        pvalues[included] = 1.0
        order = np.argsort(pvalues, kind="stable")  # ties: lowest index, as R's min(which(...))
        chosen = -1
        for j in order:
            if pvalues[j] >= pthresh:
                break
            if check_model(k, (*model, pairs[j]), y) == OK:
                chosen = int(j)
                break
        if chosen < 0:
            return fit
        model.append(pairs[chosen])
        included[chosen] = True
        if trace is not None:
            trace.append(Step(pairs[chosen], float(pvalues[chosen])))
        fit = fit_model(k, tuple(model), y, fit.coef_dict(), empty=_empty(k, model, zero))
    return fit


def _zero_terms(k: int, y: np.ndarray) -> frozenset[int]:
    """Main effects and pairs with zero sufficient statistic, from one transform per search
    (each fit would otherwise redo it: :func:`~.fit.empty_terms`)."""
    every = model_terms(k, all_pairs(k))
    return frozenset(t for t, n in zip(every, sufficient_statistics(k, every, y), strict=True) if t and n == 0)


def _empty(k: int, model: Model | list[int], zero: frozenset[int]) -> tuple[int, ...]:
    """:func:`~.fit.empty_terms` of a model of pairs, read from :func:`_zero_terms`."""
    return tuple(t for t in model_terms(k, tuple(model)) if t in zero)


def _pair_sums(k: int, pairs: tuple[int, ...]) -> Callable[[np.ndarray], np.ndarray]:
    """``v`` summed over the cells containing each pair (``design.T @ v``): a superset-sum
    transform from 8 lists on (no 4,095 x 66 product; issue 15), the dense product below."""
    if k >= ZETA_FROM:
        sums = mask_sums(k, pairs)
        return lambda v: sums(np.concatenate(([0.0], v)))
    p_design = design_matrix(k, pairs)
    return lambda v: p_design.T @ v


def aic_stepwise(
    k: int,
    y: np.ndarray,
    pthresh: float = 0.05,
    *,
    start: dict[int, float] | None = None,
    trace: list[Step] | None = None,
) -> ModelFit:
    """Forward stepwise selection by AIC (Silverman 2014; modslavmse ``MSEfit``).

    Parameters
    ----------
    pthresh
        The added term's Wald p-value must not exceed this (modslavmse 2.0 default 0.05).
    """
    pairs = all_pairs(k)
    zero = _zero_terms(k, y)
    fit = fit_model(k, (), y, start, empty=_empty(k, (), zero))
    aic0 = fit.aic
    model: list[int] = []
    included = np.zeros(len(pairs), dtype=bool)
    for _ in range(len(pairs)):
        best: ModelFit | None = None
        best_j = -1
        for j, pair in enumerate(pairs):
            if included[j]:
                continue
            candidate = (*model, pair)
            if check_model(k, candidate, y) != OK:
                continue
            cfit = fit_model(k, candidate, y, fit.coef_dict(), empty=_empty(k, candidate, zero))
            if best is None or cfit.aic < best.aic:
                best, best_j = cfit, j
        if best is None or best.aic >= aic0:
            return fit
        pval = best.wald_pvalue(pairs[best_j])
        if pval > pthresh:
            return fit
        model.append(pairs[best_j])
        included[best_j] = True
        if trace is not None:
            trace.append(Step(pairs[best_j], float(best.aic)))
        fit, aic0 = best, best.aic
    return fit


# ---------------------------------------------------------------------- BIC over all models
def hierarchical_models(k: int, maxorder: int) -> Iterator[Model]:
    """All hierarchical log-linear models with every main effect and interactions up to ``maxorder``.

    A term of order ``r`` may be present only if all its subsets of order ``r - 1`` are. For
    six lists and order 2 these are the 2**15 = 32,768 graphs of MultipleSystemsEstimation's
    catalogue. Models are yielded with terms sorted by order, then bitmask.
    """

    def recurse(r: int, current: tuple[int, ...], previous: frozenset[int]) -> Iterator[Model]:
        if r > maxorder:
            yield current
            return
        allowed = [
            sum(1 << b for b in combo)
            for combo in combinations(range(k), r)
            if r == 2
            or all(
                sum(1 << b for b in sub) in previous for sub in combinations(combo, r - 1)
            )
        ]
        if not allowed:
            yield current
            return
        for size in range(len(allowed) + 1):
            for chosen in combinations(allowed, size):
                if size == 0 and r > 2:
                    yield current
                    continue
                yield from recurse(r + 1, current + chosen, frozenset(chosen))

    if maxorder < 2:
        yield ()
        return
    yield from recurse(2, (), frozenset())


@dataclass(frozen=True)
class RankedModel:
    """A model in the BIC ranking, with its fit on the original data."""

    model: Model
    bic: float
    estimate: float
    fit: ModelFit


def check_bic_options(k: int, maxorder: int | None) -> int:
    """Validate and default ``maxorder`` as MultipleSystemsEstimation does."""
    if k > 6:
        raise ValueError(
            "the BIC search over all hierarchical models is available for at most six lists"
        )
    if maxorder is None:
        maxorder = DEFAULT_MAXORDER[k]
    if maxorder < 1 or maxorder > k - 1:
        raise ValueError(f"maxorder must be between 1 and {k - 1} for {k} lists")
    if k == 6 and maxorder > 2:
        raise ValueError(
            "for six lists only models with interactions of order at most 2 are available "
            "(order 3 would mean 3.7 million models)"
        )
    return maxorder


def bic_models(
    k: int,
    y: np.ndarray,
    maxorder: int | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[RankedModel]:
    """Fit every admissible hierarchical model and rank by BIC (Silverman, Chan & Vincent 2024).

    Models whose extended MLE does not exist or is not identifiable (MultipleSystemsEstimation's
    ``check_extended_MLE``, zero-margin main effects included) are left out.
    """
    maxorder = check_bic_options(k, maxorder)
    models = list(hierarchical_models(k, maxorder))
    main = fit_model(k, (), y)
    start = main.coef_dict()
    ranked: list[RankedModel] = []
    for i, model in enumerate(models):
        if check_model(k, model, y, empty_mains=True) == OK:
            fit = fit_model(k, model, y, start)
            ranked.append(RankedModel(model, fit.bic, fit.estimate, fit))
        if progress is not None and (i + 1) % 256 == 0:
            progress(i + 1, len(models))
    ranked.sort(key=lambda r: r.bic)
    return ranked


def best_of(
    k: int, y: np.ndarray, models: list[RankedModel], *, check: bool = True
) -> ModelFit | None:
    """The smallest-BIC fit among ``models`` on new counts ``y`` (used inside the bootstrap)."""
    best: ModelFit | None = None
    for ranked in models:
        if check and check_model(k, ranked.model, y, empty_mains=True) != OK:
            continue
        fit = fit_model(k, ranked.model, y, ranked.fit.coef_dict())
        if best is None or fit.bic < best.bic:
            best = fit
    return best
