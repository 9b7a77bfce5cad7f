"""The comparison's latent fit in a second process gives the same draws as in this one, and is
ended at once when the caller gives up (``core.estimation.background``)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from tipnet.core.estimation import read_table
from tipnet.core.estimation.background import LatentInBackground, cores_available
from tipnet.core.estimation.latent import LatentClassModel

UKDAT = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "mse" / "UKdat.csv"
SHORT = {"burnin": 200, "samples": 40, "chains": 2}


def test_the_background_fit_is_the_in_process_fit_draw_for_draw() -> None:
    table = read_table(UKDAT)
    here = LatentClassModel(table, **SHORT).fit(seed=7)
    with LatentInBackground(table, seed=7, latent_options=SHORT) as background:
        there = background.result()
    assert there.estimate == here.estimate
    assert (there.ci_low, there.ci_high) == (here.ci_low, here.ci_high)
    np.testing.assert_array_equal(there.draws, here.draws)


def test_another_seed_gives_other_draws() -> None:
    """So that the equality above is not two constant answers."""
    table = read_table(UKDAT)
    with LatentInBackground(table, seed=8, latent_options=SHORT) as background:
        other = background.result()
    assert not np.array_equal(other.draws, LatentClassModel(table, **SHORT).fit(seed=7).draws)


def test_leaving_by_an_error_ends_the_other_process_without_waiting() -> None:
    table = read_table(UKDAT)
    started = time.perf_counter()
    with pytest.raises(RuntimeError, match="refused"):
        with LatentInBackground(table, seed=7, latent_options={"burnin": 10**6, "samples": 10**4}) as background:
            raise RuntimeError("the log-linear fit refused the table")
    assert time.perf_counter() - started < 15  # the million-sweep fit was not waited for
    assert all(not worker.is_alive() for worker in background._pool._pool)


def test_cores_available_counts_this_process_s_cores() -> None:
    assert cores_available() >= 1
