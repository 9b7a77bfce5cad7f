"""Degenerate BCa intervals (issue 15): said so with a warning code and plain text, and the
percentile interval shown instead; never a zero-width interval with exit code 0. Also the one
JSON field for pairs of lists that never overlap (issue 11)."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest

from tests.cli.test_estimate_cli import run, write
from tests.core.estimation._shared import table
from tipnet.core.estimation import CaptureTable, estimate

# Three lists, sparse: with seed 1 and 200 replicates, 94 % of the replicates fall below the
# estimate (found by a search over random small tables).
ONE_SIDED = "A,B,C,count\n1,0,0,20\n1,1,0,1\n0,0,1,100\n1,0,1,1\n0,1,1,3\n1,1,1,20\n"


def with_replicates(result, reps: list[float], quantiles: tuple[float, float]):  # type: ignore[no-untyped-def]
    """The result with its bootstrap replaced: the BCa ends and replicates of a degenerate case."""
    boot = result.bootstrap
    assert boot is not None
    new = dataclasses.replace(
        boot, estimates=np.asarray(reps, dtype=float),
        quantiles={**boot.quantiles, 0.025: quantiles[0], 0.975: quantiles[1]},
    )
    return dataclasses.replace(result, bootstrap=new)


def test_a_one_sided_bootstrap_is_degenerate_and_the_percentile_interval_is_quoted(tmp_path: Path) -> None:
    from tipnet.core.estimation import read_table

    result = estimate(read_table(write(tmp_path, ONE_SIDED)), nboot=200, seed=1)
    assert result.share_below > 0.9
    assert result.bca_degenerate == "one_sided" and result.interval_kind == "percentile"
    note = next(n for n in result.warnings if n.code == "bca_degenerate")
    assert "94% of the replicates fall below the estimate" in note.message
    assert "percentile interval" in note.message
    out = result.to_dict()
    assert out["bootstrap_interval"] == "percentile"
    assert out["percentile_low"] < out["percentile_high"]
    assert note.params["percentile_low"] == pytest.approx(out["percentile_low"])
    assert "percentile bootstrap interval" in result.summary() and "degenerate" in result.summary()


def test_a_healthy_bca_is_quoted_as_it_is() -> None:
    result = estimate(table("UKdat_5"), nboot=200, seed=3)
    assert result.bca_degenerate is None and result.interval_kind == "bca"
    assert result.to_dict()["bootstrap_interval"] == "bca"
    assert "bca_degenerate" not in {n.code for n in result.warnings}
    assert result.percentile_low < result.percentile_high


@pytest.mark.parametrize(
    ("reps", "ends", "reason"),
    [
        ([9000.0, 11000.0, 13000.0] * 20, (11000.0, 11000.0), "zero_width"),
        ([9000.0, 11000.0, 13000.0] * 20, (11500.0, 14000.0), "excludes_estimate"),
        ([9000.0, 11000.0, 13000.0] * 20, (math.nan, math.nan), "undefined"),
    ],
)
def test_zero_width_excluding_and_undefined_bca_are_degenerate(reps: list[float], ends: tuple, reason: str) -> None:
    base = estimate(table("UKdat_5"), nboot=20, seed=1)
    result = with_replicates(base, reps, ends)
    assert result.bca_degenerate == reason and result.interval_kind == "percentile"
    assert result.interval_usable  # the percentile interval of these replicates has width


def test_no_usable_interval_when_even_the_percentile_one_has_zero_width() -> None:
    base = estimate(table("UKdat_5"), nboot=20, seed=1)
    result = with_replicates(base, [11000.0] * 40, (11000.0, 11000.0))
    assert result.bca_degenerate == "zero_width" and not result.interval_usable


def test_the_cli_prints_the_percentile_interval_for_a_degenerate_bca(tmp_path: Path) -> None:
    proc = run("estimate", str(write(tmp_path, ONE_SIDED)), "--nboot", "200", "--seed", "1", "--json")
    assert proc.returncode == 0, proc.stderr  # a usable (percentile) interval: exit 0, said so
    out = json.loads(proc.stdout)
    assert out["bootstrap_interval"] == "percentile"
    assert "bca_degenerate" in [w["code"] for w in out["warnings"]]


def test_one_json_field_for_pairs_that_never_overlap() -> None:
    counts = np.zeros(8, dtype=np.int64)
    counts[[1, 2, 4, 3, 5]] = [400, 300, 300, 60, 50]
    result = estimate(CaptureTable(("A", "B", "C"), counts))
    out = result.to_dict()
    assert "never_overlap" not in out
    assert out["non_overlapping_pairs"] == [{"pair": "B:C", "in_model": True}]
    # A pair that never overlaps but is not in the model is listed too, marked as such.
    sparse = estimate(table("UKdat_5")).to_dict()
    assert all(set(p) == {"pair", "in_model"} for p in sparse["non_overlapping_pairs"])
    assert any(not p["in_model"] for p in sparse["non_overlapping_pairs"])
