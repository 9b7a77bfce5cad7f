"""SparseMSE's stepwise selection run on many bootstrap replicates at once (issue 15).

With six lists a replicate costs about seven Poisson fits of four or five Newton steps, each a
handful of numpy calls on a 63 x 22 matrix: the time goes on Python overhead, not arithmetic. The
design matrix of a model does not depend on the counts, so the fits of one model for many
replicates are one vectorised Newton iteration (stacked arrays, a batch of small linear systems).
The search runs in lock-step: every round, each replicate still searching takes its next step
(p-values for all replicates at once), and the replicates are grouped by the model they reached.

Every replicate follows exactly the path of :func:`~.selection.stepwise` with
:func:`~.fit.poisson_newton`: the same starting values (the original data's main-effects fit, then
the previous model's coefficients), the same step halving and the same stopping rule, so the
estimates agree with the one-at-a-time code to rounding (``tests/core/estimation/
test_batch_stepwise.py`` checks 1e-8 relative on UKdat, UKdat_5 and New Orleans). The rare rows
that need step halving, a fallback start or a singular system are finished one at a time with
the same code as :func:`~.fit.poisson_newton`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .design import all_pairs, design_matrix, model_terms
from .existence import NOT_IDENTIFIABLE, OK, _check_cached, _reduced
from .fit import MAX_ITER, TOL, _layout, _solve
from .selection import poisson_pvalues, stepwise

__all__ = ["newton_batch", "stepwise_batch"]


def _solve_batch(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve the stacked Newton systems ``a[i] x = b[i]``; a singular one falls back to
    :func:`~.fit._solve` (least squares), row by row."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.stack([_solve(a[i], b[i]) for i in range(a.shape[0])])


def _outer(x: np.ndarray) -> np.ndarray:
    """``x[n, i] * x[n, j]`` flattened over ``(i, j)``: then ``w @ _outer(x)`` is every row's
    ``x' diag(w) x`` in one matrix product."""
    return np.einsum("ni,nj->nij", x, x).reshape(x.shape[0], -1)


@lru_cache(maxsize=4096)
def _fit_outer(k: int, model: tuple[int, ...], empty: tuple[int, ...]) -> np.ndarray:
    """:func:`_outer` of the fit's design (:func:`~.fit._layout`), kept across batches."""
    return _outer(_layout(k, model, empty)[1])


@lru_cache(maxsize=4096)
def _check_outer(k: int, model: tuple[int, ...], empty: tuple[int, ...]) -> np.ndarray:
    """:func:`_outer` of the check's reduced design (:func:`~.existence._reduced`)."""
    return _outer(_reduced(k, model, empty)[0])


#: From this many rows the Gram matrices come from one product with :func:`_outer` (built once
#: per design); below it, a stacked product per row is cheaper than building the outer products.
OUTER_FROM = 16


def _grams(w: np.ndarray, x: np.ndarray, xx: np.ndarray | None) -> np.ndarray:
    """``x' diag(w[i]) x`` for every row ``i`` of ``w``."""
    if xx is None:
        return (x.T[None] * w[:, None, :]) @ x
    return (w @ xx).reshape(w.shape[0], x.shape[1], x.shape[1])


def _glm_start(x: np.ndarray, y: np.ndarray, xx: np.ndarray | None) -> np.ndarray:
    """R ``glm``'s first step at ``mu = y + 0.1`` for every row of ``y``."""
    mu = y + 0.1
    z = np.log(mu) + (y - mu) / mu
    return _solve_batch(_grams(mu, x, xx), (mu * z) @ x)


