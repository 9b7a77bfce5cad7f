"""The example capture tables shipped with tipnet (see examples/README.md for their sources)."""

from __future__ import annotations

from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"

EXAMPLES: dict[str, str] = {
    "UKdat_5": "UK 2013, five lists (Silverman 2014)",
    "UKdat": "UK 2013, six lists (Silverman 2014)",
    "Western": "U.S. western site (Farrell et al. 2019)",
    "Kosovo": "Kosovo 1999 (Ball et al. 2002)",
    "NewOrl_5_SparseMSE": "New Orleans, five lists (Bales, Murphy & Silverman 2020)",
}


def example_csv(name: str) -> str:
    if name not in EXAMPLES:
        raise KeyError(name)
    return (EXAMPLES_DIR / f"{name}.csv").read_text(encoding="utf-8")
