"""Bit-for-bit agreement with SparseMSE on SparseMSE's own bootstrap samples.

R's random stream cannot be reproduced in numpy, so our bootstrap draws other samples than
SparseMSE's and the intervals can only agree within Monte-Carlo error. To check everything *but*
the random numbers, SparseMSE 2.0.2's ``estimatepopulation(UKdat_5, nboot = 1000, iseed = 1234)``
was run in R 4.2.2 with lpSolve 5.6.18 (Debian bookworm packages) and its 1,000 resampled tables,
replicate estimates and jackknife estimates were saved (``data/README.md``). The published interval,
8,784.78 - 14,700.55, comes from exactly these replicates.

On those tables our stepwise selection, fit, jackknife and BCa formula must give SparseMSE's
numbers, replicate by replicate.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from tipnet.core.estimation.bootstrap import DEFAULT_ALPHA, bca_quantiles, jackknife_acceleration
from tipnet.core.estimation.fit import fit_model
from tipnet.core.estimation.selection import stepwise

from ._shared import MSE_DATA

DATA = Path(__file__).parent / "data"

#: SparseMSE's BCa quantiles for UKdat_5, seed 1234, as R printed them.
SPARSEMSE_BCA = {
    0.025: 8784.780, 0.05: 9059.674, 0.1: 9623.857, 0.16: 9823.251,
    0.84: 11996.670, 0.9: 12531.139, 0.95: 13327.111, 0.975: 14700.549,
}
SPARSEMSE_AHAT = -0.01218108


def _rows(name: str) -> tuple[int, list[int], list[int]]:
    """Number of lists, bitmask and count of each row of a shared table, in file order."""
    with (MSE_DATA / f"{name}.csv").open() as handle:
        rows = list(csv.reader(handle))
    k = len(rows[0]) - 1
    body = [[int(v) for v in row] for row in rows[1:]]
    masks = [sum(bit << i for i, bit in enumerate(row[:k])) for row in body]
    return k, masks, [row[k] for row in body]


def _cells(k: int, masks: list[int], counts: np.ndarray) -> np.ndarray:
    y = np.zeros(2**k - 1)
    for mask, count in zip(masks, counts, strict=True):
        y[mask - 1] += count
    return y


@pytest.fixture(scope="module")
def ukdat5() -> dict:
    k, masks, counts = _rows("UKdat_5")
    boot = np.loadtxt(DATA / "sparsemse_UKdat_5_seed1234.csv", delimiter=",", skiprows=1)
    jack = np.loadtxt(DATA / "sparsemse_UKdat_5_jackknife.csv", delimiter=",", skiprows=1)
    y = _cells(k, masks, np.array(counts, dtype=float))
    return {
        "k": k, "masks": masks, "y": y, "samples": boot[:, :-1], "estimates": boot[:, -1],
        "jackknife": jack[:, 1], "start": fit_model(k, (), y).coef_dict(),
    }


def test_the_saved_samples_are_bootstrap_samples_of_ukdat5(ukdat5: dict) -> None:
    samples = ukdat5["samples"]
    assert samples.shape == (1000, len(ukdat5["masks"]))
    assert np.all(samples.sum(axis=1) == ukdat5["y"].sum())


@pytest.mark.slow
def test_every_replicate_estimate_matches_sparsemse(ukdat5: dict) -> None:
    k, masks, start = ukdat5["k"], ukdat5["masks"], ukdat5["start"]
    ours = np.array(
        [stepwise(k, _cells(k, masks, s), 0.02, start=start).estimate for s in ukdat5["samples"]]
    )
    np.testing.assert_allclose(ours, ukdat5["estimates"], rtol=1e-8)


def test_jackknife_and_bca_interval_match_sparsemse(ukdat5: dict) -> None:
    k, masks, y, start = ukdat5["k"], ukdat5["masks"], ukdat5["y"], ukdat5["start"]

    def estimator(counts: np.ndarray) -> float:
        return stepwise(k, counts, 0.02, start=start).estimate

    estimate = estimator(y)
    assert estimate == pytest.approx(11312.99, abs=0.01)
    ahat, jack = jackknife_acceleration(y, estimator)
    np.testing.assert_allclose([jack[m - 1] for m in masks], ukdat5["jackknife"], rtol=1e-8)
    assert ahat == pytest.approx(SPARSEMSE_AHAT, abs=1e-8)
    ends, _levels, _z0 = bca_quantiles(ukdat5["estimates"], estimate, ahat, DEFAULT_ALPHA)
    for alpha, value in SPARSEMSE_BCA.items():
        assert ends[alpha] == pytest.approx(value, abs=0.001), alpha