def newton_batch(
    x: np.ndarray,
    y: np.ndarray,
    beta0: np.ndarray | None = None,
    *,
    tol: float = TOL,
    max_iter: int = MAX_ITER,
    xx: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`~.fit.poisson_newton` on every row of ``y`` (replicates) with one design ``x``.

    Returns the coefficients (rows by parameters), the fitted means (rows by cells) and whether
    each row converged. Each row takes the same steps as :func:`~.fit.poisson_newton` would.
    ``xx`` is :func:`_outer` of ``x`` if the caller keeps it.
    """
    m = y.shape[0]
    if xx is None and m >= OUTER_FROM:
        xx = _outer(x)
    if beta0 is None:
        beta = _glm_start(x, y, xx)
    else:
        beta = np.array(beta0, dtype=np.float64)
        wild = (beta @ x.T).max(axis=1) > 700  # a wild start: the glm start, as poisson_newton
        if wild.any():
            beta[wild] = _glm_start(x, y[wild], xx)
    eta = np.minimum(beta @ x.T, 700.0)
    mu = np.exp(eta)
    ll = (y * eta).sum(axis=1) - mu.sum(axis=1)
    converged = np.zeros(m, dtype=bool)
    active = np.arange(m)
    for _iteration in range(max_iter):
        ya, mua, betaa, lla = y[active], mu[active], beta[active], ll[active]
        grad = (ya - mua) @ x
        hess = _grams(mua, x, xx)
        step = _solve_batch(hess, grad)
        decrement = (grad * step).sum(axis=1)
        new_beta = betaa + step
        new_eta = new_beta @ x.T
        fine = new_eta.max(axis=1) <= 700
        with np.errstate(over="ignore", invalid="ignore"):
            new_mu = np.exp(np.minimum(new_eta, 700.0))
            new_ll = (ya * new_eta).sum(axis=1) - new_mu.sum(axis=1)
        uphill = fine & (new_ll >= lla - 1e-12 * np.abs(lla))
        finished = np.zeros(active.size, dtype=bool)
        for i in np.flatnonzero(~uphill):  # rare: halve the step as poisson_newton does
            t = 0.5
            while True:
                b = betaa[i] + t * step[i]
                e = x @ b
                if e.max() <= 700:
                    u = np.exp(e)
                    v = ya[i] @ e - u.sum()
                    if v >= lla[i] - 1e-12 * abs(lla[i]):
                        new_beta[i], new_eta[i], new_mu[i], new_ll[i] = b, e, u, v
                        break
                t *= 0.5
                if t < 1e-10:  # no uphill step left: keep the current point
                    new_beta[i], new_mu[i], new_ll[i] = betaa[i], mua[i], lla[i]
                    converged[active[i]] = decrement[i] <= 1e-6 * (abs(lla[i]) + 1.0)
                    finished[i] = True
                    break
        beta[active] = new_beta
        mu[active] = new_mu
        ll[active] = new_ll
        done = ~finished & (decrement <= tol * (np.abs(new_ll) + 1.0))
        converged[active[done]] = True
        active = active[~(done | finished)]
        if active.size == 0:
            break
    return beta, mu, converged


#: Singular-value ratios within this factor of :func:`~.existence._rank`'s tolerance are left to
#: the one-at-a-time check, so the batched rank can never decide differently.
RANK_MARGIN = 1e3
UNKNOWN = -1
#: Smallest eigenvalue ratio of a Gram matrix taken as clearly full rank (singular values 1e-3).
GRAM_CLEAR = 1e-6


def check_batch(k: int, model: tuple[int, ...], positive: np.ndarray) -> np.ndarray:
    """:func:`~.existence.check_model` (SparseMSE's ``checkident``) of one model for many supports.

    ``positive`` holds one row of cell indicators per replicate. Returns the code per row, or
    ``UNKNOWN`` where the answer needs the linear programme or the rank is too close to call: the
    caller asks :func:`check_model` then. The rest is settled as in
    :func:`~.existence._check_cached`: interactions of zero margin and their cells are left out,
    and the MLE exists when the positive cells' design has the rank of the whole (reduced) design.
    """
    terms = model_terms(k, model)
    full = design_matrix(k, terms)
    margins = positive.astype(np.float64) @ full
    blank = margins[:, 1 + k :] == 0  # interactions of zero margin, by row
    codes = np.full(positive.shape[0], UNKNOWN)
    groups: dict[tuple[int, ...], list[int]] = {}
    for i, row in enumerate(blank):
        groups.setdefault(tuple((np.flatnonzero(row) + 1 + k).tolist()), []).append(i)
    for empty, members in groups.items():
        a, keep, rank = _reduced(k, model, empty)
        idx = np.asarray(members)
        pos = positive[idx][:, keep]
        code = NOT_IDENTIFIABLE if rank < a.shape[1] else OK
        every = pos.all(axis=1)
        codes[idx[every]] = code
        rows = np.flatnonzero(~every)
        if rows.size and rank == a.shape[1]:
            # Full column rank is settled from the Gram matrices (one product, small symmetric
            # eigenproblems) when every eigenvalue is clearly positive: a singular value above
            # 1e-3 of the largest is far above _rank's tolerance (~1e-14), whatever the rounding.
            xx = _check_outer(k, model, empty) if rows.size >= OUTER_FROM else None
            eig = np.linalg.eigvalsh(_grams(pos[rows].astype(np.float64), a, xx))
            clear = eig[:, 0] >= GRAM_CLEAR * eig[:, -1]
            codes[idx[rows[clear]]] = code
            rows = rows[~clear]
        if rows.size == 0:
            continue
        sv = np.linalg.svd(pos[rows, :, None] * a[None], compute_uv=False)
        npos = pos[rows].sum(axis=1)
        tol = sv[:, :1] * np.maximum(npos, a.shape[1])[:, None] * np.finfo(np.float64).eps
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = sv / tol
        sure = ~((ratio > 1.0 / RANK_MARGIN) & (ratio < RANK_MARGIN)).any(axis=1)
        same_rank = np.count_nonzero(sv > tol, axis=1) == rank
        codes[idx[rows[sure & same_rank]]] = code
    return codes


def stepwise_batch(
    k: int, y: np.ndarray, pthresh: float, start: dict[int, float] | None = None
) -> np.ndarray:
    """Population estimates of :func:`~.selection.stepwise` for every row of ``y`` (replicates).

    Only for ``0 < pthresh < 1`` (the two ends are special cases of the one-at-a-time code).
    A row that would raise there (a numerical failure) is NaN here too.
    """
    if not 0.0 < pthresh < 1.0:
        raise ValueError("stepwise_batch needs 0 < pthresh < 1")
    y = np.asarray(y, dtype=np.float64)
    m = y.shape[0]
    pairs = all_pairs(k)
    every = model_terms(k, pairs)  # intercept, mains, pairs: coefficients are kept over these
    where = {t: c for c, t in enumerate(every)}
    zero = (y @ design_matrix(k, every)) == 0  # zero sufficient statistic, by term
    nstar = y @ design_matrix(k, pairs)
    positive = y > 0
    supports = [row.tobytes() for row in positive]
    n_obs = np.array([float(int(v)) for v in y.sum(axis=1)])
    start_row = np.zeros(len(every))
    if start is not None:
        for t, c in where.items():
            value = start.get(t, 0.0)
            start_row[c] = value if math.isfinite(value) else 0.0
    coef = np.zeros((m, len(every)))  # the current fit's coefficients (0 where not fitted)
    coef[:] = start_row
    mu = np.zeros_like(y)
    models: list[tuple[int, ...]] = [()] * m
    included = np.zeros((m, len(pairs)), dtype=bool)
    failed = np.zeros(m, dtype=bool)

    def fit_rows(rows: list[int]) -> None:
        """Fit each row's current model, warm-started from ``coef``, grouped by design."""
        groups: dict[tuple, list[int]] = {}
        for r in rows:
            model = tuple(sorted(models[r]))  # the fit does not depend on the terms' order
            empty = tuple(t for t in model_terms(k, model) if t and zero[r, where[t]])
            groups.setdefault((model, empty), []).append(r)
        for (model, empty), members in groups.items():
            idx = np.asarray(members)
            keep, x, fitted = _layout(k, model, empty)
            cols = [where[t] for t in fitted]
            try:
                beta, mu_k, _conv = newton_batch(
                    x, y[idx][:, keep], coef[idx][:, cols],
                    xx=_fit_outer(k, model, empty) if idx.size >= OUTER_FROM else None,
                )
            except (np.linalg.LinAlgError, ValueError, FloatingPointError, OverflowError):
                failed[idx] = True
                continue
            fresh = np.zeros((idx.size, len(every)))
            fresh[:, cols] = beta  # terms at minus infinity (empty) start the next fit at 0
            coef[idx] = fresh
            full = np.zeros((idx.size, y.shape[1]))
            full[:, keep] = mu_k
            mu[idx] = full

    fit_rows(list(range(m)))
    p_design = design_matrix(k, pairs)
    searching = np.flatnonzero(~failed)
    for _round in range(len(pairs)):
        if searching.size == 0:
            break
        pvalues = poisson_pvalues(nstar[searching], mu[searching] @ p_design)
        pvalues[included[searching]] = 1.0
        order = np.argsort(pvalues, axis=1, kind="stable")
        first = order[:, 0]
        hopeful = pvalues[np.arange(searching.size), first] < pthresh
        settled = np.full(searching.size, UNKNOWN)
        by_model: dict[tuple[int, ...], list[int]] = {}
        for i in np.flatnonzero(hopeful):
            candidate = tuple(sorted((*models[searching[i]], pairs[first[i]])))  # rank: any order
            by_model.setdefault(candidate, []).append(int(i))
        for candidate, members in by_model.items():
            settled[members] = check_batch(k, candidate, positive[searching[members]])
        moved: list[int] = []
        for i, r in enumerate(searching):
            if not hopeful[i]:
                continue
            if settled[i] == OK:  # the usual case: the smallest p-value's model is estimable
                models[r] = (*models[r], pairs[first[i]])
                included[r, first[i]] = True
                moved.append(int(r))
                continue
            for j in order[i]:
                if pvalues[i, j] >= pthresh:
                    break
                candidate = (*models[r], pairs[j])
                if _check_cached(k, candidate, supports[r], False) == OK:
                    models[r] = candidate
                    included[r, j] = True
                    moved.append(int(r))
                    break
        if not moved:
            break
        fit_rows(moved)
        searching = np.asarray([r for r in moved if not failed[r]], dtype=np.int64)
    with np.errstate(over="ignore"):
        estimates = n_obs + np.exp(coef[:, 0])
    estimates[~np.isfinite(estimates)] = math.nan
    for r in np.flatnonzero(failed):  # a group's batch failed: each of its rows on its own
        try:
            estimates[r] = stepwise(k, y[r], pthresh, start=start).estimate
        except (np.linalg.LinAlgError, ValueError, FloatingPointError, OverflowError):
            estimates[r] = math.nan
    return estimates
