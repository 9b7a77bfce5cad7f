"""Model matrices for log-linear models on the observable capture patterns.

The log-linear model of multiple systems estimation (Fienberg 1972; Bishop, Fienberg & Holland
1975; Chan, Silverman & Vincent 2021, Sec. 2) puts, for every observable capture pattern ``w``,

    log mu_w = sum of alpha_theta over all terms theta that are subsets of w,

where the empty term is the intercept (``exp(alpha_0)`` is the expected number of people seen on
no list: the dark figure), single lists are main effects and larger sets are interactions.

Terms and cells are both bitmasks over the lists (list ``i`` is bit ``i``), so the design entry
for cell ``w`` and term ``t`` is simply ``(w & t) == t``. A *model* is the tuple of its interaction
terms (order >= 2); the intercept and all main effects are always present, as in SparseMSE and
MultipleSystemsEstimation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache
from itertools import combinations

import numpy as np

__all__ = [
    "MaskSums",
    "Model",
    "TermSums",
    "all_pairs",
    "mask_sums",
    "cells",
    "design_matrix",
    "model_terms",
    "order",
    "parse_term",
    "term_name",
    "union_sums",
]

#: A model: its interaction terms (bitmasks with at least two bits), in the order they entered.
Model = tuple[int, ...]


def cells(k: int) -> np.ndarray:
    """The observable cells 1, ..., 2**k - 1 as bitmasks."""
    return np.arange(1, 2**k, dtype=np.int64)


def order(term: int) -> int:
    """Number of lists in a term (1 for a main effect, 2 for a pairwise interaction, ...)."""
    return int(term).bit_count()


@lru_cache(maxsize=64)
def all_pairs(k: int) -> tuple[int, ...]:
    """All two-list terms in SparseMSE's order (1,2), (1,3), ..., (1,k), (2,3), ...

    The order matters: SparseMSE's stepwise search breaks ties in favour of the first pair in
    this order (``stepwisefit`` in SparseMSE ``R/routines.R``).
    """
    return tuple((1 << i) | (1 << j) for i, j in combinations(range(k), 2))


def model_terms(k: int, model: Model) -> tuple[int, ...]:
    """All terms of a model: intercept (0), main effects, then the model's interactions."""
    return _model_terms(k, tuple(model))


@lru_cache(maxsize=65536)
def _model_terms(k: int, model: Model) -> tuple[int, ...]:
    return (0, *(1 << i for i in range(k)), *model)


@lru_cache(maxsize=4096)
def design_matrix(k: int, terms: tuple[int, ...]) -> np.ndarray:
    """The 0/1 design matrix over all ``2**k - 1`` observable cells for the given terms.

    Rows are cells in bitmask order, columns the terms in the order given. Cached and read-only,
    because the bootstrap asks for the same few matrices thousands of times.
    """
    w = cells(k)[:, None]
    t = np.asarray(terms, dtype=np.int64)[None, :]
    x = ((w & t) == t).astype(np.float64)
    x.setflags(write=False)
    return x


@lru_cache(maxsize=64)
def containment(k: int) -> np.ndarray:
    """Boolean matrix ``C[t, w] = (w & t) == t`` over all terms ``t`` and cells ``w`` (incl. 0)."""
    w = np.arange(2**k, dtype=np.int64)
    c = (w[None, :] & w[:, None]) == w[:, None]
    c.setflags(write=False)
    return c


@lru_cache(maxsize=16)
def _halves(k: int) -> tuple[int, np.ndarray, np.ndarray]:
    low = k // 2
    c_low, c_high = containment(low).astype(np.float64), containment(k - low).astype(np.float64)
    c_low.setflags(write=False)
    c_high.setflags(write=False)
    return low, c_low, c_high


def subset_sums(values: np.ndarray, k: int) -> np.ndarray:
    """``out[..., u] = sum of values[..., t] over all t inside u`` (bitmasks over ``k`` lists).

    This is ``design @ coefficients`` over all ``2**k`` cells without the ``2**k x p`` design.
    The transform is the Kronecker product of ``k`` two-by-two blocks, applied here as two
    products with ``2**(k/2)``-square containment matrices (index = high bits x low bits):
    for 12 lists two 64 x 64 products instead of a 4,096 x 70 one, or 12 strided passes.
    """
    low, c_low, c_high = _halves(k)
    grid = values.reshape(*values.shape[:-1], 2 ** (k - low), 2**low)
    return (c_high.T @ grid @ c_low).reshape(values.shape)


def superset_sums(values: np.ndarray, k: int) -> np.ndarray:
    """``out[..., u] = sum of values[..., w] over all w containing u``: ``design.T @ v``, over
    all ``2**k`` cells, by the same two products as :func:`subset_sums`."""
    low, c_low, c_high = _halves(k)
    grid = values.reshape(*values.shape[:-1], 2 ** (k - low), 2**low)
    return (c_high @ grid @ c_low.T).reshape(values.shape)


