"""The chart of observed and estimated totals, drawn with matplotlib into an SVG data URI
(the page loads nothing from elsewhere and needs no script).

Text is drawn in the page's language: matplotlib's default DejaVu Sans has no Japanese, Chinese or
Thai glyphs (it drew boxes, issue 11), so the font family is a fallback list (matplotlib >= 3.6
takes each glyph from the first family that has it) starting with the Noto font for the language,
as the leaflets do (directory/leaflet.py). Glyphs are stored as paths in the SVG, so the reader
needs no font. Numbers are grouped in the page's locale (11,313; 11.313 in Spanish).
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from typing import Any

import matplotlib

matplotlib.use("Agg")
from django.utils import translation  # noqa: E402
from django.utils.formats import number_format  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

#: Preferred families by language, most specific first; DejaVu Sans (shipped with matplotlib)
#: always comes last, so Latin text never depends on the machine's fonts.
FONT_FAMILIES = {
    "ja": ("Noto Sans CJK JP", "Noto Sans"),
    "zh-hans": ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans"),
    "th": ("Noto Sans Thai", "Noto Sans"),
}
DEFAULT_FAMILIES = ("Noto Sans",)
#: Any other script that turns up (a list name in Japanese on an English page, say).
FALLBACK_FAMILIES = ("DejaVu Sans", "Noto Sans CJK JP", "Noto Sans Thai")


@lru_cache(maxsize=1)
def _installed_families() -> frozenset[str]:
    return frozenset(entry.name for entry in font_manager.fontManager.ttflist)


def font_families(language: str | None) -> list[str]:
    """The installed font families to draw ``language`` with, in fallback order.

    Families that are not installed are left out (matplotlib would warn about each one).
    """
    wanted = (*FONT_FAMILIES.get((language or "en").lower(), DEFAULT_FAMILIES), *FALLBACK_FAMILIES)
    installed = _installed_families()
    families: list[str] = []
    for family in wanted:
        if (family in installed or family == "DejaVu Sans") and family not in families:
            families.append(family)
    return families


def _number(value: float) -> str:
    return number_format(round(value), force_grouping=True)


def totals_chart(
    result: dict[str, Any], *, labels: dict[str, str], language: str | None = None, image_format: str = "svg"
) -> str:
    """Bars for the observed and the estimated total, with the model-conditional and bootstrap
    intervals (percentile instead of BCa where BCa is degenerate: ``labels["percentile"]``), as a
    data URI (``image_format`` "png" for checking the drawing by eye)."""
    language = language or translation.get_language()
    observed = result["observed"]
    estimate = result["estimate"] or 0.0
    if result.get("bootstrap_interval") == "percentile":
        boot_low, boot_high, boot_label = result.get("percentile_low"), result.get("percentile_high"), labels.get("percentile", labels["bca"])
    else:
        boot_low, boot_high, boot_label = result.get("bca_low"), result.get("bca_high"), labels["bca"]
    with matplotlib.rc_context({"font.family": font_families(language), "svg.fonttype": "path"}):
        # "constrained" layout makes room for the legend below the axes (tight_layout cut it off).
        figure, axes = plt.subplots(figsize=(6.4, 3.4), dpi=100, layout="constrained")
        try:
            axes.barh([1, 0], [observed, estimate], color=["#8aa4c8", "#0b5cad"], height=0.5)
            axes.set_yticks([1, 0], [labels["observed"], labels["estimate"]])
            if result.get("ci_low") is not None and result.get("ci_high") is not None:
                axes.errorbar(estimate, -0.12, xerr=[[estimate - result["ci_low"]], [result["ci_high"] - estimate]],
                              fmt="none", ecolor="#1d2430", capsize=5, label=labels["ci"])
            if boot_low is not None and boot_high is not None:
                axes.errorbar(estimate, 0.12, xerr=[[max(estimate - boot_low, 0.0)], [max(boot_high - estimate, 0.0)]],
                              fmt="none", ecolor="#a4161a", capsize=5, label=boot_label)
            # The observed count beside its bar; the estimate inside its own, clear of the intervals.
            axes.annotate(_number(observed), (observed, 1), xytext=(4, 0), textcoords="offset points",
                          va="center", fontsize=8)
            axes.annotate(_number(estimate), (0, 0), xytext=(6, -12), textcoords="offset points",
                          va="center", ha="left", fontsize=9, color="white", fontweight="bold")
            axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: _number(x)))
            axes.spines[["top", "right"]].set_visible(False)
            right = max(observed, estimate, result.get("ci_high") or 0.0, boot_high or 0.0)
            axes.set_xlim(left=0, right=right * 1.12 or 1.0)
            if axes.get_legend_handles_labels()[0]:
                figure.legend(loc="outside lower center", ncol=1, frameon=False, fontsize=8)
            buffer = io.BytesIO()
            figure.savefig(buffer, format=image_format)
        finally:
            plt.close(figure)
    mime = "image/svg+xml" if image_format == "svg" else f"image/{image_format}"
    return f"data:{mime};base64," + base64.b64encode(buffer.getvalue()).decode()
