"""``MSEModel``: the estimator, in the statsmodels shape (model, ``fit()``, result with ``summary()``).

Multiple systems estimation (MSE) estimates how many people no list has seen from how the lists
overlap, with a Poisson log-linear model on the ``2**k - 1`` observable capture patterns
(Bishop, Fienberg & Holland 1975; Fienberg 1972). This module reproduces SparseMSE (Chan,
Silverman & Vincent 2021, JASA 116(535):1297-1306): stepwise choice of two-list interactions at
p < 0.02, the Fienberg-Rinaldo (2012) existence check, the treatment of non-overlapping lists,
the model-conditional interval and the BCa bootstrap with the selection rerun in every replicate.
Two alternative selection rules are available: forward AIC (Silverman 2014, as in modslavmse)
and BIC over all hierarchical models (Silverman, Chan & Vincent 2024, Stat. Comput. 34:44, as in
MultipleSystemsEstimation). See ``docs/estimation.md`` for a guide.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from scipy.special import ndtri

from .batch import stepwise_batch
from .bootstrap import DEFAULT_ALPHA, BatchEstimator, BootstrapResult, Cancelled, run_bootstrap
from .chao import chao_lower_bound
from .design import term_name
from .estimable import check_estimable
from .existence import OK, check_model, describe_code
from .fit import ZETA_FROM, ModelFit, fit_model
from .results import MSEResult, Note, SparseDataWarning
from .selection import (
    DEFAULT_NTOP,
    RankedModel,
    Step,
    aic_stepwise,
    best_of,
    bic_models,
    check_bic_options,
    stepwise,
)
from .table import CaptureTable
from .threads import single_blas_thread

__all__ = ["METHODS", "MSEModel", "estimate"]

METHODS = ("stepwise", "aic", "bic", "latent")
DEFAULT_PTHRESH = {"stepwise": 0.02, "aic": 0.05}

#: Thresholds for the sparse-data warnings. They are rules of thumb, not from a paper: below
#: them the estimate rests on a handful of people seen twice (Chan, Silverman & Vincent 2021,
#: Sec. 1, discuss why sparse overlaps make MSE fragile).
FEW_OVERLAPS = 20
SMALL_LIST = 10
LARGE_DARK_RATIO = 4.0
WIDE_RATIO = 3.0
EXTREME_TAIL = 5

Progress = Callable[[int, int], None]


class MSEModel:
    """Population-size model for a capture table.

    Parameters
    ----------
    table
        The capture table.
    method
        ``"stepwise"`` (SparseMSE, default), ``"aic"`` (forward AIC, modslavmse) or ``"bic"``
        (all hierarchical models, MultipleSystemsEstimation).
    pthresh
        Threshold p-value: 0.02 for ``stepwise`` (Chan, Silverman & Vincent 2021, Sec. 4.3) and
        the Wald threshold 0.05 for ``aic``. Ignored by ``bic``.
    maxorder
        ``bic`` only: highest interaction order (default as MultipleSystemsEstimation: 2 for
        three or six lists, 3 for four or five).
    ntop
        ``bic`` only: models kept for the bootstrap, best first by BIC on the data (default as
        MultipleSystemsEstimation: all for three lists, 20 for four, 100 for five or six).
    latent_options
        ``latent`` only: keyword arguments of
        :class:`~tipnet.core.estimation.latent.LatentClassModel` (``burnin``, ``samples``,
        ``thinning``, ``chains``, ``K``...); LCMCR's defaults otherwise.

    Examples
    --------
    >>> from tipnet.core.estimation import MSEModel, read_table
    >>> result = MSEModel(read_table("UKdat_5.csv")).fit(nboot=1000, seed=1)  # doctest: +SKIP
    >>> round(result.estimate)  # doctest: +SKIP
    11313

    References
    ----------
    Chan, L., Silverman, B. W. and Vincent, K. (2021). Multiple systems estimation for sparse
    capture data: inferential challenges when there are nonoverlapping lists. JASA 116(535),
    1297-1306.
    Silverman, B. W. (2020). Multiple-systems analysis for the quantification of modern slavery:
    classical and Bayesian approaches. JRSS A 183(3), 691-736.
    Silverman, B. W., Chan, L. and Vincent, K. (2024). Bootstrapping multiple systems estimates
    to account for model selection. Statistics and Computing 34, 44.
    Fienberg, S. E. and Rinaldo, A. (2012). Maximum likelihood estimation in log-linear models.
    Ann. Statist. 40, 996-1023.
    Efron, B. (1987). Better bootstrap confidence intervals. JASA 82(397), 171-185.
    """

    def __init__(
        self,
        table: CaptureTable,
        *,
        method: str = "stepwise",
        pthresh: float | None = None,
        maxorder: int | None = None,
        ntop: int | None = None,
        latent_options: dict[str, Any] | None = None,
    ) -> None:
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
        if pthresh is not None and not 0.0 <= pthresh <= 1.0:
            raise ValueError("pthresh must be between 0 and 1")
        if ntop is not None and ntop < 1:
            raise ValueError("ntop must be at least 1")
        check_estimable(table)  # NotEstimable (a TableError): no model can answer, say why
        self.table = table
        self.method = method
        self.pthresh = pthresh
        self.maxorder = maxorder
        self.ntop = ntop
        if latent_options and method != "latent":
            raise ValueError(f"latent_options are not used by the {method} method")
        self.latent_options = dict(latent_options or {})
        if method == "bic":
            self.maxorder = check_bic_options(table.k_lists, maxorder)

    @single_blas_thread
    def fit(
        self,
        *,
        nboot: int = 0,
        seed: int | None = 1234,
        conf_level: float = 0.95,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        warn: bool = True,
    ) -> MSEResult:
        """Choose the model, estimate the population and, if asked, bootstrap a BCa interval.

        Parameters
        ----------
        nboot
            Bootstrap replicates (0 for none). SparseMSE uses 1,000; fewer give visibly noisy
            interval ends.
        seed
            Seed for the resampling (numpy ``default_rng``); the same seed gives the same interval.
        conf_level
            Coverage of the reported intervals (the BCa levels SparseMSE reports are computed too).
        progress
            Optional ``progress(done, total)`` callback during the bootstrap.
        cancelled
            Optional callback asked before every bootstrap fit; ``True`` stops the fit with
            :class:`~tipnet.core.estimation.bootstrap.EstimationCancelled`.
        warn
            Also emit the caveats as :class:`SparseDataWarning` (they are always in the result).

        Returns
        -------
        MSEResult
        """
        if nboot < 0:
            raise ValueError("nboot must not be negative")
        if not 0.5 <= conf_level < 1.0:
            raise ValueError("conf_level must be in [0.5, 1)")
        if self.method == "latent":  # Manrique-Vallier (2016): a sampler, not a log-linear fit
            if nboot:
                # Refused rather than ignored: the caller believes it asked for a bootstrap.
                raise ValueError(
                    "nboot is not used by the latent method (its interval is a credible "
                    "interval, not a bootstrap): give nboot=0"
                )
            from .latent import LatentClassModel

            latent = LatentClassModel(self.table, **self.latent_options).fit(
                seed=seed, conf_level=conf_level, progress=progress, cancelled=cancelled
            )
            if warn:
                for note in latent.warnings:
                    warnings.warn(note.message, SparseDataWarning, stacklevel=2)
            return latent  # type: ignore[return-value]
        table = self.table
        k = table.k_lists
        y = table.cell_counts.astype(np.float64)
        options: dict[str, Any] = {}
        steps: list[Step] = []
        ranking: tuple = ()
        batch: BatchEstimator | None = None  # a vectorised estimator, where there is one
        main = fit_model(k, (), y)
        start = main.coef_dict()

        if self.method == "bic":
            ranked = bic_models(k, y, self.maxorder)
            if not ranked:
                raise ValueError("no hierarchical model has an estimable MLE for these data")
            ntop = self.ntop if self.ntop is not None else DEFAULT_NTOP[k]
            top = ranked if ntop is None else ranked[:ntop]
            options = {"maxorder": self.maxorder, "ntop": len(top)}
            fit = ranked[0].fit
            ranking = tuple(
                (tuple(term_name(t, table.lists) for t in r.model), r.bic, r.estimate)
                for r in ranked[:20]
            )
            estimator = _bic_estimator(k, top)
        else:
            pthresh = (
                self.pthresh if self.pthresh is not None else DEFAULT_PTHRESH[self.method]
            )
            options = {"pthresh": pthresh}
            select = stepwise if self.method == "stepwise" else aic_stepwise
            fit = select(k, y, pthresh, start=start, trace=steps)

            def estimator(yb: np.ndarray) -> float:
                return select(k, yb, pthresh, start=start).estimate

            if self.method == "stepwise" and 0.0 < pthresh < 1.0 and k < ZETA_FROM:
                batch = partial(stepwise_batch, k, pthresh=pthresh, start=start)

        boot: BootstrapResult | None = None
        if nboot > 0:
            half = (1.0 - conf_level) / 2.0
            alpha = tuple(sorted({*DEFAULT_ALPHA, half, 1.0 - half}))
            boot = run_bootstrap(
                y, fit.estimate, estimator, nboot=nboot, seed=seed, alpha=alpha, progress=progress,
                cancelled=cancelled, order=table.canonical_order(), batch=batch,
            )
        result = _build_result(
            table, self.method, options, fit, steps, ranking, boot, conf_level, main
        )
        if warn:
            for note in result.warnings:
                warnings.warn(note.message, SparseDataWarning, stacklevel=2)
        return result


def estimate(
    table: CaptureTable,
    *,
    method: str = "stepwise",
    nboot: int = 0,
    seed: int | None = 1234,
    progress: Progress | None = None,
    **options: Any,
) -> MSEResult:
    """One-call form: ``MSEModel(table, method=..., **options).fit(nboot=..., seed=...)``.

    Caveats are returned in ``result.warnings`` and not emitted as Python warnings.
    """
    model = MSEModel(table, method=method, **options)
    return model.fit(nboot=nboot, seed=seed, progress=progress, warn=False)


# ---------------------------------------------------------------------- helpers
def _bic_estimator(k: int, top: list[RankedModel]) -> Callable[[np.ndarray], float]:
    def estimator(yb: np.ndarray) -> float:
        best = best_of(k, yb, top)
        return math.nan if best is None else best.estimate

    return estimator


def _build_result(
    table: CaptureTable,
    method: str,
    options: dict[str, Any],
    fit: ModelFit,
    steps: list[Step],
    ranking: tuple,
    boot: BootstrapResult | None,
    conf_level: float,
    main: ModelFit,
) -> MSEResult:
    lists = table.lists
    n_obs = table.n_observed
    z = float(ndtri(0.5 + conf_level / 2.0))
    log_dark = float(fit.coef[0])
    try:
        se = fit.se_log_dark
    except np.linalg.LinAlgError:
        se = math.nan
    ci_low = n_obs + math.exp(log_dark - z * se)
    ci_high = n_obs + math.exp(log_dark + z * se)
    names = tuple(term_name(t, lists) for t in fit.model)
    never = tuple(term_name(t, lists) for t in fit.model if t in fit.empty)
    non_overlapping = table.non_overlapping_pairs()
    coefficients = {term_name(t, lists): v for t, v in fit.coef_dict().items()}
    result = MSEResult(
        method=method,
        options=options,
        lists=lists,
        n_observed=n_obs,
        estimate=fit.estimate,
        dark_figure=fit.dark_figure,
        conf_level=conf_level,
        ci_low=ci_low,
        ci_high=ci_high,
        model=names,
        never_overlap=never,
        non_overlapping_pairs=non_overlapping,
        coefficients=coefficients,
        se_log_dark=se,
        aic=fit.aic,
        bic=fit.bic,
        loglik=fit.loglik,
        steps=tuple((term_name(s.term, lists), s.statistic) for s in steps),
        ranking=ranking,
        bootstrap=boot,
        warnings=(),
        fit=fit,
        chao=chao_lower_bound(table),
    )
    notes = _notes(table, result, fit, main)
    object.__setattr__(result, "warnings", tuple(notes))
    return result


def _notes(table: CaptureTable, result: MSEResult, fit: ModelFit, main: ModelFit) -> list[Note]:
    """The caveats, most serious first. Codes are stable; messages are plain English."""
    notes: list[Note] = []
    k = table.k_lists
    y = table.cell_counts.astype(np.float64)
    code = check_model(k, fit.model, y, empty_mains=True)
    if code != OK:
        notes.append(
            Note(
                "no_mle",
                f"The chosen model cannot be estimated reliably from these data: {describe_code(code)}.",
                {"code": code},
            )
        )
    if not fit.converged:
        notes.append(Note("not_converged", "The model fit did not converge; do not rely on it."))
    totals = table.list_totals()
    empty = [name for name, n in totals.items() if n == 0]
    if empty:
        notes.append(
            Note(
                "empty_list",
                f"No one was seen on {', '.join(empty)}; such lists carry no information.",
                {"lists": empty},
            )
        )
    n_multi = int(sum(c for w, c in enumerate(table.counts) if w and w.bit_count() >= 2))
    if n_multi < FEW_OVERLAPS:
        notes.append(
            Note(
                "few_overlaps",
                f"Only {n_multi} people appear on more than one list; the estimate rests on these "
                "few overlaps and is too sparse to trust.",
                {"n": n_multi, "threshold": FEW_OVERLAPS},
            )
        )
    small = [name for name, n in totals.items() if 0 < n < SMALL_LIST]
    if small:
        notes.append(
            Note(
                "small_list",
                f"Very small lists ({', '.join(f'{s}: {totals[s]}' for s in small)}): "
                "consider merging them with related lists.",
                {"lists": {s: totals[s] for s in small}, "threshold": SMALL_LIST},
            )
        )
    if k == 2:
        notes.append(
            Note(
                "two_lists",
                "With two lists the lists must be assumed independent; that cannot be checked.",
            )
        )
    if result.never_overlap:
        notes.append(
            Note(
                "never_overlap_in_model",
                "The model includes pairs of lists that never overlap ("
                + ", ".join(result.never_overlap)
                + "); their interaction is estimated at minus infinity (Chan, Silverman & "
                "Vincent 2021).",
                {"pairs": list(result.never_overlap)},
            )
        )
    elif result.non_overlapping_pairs:
        notes.append(
            Note(
                "non_overlapping_pairs",
                "Some pairs of lists have no one in common ("
                + ", ".join(result.non_overlapping_pairs)
                + ").",
                {"pairs": list(result.non_overlapping_pairs)},
            )
        )
    if result.dark_figure > LARGE_DARK_RATIO * result.n_observed:
        notes.append(
            Note(
                "large_dark_figure",
                f"The estimated number not on any list is more than {LARGE_DARK_RATIO:g} times the "
                "number observed; the estimate is an extrapolation driven by the model.",
                {"ratio": result.dark_figure / max(result.n_observed, 1)},
            )
        )
    ends = [(result.ci_low, result.ci_high)]
    if result.bootstrap is not None:
        ends.append((result.bca_low, result.bca_high))
    if any(
        lo is not None and hi is not None and math.isfinite(lo) and math.isfinite(hi) and hi > WIDE_RATIO * lo
        for lo, hi in ends
    ):
        notes.append(
            Note(
                "wide_interval",
                f"The interval is very wide (upper end more than {WIDE_RATIO:g} times the lower).",
                {"ratio": WIDE_RATIO},
            )
        )
    boot = result.bootstrap
    if boot is not None:
        notes.extend(_bootstrap_notes(result, boot))
    return notes


DEGENERATE_WHY = {
    "undefined": "it is undefined (the replicates all fall on one side of the estimate, or none "
    "could be fitted)",
    "zero_width": "its two ends are equal",
    "excludes_estimate": "it does not contain the estimate itself",
    "one_sided": "{share:.0%} of the replicates fall {side} the estimate, so the bias correction "
    "pushes one end beyond the most extreme replicate",
}


def _degenerate_note(result: MSEResult, reason: str) -> Note:
    """Say that the BCa interval cannot be quoted, why, and what is shown instead."""
    below = result.share_below
    side, share = ("below", below) if below > 0.5 else ("above", 1.0 - below)
    why = DEGENERATE_WHY[reason].format(share=share if math.isfinite(share) else 1.0, side=side)
    pct = f"{result.conf_level:.0%}"
    return Note(
        "bca_degenerate",
        f"The BCa interval cannot be quoted: {why}. The {pct} percentile interval of the "
        f"replicates, {_fmt_number(result.percentile_low)} to {_fmt_number(result.percentile_high)}, "
        "is shown instead; it does not correct for bias, so read it as rough, and check the "
        "table (the lists may overlap too little for this method).",
        {
            "reason": reason,
            "share_below": below if math.isfinite(below) else None,
            "percentile_low": _finite_or_none(result.percentile_low),
            "percentile_high": _finite_or_none(result.percentile_high),
        },
    )


def _finite_or_none(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _fmt_number(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None and math.isfinite(value) else "n/a"


def _bootstrap_notes(result: MSEResult, boot: BootstrapResult) -> list[Note]:
    notes: list[Note] = []
    if boot.n_failed:
        notes.append(
            Note(
                "bootstrap_failures",
                f"{boot.n_failed} of {boot.nboot} bootstrap replicates could not be fitted and "
                "were left out.",
                {"failed": boot.n_failed, "nboot": boot.nboot},
            )
        )
    reason = result.bca_degenerate
    if reason is not None:
        notes.append(_degenerate_note(result, reason))
        if reason == "undefined":
            return notes
    half = (1.0 - result.conf_level) / 2.0
    for alpha in (half, 1.0 - half):
        level = boot.levels.get(alpha, math.nan)
        beyond = min(level, 1.0 - level) * boot.nboot
        if math.isfinite(beyond) and beyond < EXTREME_TAIL:
            notes.append(
                Note(
                    "bca_extreme_tail",
                    f"The BCa {'lower' if alpha < 0.5 else 'upper'} end is set by the "
                    f"{max(1, round(beyond))} most extreme of the {boot.nboot} replicates; read it "
                    "as rough (more replicates make it steadier).",
                    {"end": "lower" if alpha < 0.5 else "upper", "beyond": beyond},
                )
            )
    if boot.nboot < 1000:
        notes.append(
            Note(
                "few_replicates",
                f"Only {boot.nboot} bootstrap replicates; use 1,000 or more for published figures.",
                {"nboot": boot.nboot},
            )
        )
    return notes
