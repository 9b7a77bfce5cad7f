"""The example capture tables shipped with tipnet (see examples/README.md for their sources)."""

from __future__ import annotations

from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"

EXAMPLES: dict[str, Promise] = {  # labels are lazy translations
    "UKdat_5": _("UK 2013, five lists (Silverman 2014)"),
    "UKdat": _("UK 2013, six lists (Silverman 2014)"),
    "Western": _("U.S. western site (Farrell et al. 2019)"),
    "Kosovo": _("Kosovo 1999 (Ball et al. 2002)"),
    "NewOrl_5_SparseMSE": _("New Orleans, five lists (Bales, Murphy & Silverman 2020)"),
}


def example_csv(name: str) -> str:
    if name not in EXAMPLES:
        raise KeyError(name)
    return (EXAMPLES_DIR / f"{name}.csv").read_text(encoding="utf-8")
