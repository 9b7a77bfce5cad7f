"""Methods side by side, and warnings that say when people differ in how easy they are to find.

No method fixes heterogeneous catchability: when capture probabilities vary continuously between
people, the population size is not identifiable from capture data (Link 2003, Biometrics
59:1123-1130). What can be done is to put the estimates that assume different things next to
each other and say, in plain words, when they disagree:

* the log-linear estimate (stepwise, Chan, Silverman & Vincent 2021; two-way dependence, people
  alike within the model);
* the latent-class estimate (Manrique-Vallier 2016; a mixture of kinds of people);
* Chao's (1987) lower bound (no model of heterogeneity at all, only a floor).

Heterogeneity makes log-linear models with two-way terms estimate too low. Three signs of it
are looked for (``heterogeneity_evidence``), and any one fires ``heterogeneity``:

1. **More people on several lists than the chosen model expects.** When catchability varies
   between people, every pair, triple... of lists overlaps more than independence within the
   model allows, by a common amount: the quasi-symmetric (Rasch) models of Darroch, Fienberg,
   Glonek & Junker (1993, JASA 88:1137-1148) and Agresti (1994, Biometrics 50:494-500) write
   this as one log-linear term in the number of lists a person is on. Rcapture's "Mh Darroch"
   term ``|w|**2 / 2`` (Baillargeon & Rivest 2007, J. Stat. Softw. 19(5)) is added to the chosen
   model and kept if it improves the fit significantly (likelihood ratio, one-sided, positive
   coefficient, p < 0.02, the selection's own threshold); when the model already has every pair (so that term adds nothing),
   the "Mh Poisson" term ``2**|w|`` is used, whose new part is the groups of three and more.
   A positive three-way dependence between lists shows the same way, and is named in the
   message. Individual pairs the model lacks cannot trigger it: the term is shared by all.
2. **The log-linear estimate below Chao's lower bound, beyond chance.** Chao's (1987) figure
   is a lower bound under heterogeneity and about right without it. The bootstrap computes both
   on every replicate table; when the log-linear estimate is below Chao's bound in at least 90 %
   of the replicates (a paired comparison: both move together with the data), it is flagged.
   (Merely being below Chao's point figure is no sign: where people are alike and lists depend
   negatively, that happens on one table in five.)
3. **The log-linear interval wholly below the latent-class interval** (Manrique-Vallier 2016),
   or wholly below Chao's bound.

A latent-class interval wholly below the log-linear one (as with lists that avoid each other in
a way no two-way model captures) is flagged ``methods_disagree``. How often these fire, on
tables where the log-linear model holds and on heterogeneous ones, is measured by
``bench/estimate_coverage.py`` (bench/RESULTS.md).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
from scipy.special import ndtr

from .bootstrap import Cancelled
from .chao import ChaoBound, chao_lower_bound
from .results import Note, _num
from .table import CaptureTable

__all__ = ["compare_methods", "heterogeneity_evidence", "heterogeneity_notes"]

#: One-sided level of the Darroch test (the stepwise selection's own threshold, Chan, Silverman &
#: Vincent 2021), and the share of bootstrap replicates below Chao's bound that counts as beyond
#: chance. Chosen on simulated tables (seeds 50,000 on, apart from the benchmark's): at 0.05 and
#: 0.95 the test fired on 7 % of tables where the model holds and the share missed a third of
#: heterogeneous ones; at 0.02 and 0.90, 2-5 % false alarms and 82 % of SD-0.5 tables found.
DARROCH_LEVEL = 0.02
CHAO_SHARE = 0.90

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
    evidence = heterogeneity_evidence(loglinear)
    notes = heterogeneity_notes(loglinear, latent, chao, evidence)
    if latent is not result:  # the latent run's own trouble, which the reader would not see
        notes = [n for n in latent.warnings if n.code.startswith("latent_")] + notes
    comparison = {
        "methods": rows,
        "spread_percent": spread,
        "warnings": [n.code for n in notes],
        # The signs of heterogeneity that need no latent run (None where not available).
        "evidence": evidence,
    }
    return dataclasses.replace(
        result, comparison=comparison, warnings=tuple(result.warnings) + tuple(notes)
    )


def darroch_test(fit: Any) -> tuple[float, float, str]:
    """One-sided likelihood-ratio test of heterogeneity beyond the chosen log-linear model.

    Adds Rcapture's "Mh Darroch" column ``|w|**2 / 2`` (``|w|``: the number of lists of cell
    ``w``) to the chosen model's design, or the "Mh Poisson" column ``2**|w|`` when the model
    already spans the first, and refits. Returns the new term's coefficient, the one-sided
    p-value for a positive coefficient (``Phi(-sqrt(LR))`` signed; 1 when negative) and which
    term was used; ``(nan, nan, "")`` when neither adds anything or the refit fails.
    """
    from .fit import _layout, poisson_newton

    k = fit.k
    keep, x, _fitted = _layout(k, fit.model, fit.empty)
    y = np.asarray(fit.y, dtype=np.float64)[keep]
    mu0 = np.asarray(fit.mu, dtype=np.float64)[keep]
    if y.size <= x.shape[1] or not np.all(mu0 > 0):
        return math.nan, math.nan, ""
    on = np.array([int(m).bit_count() for m in range(1, 2**k)], dtype=np.float64)[keep]
    q, _r = np.linalg.qr(x)
    candidates = [
        (term, column)
        for term, column in (("darroch", on**2 / 2.0), ("poisson", 2.0**on))
        if np.linalg.norm(column - q @ (q.T @ column)) > 1e-8 * np.linalg.norm(column)
    ]
    if not candidates:  # both in the model's span: nothing beyond it to test
        return math.nan, math.nan, ""
    name, column = candidates[0]
    design = np.column_stack([x, column])
    try:
        with np.errstate(all="ignore"):
            beta, mu1, converged, _n = poisson_newton(design, y, np.concatenate([fit.coef, [0.0]]))
    except (np.linalg.LinAlgError, ValueError, FloatingPointError, OverflowError):
        return math.nan, math.nan, ""
    if not converged or not np.all(np.isfinite(beta)):
        return math.nan, math.nan, ""
    ll0 = float(y @ np.log(mu0) - mu0.sum())
    ll1 = float(y @ (design @ beta) - mu1.sum())
    tau = float(beta[-1])
    z = math.sqrt(max(2.0 * (ll1 - ll0), 0.0))
    p = float(ndtr(-z)) if tau > 0 else 1.0
    return tau, p, name


def heterogeneity_evidence(loglinear: Any) -> dict[str, Any]:
    """The signs of heterogeneity that need no latent-class run: the Darroch test on the chosen
    model (``darroch_p``, ``darroch_term``) and, where there is a bootstrap, the share of its
    replicates whose estimate is below Chao's bound of the same replicate (``chao_share``)."""
    out: dict[str, Any] = {"darroch_p": None, "darroch_term": None, "chao_share": None}
    fit = getattr(loglinear, "fit", None)
    if fit is not None and not callable(fit):
        _tau, p, name = darroch_test(fit)
        if math.isfinite(p):
            out["darroch_p"], out["darroch_term"] = p, name
    boot = getattr(loglinear, "bootstrap", None)
    if boot is not None and getattr(boot, "chao", np.zeros(0)).size == boot.estimates.size:
        ok = np.isfinite(boot.estimates) & np.isfinite(boot.chao)
        if ok.sum() >= 100:
            out["chao_share"] = float(np.mean(boot.estimates[ok] < boot.chao[ok]))
    return out


