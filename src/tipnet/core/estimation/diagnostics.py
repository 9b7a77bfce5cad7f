"""Methods side by side, and warnings that say when people differ in how easy they are to find.

No method fixes heterogeneous catchability: when capture probabilities vary continuously between
people, the population size is not identifiable from capture data (Link 2003, Biometrics
59:1123-1130). What can be done is to put the estimates that assume different things next to
each other and say, in plain words, when they disagree:

* the log-linear estimate (stepwise, Chan, Silverman & Vincent 2021; two-way dependence, people
  alike within the model);
* the latent-class estimate (Manrique-Vallier 2016; a mixture of kinds of people);
* Chao's (1987) lower bound (no model of heterogeneity at all, only a floor).

Heterogeneity makes log-linear models with two-way terms estimate too low; a log-linear interval
that lies wholly below the latent-class interval, or wholly below Chao's lower bound, is flagged
``heterogeneity``. (Being merely near Chao's bound is no sign: where everyone is equally easy to
find, Chao's figure is itself about right, and a good estimate falls below it half the time.) A latent-class interval wholly below the log-linear one (as
with a strong three-way dependence between lists) is flagged ``methods_disagree``. How often these
fire, on tables where the log-linear model holds and on heterogeneous ones, is measured by
``bench/estimate_coverage.py`` (bench/RESULTS.md).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from .bootstrap import Cancelled
from .chao import ChaoBound, chao_lower_bound
from .results import Note, _num
from .table import CaptureTable

__all__ = ["compare_methods", "heterogeneity_notes"]

LABELS = {
    "stepwise": "Log-linear, stepwise",
    "aic": "Log-linear, AIC",
    "bic": "Log-linear, BIC",
    "latent": "Latent classes",
    "chao": "Chao's lower bound",
}


def compare_methods(
    table: CaptureTable,
    result: Any,
    *,
    seed: int | None = 1234,
    progress: Any = None,
    cancelled: Cancelled | None = None,
    latent: Any = None,
    loglinear: Any = None,
    latent_options: dict[str, Any] | None = None,
) -> Any:
    """``result`` with the methods compared and the heterogeneity warnings added.

    ``result`` is the answer of the method asked for (an ``MSEResult`` or a ``LatentResult``).
    The other estimate is fitted here unless given: the latent-class model (several seconds)
    beside a log-linear result, the stepwise log-linear model (no bootstrap) beside a latent one.
    ``latent_options`` (``burnin``, ``samples``, ``chains``...) go to the latent sampler.
    """
    from .latent import LatentClassModel
    from .model import MSEModel

    if result.method == "latent":
        latent = result
        if loglinear is None:
            loglinear = MSEModel(table, method="stepwise").fit(nboot=0, seed=seed, warn=False)
    else:
        loglinear = result
        if latent is None:
            latent = LatentClassModel(table, **(latent_options or {})).fit(
                seed=seed, progress=progress, cancelled=cancelled
            )
    chao = result.chao if getattr(result, "chao", None) is not None else chao_lower_bound(table)
    rows = [_row(loglinear), _row(latent), _chao_row(chao)]
    estimates = [r["estimate"] for r in rows if r["estimate"] is not None and r["estimate"] > 0]
    spread = 100.0 * (max(estimates) / min(estimates) - 1.0) if len(estimates) > 1 else None
    notes = heterogeneity_notes(loglinear, latent, chao)
    if latent is not result:  # the latent run's own trouble, which the reader would not see
        notes = [n for n in latent.warnings if n.code.startswith("latent_")] + notes
    comparison = {
        "methods": rows,
        "spread_percent": spread,
        "warnings": [n.code for n in notes],
    }
    return dataclasses.replace(
        result, comparison=comparison, warnings=tuple(result.warnings) + tuple(notes)
    )


def heterogeneity_notes(loglinear: Any, latent: Any, chao: ChaoBound) -> list[Note]:
    """The warnings that speak: is the log-linear estimate likely too low, and by how much do the
    methods differ?"""
    notes: list[Note] = []
    ll_est = float(loglinear.estimate)
    ll_low, ll_high = _interval(loglinear)
    lc_est, lc_low, lc_high = float(latent.estimate), float(latent.ci_low), float(latent.ci_high)
    if not all(math.isfinite(v) for v in (ll_est, ll_low, ll_high, lc_est, lc_low, lc_high)):
        return notes
    differ = 100.0 * abs(lc_est - ll_est) / min(lc_est, ll_est) if min(lc_est, ll_est) > 0 else 0.0
    below_chao = math.isfinite(chao.estimate) and ll_high < chao.estimate
    below = lc_low > ll_high
    params = {
        "loglinear": round(ll_est),
        "latent": round(lc_est),
        "chao": round(chao.estimate) if math.isfinite(chao.estimate) else None,
        "percent": round(differ),
    }
    if below or below_chao:
        reasons = []
        if below:
            reasons.append(
                f"its interval lies wholly below the latent-class interval ({lc_low:,.0f} to "
                f"{lc_high:,.0f})"
            )
        if below_chao:
            reasons.append(f"its interval lies wholly below Chao's lower bound ({chao.estimate:,.0f})")
        notes.append(
            Note(
                "heterogeneity",
                f"People probably differ in how easy they are to find, and the log-linear "
                f"estimate ({ll_est:,.0f}) is likely too low: " + " and ".join(reasons) + ". "
                f"The methods differ by {differ:.0f} %. No method can fully correct for this; "
                "report the methods side by side and treat the higher figures as plausible.",
                {**params, "below_latent": below, "below_chao": below_chao},
            )
        )
    elif lc_high < ll_low:
        notes.append(
            Note(
                "methods_disagree",
                f"The latent-class estimate ({lc_est:,.0f}) is well below the log-linear "
                f"estimate ({ll_est:,.0f}): their intervals do not overlap, and the methods differ "
                f"by {differ:.0f} %. The lists may depend on each other in a way neither model "
                "captures (for example three lists that refer people to each other); report both.",
                params,
            )
        )
    return notes


def _interval(result: Any) -> tuple[float, float]:
    """The interval to quote: BCa when there is one, else the model's own."""
    low, high = getattr(result, "bca_low", None), getattr(result, "bca_high", None)
    if low is not None and high is not None and math.isfinite(low) and math.isfinite(high):
        return float(low), float(high)
    return float(result.ci_low), float(result.ci_high)


def _row(result: Any) -> dict[str, Any]:
    low, high = _interval(result)
    if result.method == "latent":
        kind = "credible"
    elif getattr(result, "bca_low", None) is not None and math.isfinite(result.bca_low):
        kind = "bca"
    else:
        kind = "model"
    return {
        "method": result.method,
        "label": LABELS.get(result.method, result.method),
        "estimate": _num(result.estimate),
        "low": _num(low),
        "high": _num(high),
        "interval": kind,
    }


def _chao_row(chao: ChaoBound) -> dict[str, Any]:
    return {
        "method": "chao",
        "label": LABELS["chao"],
        "estimate": _num(chao.estimate),
        "low": None,
        "high": None,
        "interval": "none",
    }
