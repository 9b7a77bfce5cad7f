"""Fitting Poisson log-linear models to capture tables, fast enough for the bootstrap.

The fit is a hand-written Newton-Raphson (for the canonical log link this is the same as the
iteratively reweighted least squares of ``glm(family = poisson)``, McCullagh & Nelder 1989,
Sec. 2.5) on small dense matrices, started like R's ``glm`` (``mustart = y + 0.1``) or warm-started
from a neighbouring model. It is checked against ``statsmodels`` ``GLM(family=Poisson())`` in the
tests. A BCa bootstrap with selection rerun in every replicate fits tens of thousands of models, so
every microsecond of Python overhead counts: design sub-matrices are cached and the loop touches
only a handful of numpy calls per iteration.

Terms whose sufficient statistic is zero (a list nobody was seen on, or a pair of lists that never
overlap) have extended maximum-likelihood estimate minus infinity (Fienberg & Rinaldo 2012). They
are handled as SparseMSE (Chan, Silverman & Vincent 2021, Sec. 2.5, ``buildmodel``) and
MultipleSystemsEstimation (``fit_hier_model``) do: every cell containing such a term is dropped
from the fit (its fitted value is exactly zero) and the term is left out of the design. They still
count as parameters in the AIC and BIC penalties, as in both packages.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from scipy.linalg.lapack import dposv
from scipy.special import gammaln

from .design import (
    MaskSums,
    Model,
    TermSums,
    all_pairs,
    design_matrix,
    mask_sums,
    model_terms,
    subset_sums,
    union_sums,
)

__all__ = ["ModelFit", "fit_model", "poisson_newton"]

#: Relative tolerance on the Newton decrement (about twice the remaining gain in log-likelihood).
TOL = 1e-11
MAX_ITER = 60


def poisson_newton(
    x: np.ndarray | ZetaDesign,
    y: np.ndarray,
    beta0: np.ndarray | None = None,
    *,
    tol: float = TOL,
    max_iter: int = MAX_ITER,
) -> tuple[np.ndarray, np.ndarray, bool, int]:
    """Maximise the Poisson log-likelihood ``sum(y * eta - exp(eta))`` with ``eta = x @ beta``.

    Parameters
    ----------
    x
        Design matrix (cells by parameters), assumed of full column rank.
    y
        Observed counts.
    beta0
        Starting value. Without one, the first step is R ``glm``'s: a weighted least-squares fit
        of the working response at ``mu = y + 0.1``.

    Returns
    -------
    beta, mu, converged, n_iter
        Coefficients, fitted means, whether the Newton decrement fell below ``tol`` (relative to
        the log-likelihood), and the number of iterations. Non-convergence happens when the MLE
        does not exist (parameters drift to minus infinity); callers check existence first.
    """
    dot, tdot, gram, tdot_gram = _operations(x)
    if beta0 is None:
        mu = y + 0.1
        z = np.log(mu) + (y - mu) / mu
        beta = _solve(gram(mu), tdot(mu * z))
    else:
        beta = np.asarray(beta0, dtype=np.float64).copy()
    eta = dot(beta)
    if beta0 is not None and eta.max() > 700:  # a wild start: fall back to the glm start
        return poisson_newton(x, y, None, tol=tol, max_iter=max_iter)
    eta = np.minimum(eta, 700.0)
    mu = np.exp(eta)
    ll = y @ eta - mu.sum()
    for iteration in range(1, max_iter + 1):
        grad, hess = tdot_gram(y - mu, mu)
        step = _solve(hess, grad)
        decrement = grad @ step
        t = 1.0
        while True:  # step halving keeps every step uphill (and away from overflow)
            new_beta = beta + t * step
            new_eta = dot(new_beta)
            if new_eta.max() <= 700:
                new_mu = np.exp(new_eta)
                new_ll = y @ new_eta - new_mu.sum()
                if new_ll >= ll - 1e-12 * abs(ll):
                    break
            t *= 0.5
            if t < 1e-10:  # no uphill step left: we are at the maximum to working precision
                return beta, mu, decrement <= 1e-6 * (abs(ll) + 1.0), iteration
        beta, eta, mu, ll = new_beta, new_eta, new_mu, new_ll
        if decrement <= tol * (abs(ll) + 1.0):
            return beta, mu, True, iteration
    return beta, mu, False, max_iter


Vector = Callable[[np.ndarray], np.ndarray]
Operations = tuple[Vector, Vector, Vector, Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]]


def _operations(x: np.ndarray | ZetaDesign) -> Operations:
    """``x @ beta``, ``x.T @ v``, ``x.T @ diag(w) @ x``, and the last two at once, for a dense
    or a transform design."""
    if isinstance(x, ZetaDesign):
        return x.dot, x.tdot, x.gram, x.tdot_gram
    return (
        (lambda beta: x @ beta),
        (lambda v: x.T @ v),
        (lambda w: (x.T * w) @ x),
        (lambda v, w: (x.T @ v, (x.T * w) @ x)),
    )


#: From this many lists the fit works on the design through subset-sum transforms
#: (:class:`ZetaDesign`) instead of the dense matrix of up to 4,095 rows (issue 15).
ZETA_FROM = 8


class ZetaDesign:
    """The design of a log-linear model as fast transforms over the ``2**k`` cells.

    The design is the zeta matrix ``X[w, t] = [t is a subset of w]`` (cells ``w`` kept, terms
    ``t``). So ``X beta`` is a subset-sum transform of the coefficients placed at their terms,
    ``X' v`` a superset-sum transform of ``v`` read at the terms, and ``X' diag(w) X`` the
    superset sums of ``w`` read at ``s | t``. Both transforms are restricted to what is read
    (:class:`~.design.TermSums`, :class:`~.design.MaskSums`): for 12 lists a Newton step costs
    matrices of 10 to 40 rows against 64, instead of the ~20 million multiply-adds of the dense
    Hessian or the 2 x 64**3 of the full transform.
    """

    def __init__(self, k: int, terms: tuple[int, ...], keep: np.ndarray) -> None:
        self.k = k
        self.terms = np.asarray(terms, dtype=np.int64)
        self.cells = np.flatnonzero(keep) + 1  # bitmasks of the kept cells, in row order
        self.pairs = self.terms[:, None] | self.terms[None, :]
        self.shape = (self.cells.size, self.terms.size)
        self._every = self.cells.size == 2**k - 1  # no cell dropped: slices, no fancy indexing
        self._eta = TermSums(k, terms)
        self._sums = union_sums(k, tuple(sorted(terms)))  # the unions include the terms (0 | t)
        self._at_pairs = self._sums.positions(self.pairs)
        # The intercept comes first, so row 0 of the unions is the terms themselves.
        self._at_terms = self._at_pairs[0] if terms[0] == 0 else self._sums.positions(self.terms)

    def dot(self, beta: np.ndarray) -> np.ndarray:
        eta = self._eta(beta)
        return eta[1:] if self._every else eta[self.cells]

    def _place(self, *rows: np.ndarray) -> np.ndarray:
        """The rows as values over all ``2**k`` cells (0 on the empty cell and dropped cells)."""
        if self._every:
            out = np.empty((len(rows), 2**self.k))
            out[:, 0] = 0.0
            for i, values in enumerate(rows):
                out[i, 1:] = values
            return out
        out = np.zeros((len(rows), 2**self.k))
        for i, values in enumerate(rows):
            out[i, self.cells] = values
        return out

    def tdot(self, v: np.ndarray) -> np.ndarray:
        return self._sums.small(self._place(v))[0, self._at_terms]

    def gram(self, w: np.ndarray) -> np.ndarray:
        return self._sums.small(self._place(w))[0, self._at_pairs]

    def tdot_gram(self, v: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``tdot(v)`` and ``gram(w)`` with one batched transform (a Newton step needs both)."""
        sums = self._sums.small(self._place(v, w))
        return sums[0, self._at_terms], sums[1, self._at_pairs]


