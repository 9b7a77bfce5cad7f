"""Agreement with SparseMSE to the cent, on SparseMSE's own bootstrap samples.

R's random stream cannot be reproduced in numpy, so our bootstrap draws other samples than
SparseMSE's and the intervals can only agree within Monte-Carlo error. To check everything *but*
the random numbers, SparseMSE 2.0.2's ``estimatepopulation(TABLE, nboot = 1000, iseed = 1234)``
was run in R 4.2.2 with lpSolve 5.6.18 (Debian bookworm packages) and its 1,000 resampled tables,
replicate estimates and jackknife estimates were saved (``data/README.md``). The published
intervals come from exactly these replicates: UKdat_5 and UKdat as quoted in issue 6, and the New
Orleans five-list interval (589, 1703) of Chan, Silverman & Vincent (2021, JASA 116(535), Sec. 4.1).

On those tables our stepwise selection, fit, jackknife and BCa formula must give SparseMSE's
numbers, replicate by replicate.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tipnet.core.estimation.bootstrap import DEFAULT_ALPHA, bca_quantiles, jackknife_acceleration
from tipnet.core.estimation.fit import fit_model
from tipnet.core.estimation.selection import stepwise

from ._shared import MSE_DATA

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Reference:
    """What SparseMSE printed for one table (seed 1234, 1,000 replicates)."""

    name: str
    estimate: float
    ahat: float
    bca: dict[float, float]


REFERENCES = [
    Reference("UKdat_5", 11312.99, -0.01218108, {
        0.025: 8784.780, 0.05: 9059.674, 0.1: 9623.857, 0.16: 9823.251,
        0.84: 11996.670, 0.9: 12531.139, 0.95: 13327.111, 0.975: 14700.549,
    }),
    Reference("UKdat", 11417.99, -0.01287116, {
        0.025: 9266.958, 0.05: 9560.795, 0.1: 9682.336, 0.16: 9940.240,
        0.84: 12070.990, 0.9: 12576.505, 0.95: 13296.105, 0.975: 14306.758,
    }),
    Reference("NewOrl_5_SparseMSE", 1034.15, -0.05516147, {
        0.025: 588.817, 0.05: 588.817, 0.1: 598.985, 0.16: 692.203,
        0.84: 1142.649, 0.9: 1256.153, 0.95: 1469.684, 0.975: 1703.694,
    }),
]


@dataclass(frozen=True)
class Saved:
    """A shared table and SparseMSE's saved bootstrap of it."""

    k: int
    masks: list[int]
    y: np.ndarray
    samples: np.ndarray
    estimates: np.ndarray
    jackknife: np.ndarray

    def cells(self, counts: np.ndarray) -> np.ndarray:
        """Counts by file row to counts by capture pattern (bitmask order)."""
        y = np.zeros(2**self.k - 1)
        for mask, count in zip(self.masks, counts, strict=True):
            y[mask - 1] += count
        return y

    def estimator(self):  # type: ignore[no-untyped-def]
        start = fit_model(self.k, (), self.y).coef_dict()
        return lambda counts: stepwise(self.k, counts, 0.02, start=start).estimate


def _load(name: str) -> Saved:
    with (MSE_DATA / f"{name}.csv").open() as handle:
        rows = list(csv.reader(handle))
    k = len(rows[0]) - 1
    body = [[int(v) for v in row] for row in rows[1:]]
    masks = [sum(bit << i for i, bit in enumerate(row[:k])) for row in body]
    boot = np.loadtxt(DATA / f"sparsemse_{name}_seed1234.csv", delimiter=",", skiprows=1)
    jack = np.loadtxt(DATA / f"sparsemse_{name}_jackknife.csv", delimiter=",", skiprows=1)
    saved = Saved(k, masks, np.zeros(0), boot[:, :-1], boot[:, -1], jack[:, 1])
    counts = np.array([row[k] for row in body], dtype=float)
    return Saved(k, masks, saved.cells(counts), saved.samples, saved.estimates, saved.jackknife)


@pytest.fixture(scope="module", params=REFERENCES, ids=lambda r: r.name)
def case(request: pytest.FixtureRequest) -> tuple[Reference, Saved]:
    return request.param, _load(request.param.name)


def test_the_saved_samples_are_bootstrap_samples_of_the_table(case: tuple[Reference, Saved]) -> None:
    _reference, saved = case
    assert saved.samples.shape == (1000, len(saved.masks))
    assert np.all(saved.samples.sum(axis=1) == saved.y.sum())
    # rmultinom over the observed counts: a row nobody had stays empty in every sample.
    empty_rows = [i for i, m in enumerate(saved.masks) if saved.y[m - 1] == 0]
    assert np.all(saved.samples[:, empty_rows] == 0)


@pytest.mark.slow
def test_every_replicate_estimate_matches_sparsemse(case: tuple[Reference, Saved]) -> None:
    _reference, saved = case
    estimator = saved.estimator()
    ours = np.array([estimator(saved.cells(sample)) for sample in saved.samples])
    np.testing.assert_allclose(ours, saved.estimates, rtol=1e-7)


def test_jackknife_and_bca_interval_match_sparsemse(case: tuple[Reference, Saved]) -> None:
    reference, saved = case
    estimator = saved.estimator()
    estimate = estimator(saved.y)
    assert estimate == pytest.approx(reference.estimate, abs=0.01)
    ahat, jack = jackknife_acceleration(saved.y, estimator)
    np.testing.assert_allclose([jack[m - 1] for m in saved.masks], saved.jackknife, rtol=1e-7)
    assert ahat == pytest.approx(reference.ahat, abs=1e-8)
    ends, _levels, _z0 = bca_quantiles(saved.estimates, estimate, ahat, DEFAULT_ALPHA)
    for alpha, value in reference.bca.items():
        assert ends[alpha] == pytest.approx(value, abs=0.001), alpha
