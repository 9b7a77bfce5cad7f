"""Tables from which no population size can be estimated, refused before any fit, with the reason.

Multiple systems estimation learns how many people the lists miss from the people they share
(Fienberg 1972; Bishop, Fienberg & Holland 1975, ch. 6). Some tables carry no such information
whatever the model, and the log-linear fit then runs off to infinity (the extended MLE of the
dark figure is infinite or zero: Fienberg & Rinaldo 2012, Ann. Statist. 40:996-1023). Those are
refused here with a plain reason, so that no front end shows a traceback or a meaningless number:

``no_overlaps``
    Nobody is on more than one list (two lists that never overlap, or three or more lists with no
    overlaps at all). Lincoln-Petersen's ``n1 * n2 / 0`` is infinite, and so is every log-linear
    estimate: the independence model's MLE does not exist, and no interaction can be estimated.
``list_contains_everyone``
    One list holds everyone seen (with two lists: one list inside the other). The other lists
    found nobody it missed, so under any log-linear model its capture probability goes to 1 and
    the dark figure to 0: the table says nothing about people no list saw.
``no_estimable_model``
    Any other table on which even the independence model (main effects, the smallest model every
    method starts from) has no finite MLE (Fienberg & Rinaldo's linear programme, as in
    :mod:`.existence`).

Tables that only need a different model are *not* refused: one list inside another with three or
more lists, or pairs of lists that never overlap while others do, are estimable with the
interactions the selection rules choose (Chan, Silverman & Vincent 2021 treat the latter exactly).
"""

from __future__ import annotations

import numpy as np

from .existence import OK, check_model, describe_code
from .table import CaptureTable, TableError

__all__ = ["NotEstimable", "check_estimable"]


class NotEstimable(TableError):
    """The table is valid but carries no information about the people no list saw."""


def check_estimable(table: CaptureTable) -> None:
    """Raise :class:`NotEstimable` (a :class:`TableError`, exit code 2 on the command line) when no
    population size can be estimated from ``table``; return quietly otherwise."""
    k = table.k_lists
    counts = table.counts
    masks = np.arange(2**k)
    multi = np.array([int(m).bit_count() >= 2 for m in masks])
    n_multi = int(counts[multi].sum())
    if n_multi == 0:
        raise NotEstimable(
            f"nobody appears on more than one of the {k} lists. The number of people no list saw "
            "is estimated from the people the lists share; with no one shared the estimate is "
            "infinite, whatever the model. Check the record linkage (the same person under "
            "another name or number), and whether the lists cover the same people and period",
            code="no_overlaps",
            params={"lists": k},
        )
    n_obs = table.n_observed
    for name, total in table.list_totals().items():
        if total == n_obs:
            others = [other for other in table.lists if other != name]
            raise NotEstimable(
                f"everyone seen is on the list {name!r}: the other lists ({', '.join(others)}) "
                f"found nobody it missed. The data then show no one unseen and cannot say how "
                f"many there are (the estimate would be {n_obs:,} with nobody missed, an artefact "
                f"of the model). Estimation needs lists that each miss some people another list "
                f"finds; if {name!r} is a complete register, its count is the answer",
                code="list_contains_everyone",
                params={"list": name, "others": ", ".join(others), "observed": n_obs},
            )
    code = check_model(k, (), table.cell_counts.astype(np.float64), empty_mains=True)
    if code != OK:
        raise NotEstimable(
            "even the simplest model (lists independent) cannot be estimated from this table: "
            f"{describe_code(code)}. The lists overlap too little, or in too unusual a pattern, "
            "to say anything about the people no list saw",
            code="no_estimable_model",
            params={"reason": describe_code(code)},
        )