class MaskSums:
    """Superset sums (:func:`superset_sums`) read at a fixed set of masks only, for less work.

    The stepwise search needs the superset sums of the fitted means at a few hundred masks (the
    unions ``s | t`` of a model's terms for the Hessian, the pairs for the p-values), never at
    all ``2**k``. With index = high bits x low bits, the sum at ``u`` is entry
    ``(u_high, u_low)`` of ``C_high @ grid @ C_low'``, so only the rows ``u_high`` of the left
    factor and the columns ``u_low`` of the right one are needed. Terms of order at most two
    have few distinct halves: for the 79 masks of the 12-list main-effects Hessian, 22 rows and
    22 columns, about a quarter of the multiply-adds of the full transform (issue 15). Each sum
    adds the same non-zero products as the full transform (the rows and columns left out only
    contribute to other masks).
    """

    def __init__(
        self, k: int, masks: Sequence[int] | np.ndarray, *, halves: tuple[np.ndarray, np.ndarray] | None = None
    ) -> None:
        low, c_low, c_high = _halves(k)
        self.k = k
        self._low = low
        self._order = np.asarray(masks, dtype=np.int64)
        if halves is None:  # the masks' distinct high and low halves
            halves = (np.unique(self._order >> low), np.unique(self._order & ((1 << low) - 1)))
        self._highs, self._lows = halves
        self.left = np.ascontiguousarray(c_high[self._highs])  # rows u_high of C_high
        self.right = np.ascontiguousarray(c_low[self._lows].T)  # columns u_low of C_low'
        self.grid = (2 ** (k - low), 2**low)

    @cached_property
    def at(self) -> np.ndarray:
        """Where the masks given at construction sit in :meth:`small`'s output, in their order."""
        return self.positions(self._order)

    def positions(self, masks: np.ndarray | Sequence[int]) -> np.ndarray:
        """Where each mask's sum sits in the output of :meth:`small` (same shape as ``masks``);
        the masks must be among those given at construction."""
        masks = np.asarray(masks, dtype=np.int64)
        high = np.searchsorted(self._highs, masks >> self._low)
        low = np.searchsorted(self._lows, masks & ((1 << self._low) - 1))
        return high * self._lows.size + low

    def small(self, values: np.ndarray) -> np.ndarray:
        """The sums at every (kept high half, kept low half) combination, flattened: read them
        with :meth:`positions`. ``values`` has ``2**k`` entries in its last axis."""
        grid = values.reshape(*values.shape[:-1], *self.grid)
        return (self.left @ grid @ self.right).reshape(*values.shape[:-1], -1)

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """``superset_sums(values, k)[..., masks]``, the masks in the order given."""
        return self.small(values)[..., self.at]


@lru_cache(maxsize=4096)
def mask_sums(k: int, masks: tuple[int, ...]) -> MaskSums:
    """A cached :class:`MaskSums` (the same few mask sets come back in every replicate)."""
    return MaskSums(k, masks)


@lru_cache(maxsize=1024)
def union_sums(k: int, terms: tuple[int, ...]) -> MaskSums:
    """:class:`MaskSums` at every union ``s | t`` of the terms (a Hessian's entries), cached by
    the set of terms: a stepwise search reaches the same model by many orders of its pairs."""
    low = k // 2
    t = np.asarray(terms, dtype=np.int64)
    high, lo = np.unique(t >> low), np.unique(t & ((1 << low) - 1))
    # The halves of a union are the unions of the halves: no need to form all p**2 masks.
    halves = (np.unique(high[:, None] | high[None, :]), np.unique(lo[:, None] | lo[None, :]))
    return MaskSums(k, (), halves=halves)


class TermSums:
    """Subset sums (:func:`subset_sums`) of coefficients placed on a fixed set of terms.

    ``X beta`` of a log-linear model over all ``2**k`` cells. The coefficient grid is zero
    outside the terms' high halves (rows) and low halves (columns), so the transform is
    ``C_high'[:, rows] @ B @ C_low[cols, :]`` with ``B`` the small grid of the coefficients:
    for a model of pairs on 12 lists, matrices of about ten rows or columns instead of two
    64-square products.
    """

    def __init__(self, k: int, terms: Sequence[int]) -> None:
        low, c_low, c_high = _halves(k)
        t = np.asarray(terms, dtype=np.int64)
        highs, lows = np.unique(t >> low), np.unique(t & ((1 << low) - 1))
        self.left = np.ascontiguousarray(c_high.T[:, highs])
        self.right = np.ascontiguousarray(c_low[lows])
        self.shape = (highs.size, lows.size)
        self.index = np.searchsorted(highs, t >> low) * lows.size + np.searchsorted(lows, t & ((1 << low) - 1))

    def __call__(self, coef: np.ndarray) -> np.ndarray:
        """``subset_sums`` of ``coef`` placed at the terms: the linear predictor of every cell."""
        small = np.zeros(self.shape[0] * self.shape[1])
        small[self.index] = coef
        return (self.left @ small.reshape(self.shape) @ self.right).ravel()


def term_name(term: int, lists: Sequence[str]) -> str:
    """Name a term by its lists joined with ':' ("LA:NG"); the intercept is "(Intercept)"."""
    if term == 0:
        return "(Intercept)"
    return ":".join(name for i, name in enumerate(lists) if (term >> i) & 1)


def parse_term(text: str, lists: Sequence[str]) -> int:
    """Parse "A:B" (list names) into a term bitmask. Raises ``ValueError`` on unknown names."""
    index = {name: i for i, name in enumerate(lists)}
    mask = 0
    for part in text.split(":"):
        name = part.strip()
        if name not in index:
            raise ValueError(f"unknown list {name!r} in term {text!r}")
        mask |= 1 << index[name]
    return mask


def hierarchical_closure(terms: Iterable[int]) -> frozenset[int]:
    """All interaction terms (order >= 2) implied by ``terms`` under the hierarchy principle."""
    out: set[int] = set()
    for term in terms:
        bits = [b for b in range(term.bit_length()) if (term >> b) & 1]
        for r in range(2, len(bits) + 1):
            for sub in combinations(bits, r):
                out.add(sum(1 << b for b in sub))
    return frozenset(out)