def kept_cells(k: int, empty: tuple[int, ...]) -> np.ndarray:
    """Mask over cells ``1 .. 2**k - 1``: those containing none of the ``empty`` terms."""
    if not empty:
        return np.ones(2**k - 1, dtype=bool)
    marks = np.zeros(2**k)
    marks[list(empty)] = 1.0
    return subset_sums(marks, k)[1:] < 0.5


@lru_cache(maxsize=1024)
def _zeta_layout(k: int, model: Model, empty: tuple[int, ...]) -> tuple[np.ndarray, ZetaDesign, tuple]:
    """As :func:`_layout`, with the design as transforms (no dense matrix: 2 MB at 12 lists)."""
    keep = kept_cells(k, empty)
    fitted = tuple(t for t in model_terms(k, model) if t not in empty)
    keep.setflags(write=False)
    return keep, ZetaDesign(k, fitted, keep), fitted


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve the (symmetric positive definite) Newton system by Cholesky.

    LAPACK ``dposv`` is called directly: ``numpy.linalg.solve`` spends more time in Python-level
    checks than in arithmetic on these small systems, and the bootstrap solves ~40,000 of them.
    """
    _c, x, info = dposv(a, b)
    if info == 0:
        return x
    return np.linalg.lstsq(a, b, rcond=None)[0]


@lru_cache(maxsize=65536)
def _layout(k: int, model: Model, empty: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Rows kept, design restricted to kept rows and fitted terms, and the fitted terms."""
    terms = model_terms(k, model)
    full = design_matrix(k, terms)
    if empty:
        empty_cols = [terms.index(t) for t in empty]
        keep = ~full[:, empty_cols].any(axis=1)
        cols = [c for c, t in enumerate(terms) if t not in empty]
        x = np.ascontiguousarray(full[keep][:, cols])
        fitted = tuple(terms[c] for c in cols)
    else:
        keep = np.ones(full.shape[0], dtype=bool)
        x = full
        fitted = terms
    keep.setflags(write=False)
    x.setflags(write=False)
    return keep, x, fitted


