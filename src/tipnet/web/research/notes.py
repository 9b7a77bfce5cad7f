"""Estimation caveats in the reader's language, keyed by the stable codes of core.estimation."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def _join(values: Any) -> str:
    if isinstance(values, dict):
        return ", ".join(f"{key}: {value}" for key, value in values.items())
    if isinstance(values, list | tuple):
        return ", ".join(str(v) for v in values)
    return str(values)


def _fixed(value: Any, digits: int) -> str:
    return "?" if value is None else f"{float(value):,.{digits}f}"


def _numbers(p: dict[str, Any]) -> dict[str, str]:
    return {key: _fixed(p.get(key), 0) for key in ("loglinear", "latent", "chao", "percent")}


#: Translated names of the methods in the "methods compared" table (core's codes).
def _method_label(method: str) -> str:
    labels = {
        "stepwise": _("Log-linear, stepwise"),
        "aic": _("Log-linear, AIC"),
        "bic": _("Log-linear, BIC"),
        "latent": _("Latent classes"),
        "chao": _("Chao's lower bound"),
    }
    return labels.get(method, method)


def _interval_label(kind: str) -> str:
    labels = {
        "bca": _("BCa bootstrap"),
        "model": _("given the model"),
        "credible": _("credible interval"),
        "none": _("a lower bound only"),
    }
    return labels.get(kind, kind)


def comparison_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the "methods compared" table of a saved result, labels translated; empty for
    runs fitted without the comparison (Chao's lower bound alone is then one row)."""
    comparison = result.get("comparison")
    if comparison:
        rows = comparison.get("methods", [])
    elif result.get("chao"):
        rows = [{"method": "chao", "estimate": result["chao"].get("estimate"), "low": None, "high": None, "interval": "none"}]
    else:
        return []
    return [
        {**row, "label": _method_label(row.get("method", "")), "kind": _interval_label(row.get("interval", ""))}
        for row in rows
    ]


def _number(value: Any) -> str:
    return "–" if value is None else number_format(round(value), force_grouping=True)


def _degenerate_why(p: dict[str, Any]) -> str:
    reason = p.get("reason")
    if reason == "zero_width":
        return _("its two ends are equal")
    if reason == "excludes_estimate":
        return _("it does not contain the estimate itself")
    if reason == "one_sided":
        share = p.get("share_below") or 0.0
        if share > 0.5:
            return _("%(percent)s%% of the replicates fall below the estimate") % {"percent": round(100 * share)}
        return _("%(percent)s%% of the replicates fall above the estimate") % {"percent": round(100 * (1 - share))}
    return _("the replicates all fall on one side of the estimate, or none could be fitted")


