"""Does the (extended) maximum-likelihood estimate exist, and is the model identifiable?

Fienberg & Rinaldo (2012, Ann. Statist. 40:996-1023) show that the MLE of a Poisson log-linear
model exists exactly when the observed sufficient statistics ``t = A'y`` lie in the relative
interior of the cone spanned by the rows of the design matrix ``A``. SparseMSE (Chan, Silverman
& Vincent 2021, JASA 116(535):1297-1306, Sec. 2.6-2.7; function ``checkident``) tests this with
the linear programme

    maximise s  subject to  A'x = t,  x_i >= s,  x >= 0, s >= 0,

on the cells that remain after removing those containing a non-overlapping pair in the model;
the optimum is 0 exactly when some cell must have a zero fitted value, i.e. when the MLE does not
exist. A rank-deficient ``A`` means the parameters are not identifiable. The error codes add:
0 fine, 1 no MLE, 2 not identifiable, 3 both.

Speed: the stepwise bootstrap asks this question tens of thousands of times. Two facts make it
cheap. (i) Existence depends on the data only through which cells are positive (the support),
so answers are cached by (model, support). (ii) If the positive cells alone determine every
estimable parameter (``rank A_S == rank A``) there is no direction of recession, so the MLE
exists without solving the LP; only the remaining cases go to ``scipy.optimize.linprog`` (HiGHS).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .design import Model, design_matrix, model_terms, superset_sums

__all__ = ["NOT_IDENTIFIABLE", "NO_MLE", "OK", "check_model", "describe_code"]

OK = 0
NO_MLE = 1
NOT_IDENTIFIABLE = 2

#: Optimum of the LP below which the MLE is taken not to exist. For integer data the optimum is
#: 0 or a rational of modest denominator, so this only absorbs floating-point noise.
LP_ZERO = 1e-7


def check_model(k: int, model: Model, y: np.ndarray, *, empty_mains: bool = False) -> int:
    """Check a model for existence of the extended MLE and identifiability (SparseMSE codes).

    Parameters
    ----------
    k
        Number of lists.
    model
        Interaction terms of the model.
    y
        Counts over the ``2**k - 1`` observable cells (bitmask order).
    empty_mains
        How to treat a list on which nobody was observed. ``False`` is SparseMSE's
        ``checkident``: only interaction terms with a zero margin are removed, so an empty list
        makes the check fail (code 1). ``True`` is MultipleSystemsEstimation's
        ``check_extended_MLE``: any term with a zero margin, main effects included, is fixed at
        minus infinity and its cells removed.

    Returns
    -------
    int
        0 if the extended MLE exists and is identifiable, 1 if it does not exist, 2 if the model
        is not identifiable, 3 if both.
    """
    support = (np.asarray(y) > 0).tobytes()
    return _check_cached(k, tuple(model), support, empty_mains)


def describe_code(code: int) -> str:
    """Plain-language reading of a :func:`check_model` code."""
    parts = []
    if code & NO_MLE:
        parts.append("the maximum-likelihood estimate does not exist (the estimate is not finite)")
    if code & NOT_IDENTIFIABLE:
        parts.append("the model is not identifiable")
    return "; ".join(parts) if parts else "the estimate exists and is identifiable"


@lru_cache(maxsize=200_000)
def _check_cached(k: int, model: Model, support: bytes, empty_mains: bool) -> int:
    positive = np.frombuffer(support, dtype=bool)
    terms = model_terms(k, model)
    if k >= GRAM_RANK_FROM:
        return _check_large(k, model, terms, positive, empty_mains)
    full = design_matrix(k, terms)
    margins = full[positive].sum(axis=0)  # zero exactly when no positive cell contains the term
    empty = [
        c
        for c, t in enumerate(terms)
        if margins[c] == 0 and (t.bit_count() >= 2 or (empty_mains and t))
    ]
    a, keep, rank = _reduced(k, model, tuple(empty))
    pos = positive[keep]
    code = NOT_IDENTIFIABLE if rank < a.shape[1] else OK
    if pos.all() or _rank(a[pos]) == rank:
        return code  # positive cells pin down every estimable direction: the MLE exists
    # Existence depends on y only through its support (if y + d > 0 with A'd = 0, then
    # y' + c d > 0 for any y' with the same support and small c > 0; Haberman 1974, Thm 2.2), so
    # the LP is posed for y = 1 on the positive cells, which also keeps it well scaled.
    if _lp_optimum(a, a[pos].sum(axis=0)) <= LP_ZERO:
        code |= NO_MLE
    return code


def _check_large(
    k: int, model: Model, terms: tuple[int, ...], positive: np.ndarray, empty_mains: bool
) -> int:
    """:func:`_check_cached` for 8 or more lists without the dense design (up to 4,095 rows):
    margins and the kept cells by subset transforms, the design's rank from its shape (see
    :func:`_reduced`), the positive cells' rank from the Gram matrix. The dense design is built
    only for the linear programme, when the positive cells do not settle the question."""
    from .fit import kept_cells

    indicator = np.concatenate(([0.0], positive.astype(np.float64)))
    sums = superset_sums(indicator, k)  # shared with the Gram matrix below
    margins = sums[list(terms)]
    empty = tuple(
        c for c, t in enumerate(terms) if margins[c] == 0 and (t.bit_count() >= 2 or (empty_mains and t))
    )
    keep = kept_cells(k, tuple(terms[c] for c in empty))
    n_rows, n_cols = int(keep.sum()), len(terms) - len(empty)
    rank = n_cols - 1 if n_cols == n_rows + 1 else min(n_cols, n_rows)
    code = NOT_IDENTIFIABLE if rank < n_cols else OK
    pos = positive[keep]
    if pos.all() or _gram_rank(k, [t for c, t in enumerate(terms) if c not in empty], positive, sums) == rank:
        return code
    a, keep, _rank_a = _reduced(k, model, empty)
    pos = positive[keep]
    if _lp_optimum(a, a[pos].sum(axis=0)) <= LP_ZERO:
        code |= NO_MLE
    return code


@lru_cache(maxsize=65536)
def _reduced(k: int, model: Model, empty: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, int]:
    """Design without the cells and columns of zero-margin terms, the kept cells, and its rank.

    The rank needs no decomposition. The kept cells ``D`` (those containing no empty term) are
    closed under taking subsets, and every kept term lies in ``D``; the design is the zeta matrix
    ``Z[w, t] = [t in w]`` on rows ``D`` without the empty cell, columns the terms. ``Z`` on
    ``D x D`` is unitriangular, and its inverse's column for the empty set is the Moebius
    function ``(-1)^|t|``, never zero: so the columns are dependent exactly when the terms are all
    of ``D`` (a saturated model, one column more than rows), and then only by one.
    """
    full = design_matrix(k, model_terms(k, model))
    if not empty:
        a, keep = full, np.ones(full.shape[0], dtype=bool)
    else:
        keep = ~full[:, list(empty)].any(axis=1)
        cols = [c for c in range(full.shape[1]) if c not in empty]
        a = full[keep][:, cols]
    n_rows, n_cols = a.shape
    return a, keep, n_cols - 1 if n_cols == n_rows + 1 else min(n_cols, n_rows)


#: From this many lists the check works without the dense design (:func:`_check_large`): the
#: rank of the positive cells' design from its Gram matrix, built by a superset-sum transform
#: over the 2**k cells, instead of a decomposition of up to 4,095 rows (issue 15). Smaller
#: tables keep the decomposition, whose results the SparseMSE comparisons pin down.
GRAM_RANK_FROM = 8
#: Eigenvalue ratios of the Gram matrix between these bounds are too close to call in floating
#: point; the decomposition of the design decides them instead.
GRAM_UNSURE = (1e-15, 1e-8)


def _gram_rank(k: int, kept_terms: list[int], positive: np.ndarray, sums: np.ndarray | None = None) -> int:
    """Rank of the design on the positive cells (rows) and the kept terms (columns), from its
    Gram matrix ``G[s, t]`` = number of positive cells containing ``s | t``: the superset sums
    of the positive cells' indicator (``sums``, if the caller has them), read at ``s | t``. Too close to call in floating point
    (an eigenvalue ratio inside ``GRAM_UNSURE``): the decomposition of the design decides."""
    cells = np.flatnonzero(positive) + 1
    if cells.size == 0:
        return 0
    if sums is None:
        sums = superset_sums(np.concatenate(([0.0], positive.astype(np.float64))), k)
    t = np.asarray(kept_terms, dtype=np.int64)
    eig = np.linalg.eigvalsh(sums[t[:, None] | t[None, :]])
    if eig[-1] <= 0:
        return 0
    ratios = eig / eig[-1]
    if np.any((ratios > GRAM_UNSURE[0]) & (ratios < GRAM_UNSURE[1])):
        return _rank(((cells[:, None] & t[None, :]) == t[None, :]).astype(np.float64))
    return int(np.count_nonzero(ratios >= GRAM_UNSURE[1]))


def _rank(a: np.ndarray) -> int:
    """Numerical rank with numpy's default tolerance (as ``matrix_rank``), minus its overhead."""
    if a.shape[0] == 0:
        return 0
    sv = np.linalg.svd(a, compute_uv=False)
    return int(np.count_nonzero(sv > sv[0] * max(a.shape) * np.finfo(np.float64).eps))


def _lp_optimum(a: np.ndarray, t: np.ndarray) -> float:
    """Solve SparseMSE's LP: max s s.t. A'x = t, x_i - s >= 0, x >= 0, s >= 0."""
    from scipy.optimize import linprog  # imported lazily: rarely needed, slow to import

    n_cells, n_par = a.shape
    c = np.zeros(n_cells + 1)
    c[-1] = -1.0
    a_eq = np.hstack([a.T, np.zeros((n_par, 1))])
    a_ub = np.hstack([-np.eye(n_cells), np.ones((n_cells, 1))])
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(n_cells),
        A_eq=a_eq,
        b_eq=t,
        bounds=[(0, None)] * (n_cells + 1),
        method="highs",
    )
    if res.status != 0:  # infeasible cannot happen (x = y is feasible); be conservative
        return 0.0
    return float(-res.fun)