def sufficient_statistics(k: int, terms: tuple[int, ...], y: np.ndarray) -> np.ndarray:
    """``N*_theta``: the number of people seen on all lists of each term (whatever else)."""
    if k >= ZETA_FROM:
        sums, where = _up_to_pairs(k)
        y0 = np.concatenate(([0.0], y))
        if all(t in where for t in terms):  # one cached transform for every model of pairs
            return sums(y0)[[where[t] for t in terms]]
        return mask_sums(k, tuple(terms))(y0)
    return design_matrix(k, terms).T @ y


@lru_cache(maxsize=16)
def _up_to_pairs(k: int) -> tuple[MaskSums, dict[int, int]]:
    """Superset sums at the intercept, the main effects and every pair, and where each term is."""
    every = model_terms(k, all_pairs(k))
    return mask_sums(k, every), {t: i for i, t in enumerate(every)}


def empty_terms(k: int, model: Model, y: np.ndarray) -> tuple[int, ...]:
    """Terms of the model (main effects and interactions) with zero sufficient statistic."""
    terms = model_terms(k, model)
    nstar = sufficient_statistics(k, terms, y)
    return tuple(t for t, n in zip(terms, nstar, strict=True) if t and n == 0)


@dataclass(frozen=True, eq=False)
class ModelFit:
    """A fitted log-linear model on one capture table.

    Attributes
    ----------
    k
        Number of lists.
    model
        Interaction terms (bitmasks), in the order they were added.
    empty
        Terms with zero sufficient statistic, fixed at minus infinity (non-overlapping pairs,
        empty lists); their cells are left out of the fit.
    fitted_terms
        Terms actually estimated: intercept, main effects, then interactions, without ``empty``.
    coef
        Estimates for ``fitted_terms``; ``coef[0]`` is the log of the expected dark figure.
    keep
        Boolean mask over cells 1..2**k-1: the cells in the fit.
    mu
        Fitted means over all cells 1..2**k-1 (exactly 0 on dropped cells).
    y
        Observed counts over all cells 1..2**k-1.
    converged, n_iter
        Newton diagnostics.
    """

    k: int
    model: Model
    empty: tuple[int, ...]
    fitted_terms: tuple[int, ...]
    coef: np.ndarray
    keep: np.ndarray
    mu: np.ndarray
    y: np.ndarray
    converged: bool
    n_iter: int

    @property
    def n_observed(self) -> int:
        return int(self.y.sum())

    @property
    def dark_figure(self) -> float:
        """Estimated number of people on no list, ``exp(alpha_0)``."""
        return math.exp(self.coef[0])

    @property
    def estimate(self) -> float:
        """Estimated total population: observed plus the dark figure (SparseMSE's point estimate)."""
        return self.n_observed + self.dark_figure

    @cached_property
    def cov(self) -> np.ndarray:
        """Inverse Fisher information (``summary(glm)$cov.unscaled``) for ``fitted_terms``."""
        x = self.design
        mu = self.mu[self.keep]
        return np.linalg.inv((x.T * mu) @ x)

    @property
    def design(self) -> np.ndarray:
        return _layout(self.k, self.model, self.empty)[1]

    @property
    def se_log_dark(self) -> float:
        """Standard error of the log dark figure (the intercept)."""
        return math.sqrt(self.cov[0, 0])

    @property
    def bse(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    @property
    def n_params(self) -> int:
        """Parameters in the model, counting those fixed at minus infinity (as both packages do)."""
        return 1 + self.k + len(self.model)

    @cached_property
    def loglik(self) -> float:
        """Poisson log-likelihood over the fitted cells (dropped cells contribute exactly zero)."""
        y = self.y[self.keep]
        mu = self.mu[self.keep]
        return float(y @ np.log(mu) - mu.sum() - gammaln(y + 1.0).sum())

    @property
    def deviance(self) -> float:
        y = self.y[self.keep]
        mu = self.mu[self.keep]
        pos = y > 0
        return float(2.0 * (np.sum(y[pos] * np.log(y[pos] / mu[pos])) - np.sum(y - mu)))

    @property
    def aic(self) -> float:
        """AIC as SparseMSE reports it: glm's AIC plus 2 for every non-overlapping pair."""
        return 2.0 * self.n_params - 2.0 * self.loglik

    @property
    def bic(self) -> float:
        """BIC as MultipleSystemsEstimation computes it: ``npar * log(N_obs) - 2 loglik``.

        ``npar`` counts the intercept, main effects and every interaction, including those fixed
        at minus infinity, and the sample size is the number of people observed (the Rcapture
        convention, Silverman, Chan & Vincent 2024).
        """
        return self.n_params * math.log(self.n_observed) - 2.0 * self.loglik

    def coef_dict(self) -> dict[int, float]:
        """Estimates by term, with ``-inf`` for empty terms."""
        out = {t: float(c) for t, c in zip(self.fitted_terms, self.coef, strict=True)}
        for t in self.empty:
            out[t] = -math.inf
        return out

    def wald_pvalue(self, term: int) -> float:
        """Two-sided Wald p-value of one coefficient (1 for a term fixed at minus infinity).

        A term at minus infinity has an unbounded standard error in glm/Rcapture, so its Wald
        p-value there is 1 to machine precision; we return 1 exactly.
        """
        if term in self.empty:
            return 1.0
        j = self.fitted_terms.index(term)
        z = self.coef[j] / math.sqrt(self.cov[j, j])
        return math.erfc(abs(z) / math.sqrt(2.0))


def fit_model(
    k: int,
    model: Model,
    y: np.ndarray,
    start: dict[int, float] | None = None,
    *,
    empty: tuple[int, ...] | None = None,
) -> ModelFit:
    """Fit the log-linear model with the given interactions to counts ``y`` over cells 1..2**k-1.

    Parameters
    ----------
    k
        Number of lists.
    model
        Interaction terms (bitmasks of order >= 2). Intercept and main effects are implied.
    y
        Counts over the ``2**k - 1`` observable cells in bitmask order (float array).
    start
        Optional warm start by term (e.g. the previous model in a stepwise search); terms not in
        it start at 0.
    empty
        Terms to fix at minus infinity. Defaults to all terms with zero sufficient statistic.
    """
    if empty is None:
        empty = empty_terms(k, model, y)
    design: np.ndarray | ZetaDesign
    if k >= ZETA_FROM:
        keep, design, fitted = _zeta_layout(k, tuple(model), empty)
    else:
        keep, design, fitted = _layout(k, model, empty)
    yk = y[keep]
    beta0 = None
    if start is not None:
        beta0 = np.array([start.get(t, 0.0) for t in fitted])
        beta0[~np.isfinite(beta0)] = 0.0
    beta, mu_k, converged, n_iter = poisson_newton(design, yk, beta0)
    mu = np.zeros_like(y, dtype=np.float64)
    mu[keep] = mu_k
    return ModelFit(
        k=k,
        model=tuple(model),
        empty=empty,
        fitted_terms=fitted,
        coef=beta,
        keep=keep,
        mu=mu,
        y=y,
        converged=converged,
        n_iter=n_iter,
    )