def heterogeneity_notes(
    loglinear: Any, latent: Any, chao: ChaoBound, evidence: dict[str, Any] | None = None
) -> list[Note]:
    """The warnings that speak: is the log-linear estimate likely too low, and by how much do the
    methods differ? ``evidence`` is :func:`heterogeneity_evidence` (computed when not given)."""
    notes: list[Note] = []
    if evidence is None:
        evidence = heterogeneity_evidence(loglinear)
    ll_est = float(loglinear.estimate)
    ll_low, ll_high = _interval(loglinear)
    if not all(math.isfinite(v) for v in (ll_est, ll_low, ll_high)):
        return notes
    # Without a usable latent-class run (``latent=None``), the signs that need none still count.
    lc_est, lc_low, lc_high = (
        (float(latent.estimate), float(latent.ci_low), float(latent.ci_high))
        if latent is not None else (math.nan, math.nan, math.nan)
    )
    has_latent = all(math.isfinite(v) for v in (lc_est, lc_low, lc_high))
    others = [v for v in (lc_est if has_latent else math.nan, chao.estimate) if math.isfinite(v)]
    differ = (
        100.0 * (max(others + [ll_est]) - min(others + [ll_est])) / min(others + [ll_est])
        if min(others + [ll_est]) > 0 else 0.0
    )
    below_chao = math.isfinite(chao.estimate) and ll_high < chao.estimate
    below = has_latent and lc_low > ll_high
    darroch_p = evidence.get("darroch_p")
    chao_share = evidence.get("chao_share")
    overlap = darroch_p is not None and darroch_p < DARROCH_LEVEL
    chao_paired = chao_share is not None and chao_share >= CHAO_SHARE and not below_chao
    params = {
        "loglinear": round(ll_est),
        "latent": round(lc_est) if has_latent else None,
        "chao": round(chao.estimate) if math.isfinite(chao.estimate) else None,
        "percent": round(differ),
    }
    if below or below_chao or overlap or chao_paired:
        reasons = []
        if overlap:
            reasons.append(
                "more people are on several lists than its model expects, the pattern of people "
                f"who differ (a likelihood-ratio test of a Darroch heterogeneity term, p = {darroch_p:.3f}; "
                "lists that depend on each other in threes can look the same)"
            )
        if below:
            reasons.append(
                f"its interval lies wholly below the latent-class interval ({lc_low:,.0f} to "
                f"{lc_high:,.0f})"
            )
        if below_chao:
            reasons.append(f"its interval lies wholly below Chao's lower bound ({chao.estimate:,.0f})")
        if chao_paired:
            reasons.append(
                f"it is below Chao's lower bound ({chao.estimate:,.0f}) in "
                f"{100 * chao_share:.0f} % of the bootstrap replicates"
            )
        notes.append(
            Note(
                "heterogeneity",
                f"People probably differ in how easy they are to find, and the log-linear "
                f"estimate ({ll_est:,.0f}) is likely too low: " + "; ".join(reasons) + ". "
                f"The methods differ by {differ:.0f} %. No method can fully correct for this; "
                "report the methods side by side and treat the higher figures as plausible.",
                {**params, "below_latent": below, "below_chao": below_chao,
                 "more_overlap": overlap, "below_chao_replicates": chao_paired,
                 "darroch_p": darroch_p, "chao_share": chao_share},
            )
        )
    elif has_latent and lc_high < ll_low:
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
