"""The result of a multiple systems estimate: numbers, the chosen model, intervals and caveats."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .bootstrap import BootstrapResult
from .chao import ChaoBound
from .comparison import comparison_lines
from .fit import ModelFit

__all__ = ["MSEResult", "Note", "EstimationWarning", "SparseDataWarning"]

METHOD_TITLES = {
    "stepwise": "stepwise Poisson p-values (Chan, Silverman & Vincent 2021)",
    "aic": "forward stepwise AIC (Silverman 2014; Bales, Hesketh & Silverman 2015)",
    "bic": "BIC over hierarchical models (Silverman, Chan & Vincent 2024)",
    "latent": "Bayesian non-parametric latent classes (Manrique-Vallier 2016, as LCMCR)",
}


#: The BCa interval is taken as degenerate when fewer than this share of the replicates fall on
#: one side of the estimate. Then ``z0`` is beyond +-1.28 and, even without acceleration, the
#: adjusted level of one end is below 3 in a million (``Phi(2 z0 - 1.96)``): that end would need
#: some 300,000 replicates to be read from the data, so with any practical ``nboot`` it is just
#: the most extreme replicate, and the other end is pulled towards the estimate.
ONE_SIDED_SHARE = 0.10


class EstimationWarning(UserWarning):
    """A statistical caveat about an estimate (the data or the model may not support it)."""


class SparseDataWarning(EstimationWarning):
    """The capture table is too sparse for the estimate to be trusted without care."""


@dataclass(frozen=True)
class Note:
    """A caveat with a stable code (for translation by the web layer) and an English message.

    ``params`` holds the values substituted into the message, so a translation can rebuild it.
    """

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "params": dict(self.params)}


@dataclass(frozen=True)
class MSEResult:
    """An estimate of the total population (seen plus unseen) from a capture table.

    Attributes
    ----------
    method
        ``"stepwise"``, ``"aic"`` or ``"bic"``.
    options
        Method options actually used (``pthresh``, ``maxorder``, ``ntop``).
    lists
        List names in column order.
    n_observed
        People seen on at least one list.
    estimate
        Estimated total population, ``n_observed + dark_figure``.
    dark_figure
        Estimated number of people on no list.
    conf_level
        Coverage of the intervals (0.95 by default).
    ci_low, ci_high
        Model-conditional interval: a Wald interval for the log dark figure, transformed
        (SparseMSE ``estimatepopulation.0``). It ignores model-selection uncertainty.
    model
        Interactions of the chosen model as "A:B", in the order they entered.
    never_overlap
        Terms of the model fixed at minus infinity: pairs of lists with nobody in common.
    non_overlapping_pairs
        Every pair of lists with nobody in common in the data, whether or not in the model.
    coefficients
        Log-linear parameters by term name (``-inf`` for terms at the boundary).
    se_log_dark
        Standard error of the log dark figure under the chosen model.
    aic, bic, loglik
        Criteria of the chosen model (SparseMSE's AIC; MultipleSystemsEstimation's BIC).
    steps
        Selection trace: (term added, its p-value for stepwise or AIC after adding for aic).
    ranking
        For ``bic``: the best models as (model, BIC, estimate), best first (at most 20).
    bootstrap
        BCa bootstrap details, or ``None`` when ``nboot = 0``.
    warnings
        Caveats (:class:`Note`), most important first.
    """

    method: str
    options: dict[str, Any]
    lists: tuple[str, ...]
    n_observed: int
    estimate: float
    dark_figure: float
    conf_level: float
    ci_low: float
    ci_high: float
    model: tuple[str, ...]
    never_overlap: tuple[str, ...]
    non_overlapping_pairs: tuple[str, ...]
    coefficients: dict[str, float]
    se_log_dark: float
    aic: float
    bic: float
    loglik: float
    steps: tuple[tuple[str, float], ...]
    ranking: tuple[tuple[tuple[str, ...], float, float], ...]
    bootstrap: BootstrapResult | None
    warnings: tuple[Note, ...]
    fit: ModelFit = field(repr=False, compare=False)
    #: Chao's (1987) lower bound of the total, from the people seen on one and on two lists.
    chao: ChaoBound | None = None
    #: The methods side by side and their agreement (``diagnostics.compare_methods``).
    comparison: dict[str, Any] | None = None

    # ------------------------------------------------------------------ convenience
    @property
    def bca_low(self) -> float | None:
        """Lower end of the BCa interval at ``conf_level``, or ``None`` without a bootstrap."""
        return self._bca((1.0 - self.conf_level) / 2.0)

    @property
    def bca_high(self) -> float | None:
        """Upper end of the BCa interval at ``conf_level``, or ``None`` without a bootstrap."""
        return self._bca(1.0 - (1.0 - self.conf_level) / 2.0)

    @property
    def bca_low_mc_se(self) -> float | None:
        """Monte-Carlo standard error of :attr:`bca_low` (how far another seed would move it)."""
        return self._bca((1.0 - self.conf_level) / 2.0, "monte_carlo_se")

    @property
    def bca_high_mc_se(self) -> float | None:
        """Monte-Carlo standard error of :attr:`bca_high`."""
        return self._bca(1.0 - (1.0 - self.conf_level) / 2.0, "monte_carlo_se")

    @property
    def percentile_low(self) -> float | None:
        """Lower end of the plain percentile bootstrap interval (Efron & Tibshirani 1993, ch. 13)."""
        return self._percentile((1.0 - self.conf_level) / 2.0)

    @property
    def percentile_high(self) -> float | None:
        """Upper end of the plain percentile bootstrap interval."""
        return self._percentile(1.0 - (1.0 - self.conf_level) / 2.0)

    def _percentile(self, level: float) -> float | None:
        if self.bootstrap is None:
            return None
        reps = self.bootstrap.estimates[np.isfinite(self.bootstrap.estimates)]
        if reps.size == 0:
            return math.nan
        # R's quantile(type = 8), as the BCa ends (SparseMSE's bcaconfvalues).
        return float(np.quantile(reps, level, method="median_unbiased"))

    @property
    def bca_degenerate(self) -> str | None:
        """Why the BCa interval cannot be quoted, or ``None`` when it can.

        ``"undefined"`` (no finite end), ``"zero_width"``, ``"excludes_estimate"``, or
        ``"one_sided"`` (fewer than :data:`ONE_SIDED_SHARE` of the replicates on one side of the
        estimate). The percentile interval is then the one to read (:attr:`interval_kind`).
        """
        if self.bootstrap is None:
            return None
        low, high = self.bca_low, self.bca_high
        if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
            return "undefined"
        if high - low <= 1e-9 * max(abs(self.estimate), 1.0):
            return "zero_width"
        if not low <= self.estimate <= high:
            return "excludes_estimate"
        if min(self.share_below, 1.0 - self.share_below) < ONE_SIDED_SHARE:
            return "one_sided"
        return None

    @property
    def share_below(self) -> float:
        """Share of the (finite) replicates below the estimate, ``Phi(z0)``; NaN without any."""
        if self.bootstrap is None:
            return math.nan
        reps = self.bootstrap.estimates[np.isfinite(self.bootstrap.estimates)]
        return float(np.mean(reps < self.estimate)) if reps.size else math.nan

    @property
    def interval_kind(self) -> str | None:
        """The bootstrap interval to quote: ``"bca"``, or ``"percentile"`` when BCa is degenerate."""
        if self.bootstrap is None:
            return None
        return "bca" if self.bca_degenerate is None else "percentile"

    @property
    def interval_usable(self) -> bool:
        """False when even the interval to quote is undefined or has zero width (do not publish)."""
        if self.bootstrap is None:
            return True
        if self.interval_kind == "bca":
            return True
        low, high = self.percentile_low, self.percentile_high
        return (
            low is not None and high is not None and math.isfinite(low) and math.isfinite(high)
            and high - low > 1e-9 * max(abs(self.estimate), 1.0)
        )

    def _bca(self, level: float, attribute: str = "quantiles") -> float | None:
        if self.bootstrap is None:
            return None
        for alpha, value in getattr(self.bootstrap, attribute).items():
            if abs(alpha - level) < 1e-9:
                return value
        return None

    def model_labels(self) -> list[str]:
        """Model terms for display, never-overlapping pairs marked."""
        return [
            f"{name} (never overlap)" if name in self.never_overlap else name for name in self.model
        ]

    # ------------------------------------------------------------------ output
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (no NaN or infinity: those become ``None``)."""
        out: dict[str, Any] = {
            "observed": self.n_observed,
            "estimate": _num(self.estimate),
            "dark_figure": _num(self.dark_figure),
            "conf_level": self.conf_level,
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
        }
        if self.bootstrap is not None:
            out["bca_low"] = _num(self.bca_low)
            out["bca_high"] = _num(self.bca_high)
            out["bca_low_mc_se"] = _num(self.bca_low_mc_se)
            out["bca_high_mc_se"] = _num(self.bca_high_mc_se)
            out["percentile_low"] = _num(self.percentile_low)
            out["percentile_high"] = _num(self.percentile_high)
            out["bootstrap_interval"] = self.interval_kind
        out.update(
            {
                "model": self.model_labels(),
                "method": self.method,
                "options": dict(self.options),
                "warnings": [note.to_dict() for note in self.warnings],
                "lists": list(self.lists),
                # One field for pairs of lists with nobody in common (issue 11: a separate
                # "never_overlap" list, empty while this one was not, read as a contradiction).
                "non_overlapping_pairs": [
                    {"pair": pair, "in_model": pair in self.never_overlap}
                    for pair in self.non_overlapping_pairs
                ],
                "coefficients": {name: _num(v) for name, v in self.coefficients.items()},
                "se_log_dark": _num(self.se_log_dark),
                "aic": _num(self.aic),
                "bic": _num(self.bic),
                "steps": [{"term": t, "statistic": _num(s)} for t, s in self.steps],
            }
        )
        if self.ranking:
            out["ranking"] = [
                {"model": list(m), "bic": _num(b), "estimate": _num(e)} for m, b, e in self.ranking
            ]
        if self.chao is not None:
            out["chao"] = self.chao.to_dict()
        if self.comparison is not None:
            out["comparison"] = self.comparison
        if self.bootstrap is not None:
            boot = self.bootstrap
            out["bootstrap"] = {
                "nboot": boot.nboot,
                "seed": boot.seed,
                "failed": boot.n_failed,
                "acceleration": _num(boot.acceleration),
                "bias_z0": _num(boot.bias_z0),
                "quantiles": {str(a): _num(v) for a, v in boot.quantiles.items()},
                "monte_carlo_se": {str(a): _num(v) for a, v in boot.monte_carlo_se.items()},
            }
        return out

    def summary(self) -> str:
        """A plain-text report for a researcher."""
        pct = f"{self.conf_level:.0%}"
        lines = [
            f"Multiple systems estimation: {METHOD_TITLES.get(self.method, self.method)}",
            f"Lists ({len(self.lists)}): {', '.join(self.lists)}",
            f"People observed: {self.n_observed:,}",
            "Model: main effects"
            + ("".join(f" + {label}" for label in self.model_labels()) if self.model else " only"),
            f"Estimated total population: {_fmt(self.estimate)}"
            f"   (not on any list: {_fmt(self.dark_figure)})",
            f"{pct} interval given the model: {_fmt(self.ci_low)} to {_fmt(self.ci_high)}",
        ]
        if self.bootstrap is not None:
            boot = self.bootstrap
            if self.interval_kind == "percentile":
                lines.append(
                    f"{pct} percentile bootstrap interval: {_fmt(self.percentile_low)} to "
                    f"{_fmt(self.percentile_high)}   ({boot.nboot:,} replicates, seed {boot.seed}, "
                    "model selection rerun in each; the BCa interval is degenerate, see warnings)"
                )
            lines.append(
                f"{pct} BCa bootstrap interval: {_fmt(self.bca_low)} to {_fmt(self.bca_high)}"
                + (
                    "   (degenerate: do not quote it)"
                    if self.interval_kind == "percentile"
                    else f"   ({boot.nboot:,} replicates, seed {boot.seed}, model selection rerun in each)"
                )
            )
            lines.append(
                "Monte-Carlo error of the BCa ends (how far another seed would move them): "
                f"{_fmt_error(self.bca_low_mc_se)} and {_fmt_error(self.bca_high_mc_se)}"
            )
        else:
            lines.append("No bootstrap: the interval above ignores the uncertainty of choosing the model.")
        lines.extend(closing_lines(self))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def closing_lines(result: Any) -> list[str]:
    """The end of a summary, the same for every method: Chao's lower bound, the methods compared
    (when they were) and the warnings."""
    lines: list[str] = []
    if result.chao is not None:
        lines.append(result.chao.summary_line())
    if result.comparison is not None:
        lines.extend(comparison_lines(result.comparison))
    if result.warnings:
        lines.append("Warnings:")
        lines.extend(f"  - {note.message}" for note in result.warnings)
    return lines


def _num(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _fmt_error(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "not estimable (the end is the most extreme replicate: use more replicates)"
    return f"+/-{value:,.0f}"


def _fmt(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:,.0f}"