def translate_note(note: dict[str, Any]) -> str:
    """The translated text of one warning; falls back to core's English message for new codes."""
    p = note.get("params", {})
    code = note.get("code")
    if code == "no_mle":
        return _("The chosen model cannot be estimated reliably from these data (the estimate may not exist or the model is not identifiable).")
    if code == "not_converged":
        return _("The model fit did not converge; do not rely on it.")
    if code == "empty_list":
        return _("No one was seen on %(lists)s; such lists carry no information.") % {"lists": _join(p.get("lists"))}
    if code == "few_overlaps":
        return _("Only %(n)s people appear on more than one list; the estimate rests on these few overlaps and is too sparse to trust.") % {"n": p.get("n")}
    if code == "small_list":
        return _("Very small lists (%(lists)s): consider merging them with related lists.") % {"lists": _join(p.get("lists"))}
    if code == "two_lists":
        return _("With two lists the lists must be assumed independent; that cannot be checked.")
    if code == "never_overlap_in_model":
        return _("The model includes pairs of lists that never overlap (%(pairs)s); their interaction is estimated at minus infinity.") % {"pairs": _join(p.get("pairs"))}
    if code == "non_overlapping_pairs":
        return _("Some pairs of lists have no one in common (%(pairs)s).") % {"pairs": _join(p.get("pairs"))}
    if code == "large_dark_figure":
        return _("The estimated number not on any list is much larger than the number observed; the estimate is an extrapolation driven by the model.")
    if code == "wide_interval":
        return _("The interval is very wide (upper end more than %(ratio)s times the lower).") % {"ratio": p.get("ratio")}
    if code == "bootstrap_failures":
        return _("%(failed)s of %(nboot)s bootstrap replicates could not be fitted and were left out.") % {"failed": p.get("failed"), "nboot": p.get("nboot")}
    if code == "bca_degenerate":
        return _(
            "The BCa interval cannot be quoted (%(why)s). The percentile interval of the replicates, %(low)s to %(high)s, "
            "is shown instead; it does not correct for bias, so read it as rough, and check the table."
        ) % {"why": _degenerate_why(p), "low": _number(p.get("percentile_low")), "high": _number(p.get("percentile_high"))}
    if code == "bca_undefined":
        return _("The BCa interval is undefined: the replicates all fall on one side of the estimate.")
    if code == "bca_extreme_tail":
        if p.get("end") == "lower":
            return _("The lower end of the BCa interval rests on a few extreme replicates; read it as rough (more replicates make it steadier).")
        return _("The upper end of the BCa interval rests on a few extreme replicates; read it as rough (more replicates make it steadier).")
    if code == "heterogeneity" and (p.get("more_overlap") or p.get("below_chao_replicates")):
        # The signs added after the first version of this warning (issue 15): one sentence
        # built from translated reasons.
        numbers = _numbers(p)
        reasons = []
        if p.get("more_overlap"):
            reasons.append(_("more people are on several lists than its model expects, the pattern of people who differ (a likelihood-ratio test of a Darroch heterogeneity term, p = %(p)s; lists that depend on each other in threes can look the same)") % {"p": _fixed(p.get("darroch_p"), 3)})
        if p.get("below_latent"):
            reasons.append(_("its interval lies wholly below the latent-class interval (estimate %(latent)s)") % numbers)
        if p.get("below_chao"):
            reasons.append(_("its interval lies wholly below Chao's lower bound (%(chao)s)") % numbers)
        if p.get("below_chao_replicates"):
            reasons.append(_("it is below Chao's lower bound (%(chao)s) in %(share)s%% of the bootstrap replicates") % {**numbers, "share": _fixed(100 * float(p.get("chao_share") or 0), 0)})
        text = _("People probably differ in how easy they are to find, and the log-linear estimate (%(loglinear)s) is likely too low: %(reasons)s. The methods differ by %(percent)s%%.") % {**numbers, "reasons": "; ".join(reasons)}
        return text + " " + _("No method can fully correct for this; report the methods side by side and treat the higher figures as plausible.")
    if code == "heterogeneity":
        if p.get("below_latent") and p.get("below_chao"):
            text = _("People probably differ in how easy they are to find, and the log-linear estimate (%(loglinear)s) is likely too low: its interval lies wholly below the latent-class interval and below Chao's lower bound (%(chao)s). The methods differ by %(percent)s%%.")
        elif p.get("below_latent"):
            text = _("People probably differ in how easy they are to find, and the log-linear estimate (%(loglinear)s) is likely too low: its interval lies wholly below the latent-class interval (estimate %(latent)s). The methods differ by %(percent)s%%.")
        else:
            text = _("People probably differ in how easy they are to find, and the log-linear estimate (%(loglinear)s) is likely too low: its interval lies wholly below Chao's lower bound (%(chao)s). The methods differ by %(percent)s%%.")
        advice = _("No method can fully correct for this; report the methods side by side and treat the higher figures as plausible.")
        return text % _numbers(p) + " " + advice
    if code == "methods_disagree":
        return _("The latent-class estimate (%(latent)s) is well below the log-linear estimate (%(loglinear)s): their intervals do not overlap, and the methods differ by %(percent)s%%. The lists may depend on each other in a way neither model captures (for example three lists that refer people to each other); report both.") % _numbers(p)
    if code == "latent_not_converged":
        return _("The chains of the latent-class sampler disagree or move slowly (R-hat %(rhat)s, effective sample size %(ess)s): the figure is rough; run it longer with `tipnet estimate` before publishing it.") % {
            "rhat": _fixed(p.get("rhat"), 3), "ess": _fixed(p.get("ess"), 0)}
    if code == "latent_at_cap":
        return _("The latent-class posterior reaches the sampler's cap of 20 times the observed number unseen: the data hardly limit the population size from above.")
    if code == "few_replicates":
        return _("Only %(nboot)s bootstrap replicates; use 1,000 or more for published figures.") % {"nboot": p.get("nboot")}
    return str(note.get("message", ""))
