"""Issue 11: the estimate JSON has one field for pairs of lists with nobody in common.

The log-linear result dropped its separate ``never_overlap`` list; the latent-class result, added
later, still wrote ``"never_overlap": []`` and no ``non_overlapping_pairs``, so a reader comparing
the methods saw the same contradiction again.
"""

from __future__ import annotations

import numpy as np

from tipnet.core.estimation import CaptureTable, estimate
from tipnet.core.estimation.latent import LatentClassModel

# Lists A, B, C; B and C have nobody in common (cells by bitmask: A=1, B=2, C=4).
COUNTS = np.zeros(8, dtype=np.int64)
COUNTS[[1, 2, 4, 3, 5]] = [400, 300, 300, 60, 50]
TABLE = CaptureTable(("A", "B", "C"), COUNTS)


def test_the_table_names_its_pairs_without_overlap() -> None:
    assert TABLE.non_overlapping_pairs() == ("B:C",)
    full = np.full(8, 10, dtype=np.int64)
    full[0] = 0
    assert CaptureTable(("A", "B", "C"), full).non_overlapping_pairs() == ()


def test_latent_json_uses_the_same_single_field_as_the_log_linear_json() -> None:
    # A very short chain: only the JSON's shape matters here.
    latent = LatentClassModel(TABLE, burnin=0, samples=8, thinning=1, chains=2).fit(seed=1).to_dict()
    loglinear = estimate(TABLE).to_dict()
    for out in (latent, loglinear):
        assert "never_overlap" not in out
        assert [p["pair"] for p in out["non_overlapping_pairs"]] == ["B:C"]
    assert latent["non_overlapping_pairs"] == [{"pair": "B:C", "in_model": False}]
