"""The chart of observed and estimated totals, drawn with matplotlib into an SVG data URI
(the page loads nothing from elsewhere and needs no script)."""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402


def totals_chart(result: dict[str, Any], *, labels: dict[str, str]) -> str:
    """Bars for the observed and the estimated total, with the model-conditional and BCa intervals."""
    observed = result["observed"]
    estimate = result["estimate"] or 0.0
    figure, axes = plt.subplots(figsize=(6.4, 3.0), dpi=100)
    try:
        axes.barh([1, 0], [observed, estimate], color=["#8aa4c8", "#0b5cad"], height=0.5)
        axes.set_yticks([1, 0], [labels["observed"], labels["estimate"]])
        if result.get("ci_low") is not None and result.get("ci_high") is not None:
            axes.errorbar(estimate, -0.12, xerr=[[estimate - result["ci_low"]], [result["ci_high"] - estimate]],
                          fmt="none", ecolor="#1d2430", capsize=5, label=labels["ci"])
        if result.get("bca_low") is not None and result.get("bca_high") is not None:
            axes.errorbar(estimate, 0.12, xerr=[[estimate - result["bca_low"]], [result["bca_high"] - estimate]],
                          fmt="none", ecolor="#a4161a", capsize=5, label=labels["bca"])
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_xlim(left=0)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False, fontsize=8)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg")
    finally:
        plt.close(figure)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue().encode()).decode()
