"""The "methods compared" table as plain text (shared by both result types' ``summary()``).

Kept apart from ``diagnostics.py``, which fits the methods, so that the result classes can format
a comparison without importing the estimators.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["comparison_lines"]

INTERVAL_NAMES = {
    "bca": "BCa bootstrap",
    "model": "given the model",
    "credible": "credible",
    "none": "a lower bound",
}


def comparison_lines(comparison: dict[str, Any]) -> list[str]:
    """Rows of the side-by-side table: method, estimate, 95 % interval and its kind."""
    rows = comparison.get("methods", [])
    if not rows:
        return []
    lines = ["Methods compared:"]
    width = max(len(r["label"]) for r in rows)
    for r in rows:
        interval = (
            f"{_fmt(r.get('low'))} to {_fmt(r.get('high'))} ({INTERVAL_NAMES.get(r['interval'], r['interval'])})"
            if r.get("low") is not None
            else INTERVAL_NAMES.get(r["interval"], "")
        )
        lines.append(f"  {r['label']:<{width}}  {_fmt(r.get('estimate')):>9}   {interval}")
    spread = comparison.get("spread_percent")
    if spread is not None:
        lines.append(f"  The estimates differ by {spread:.0f} % (highest against lowest).")
    return lines


def _fmt(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:,.0f}"
