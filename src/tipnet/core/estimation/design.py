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
from functools import lru_cache
from itertools import combinations

import numpy as np

__all__ = [
    "Model",
    "all_pairs",
    "cells",
    "design_matrix",
    "model_terms",
    "order",
    "parse_term",
    "term_name",
]

#: A model: its interaction terms (bitmasks with at least two bits), in the order they entered.
Model = tuple[int, ...]


def cells(k: int) -> np.ndarray:
    """The observable cells 1, ..., 2**k - 1 as bitmasks."""
    return np.arange(1, 2**k, dtype=np.int64)


def order(term: int) -> int:
    """Number of lists in a term (1 for a main effect, 2 for a pairwise interaction, ...)."""
    return int(term).bit_count()


def all_pairs(k: int) -> tuple[int, ...]:
    """All two-list terms in SparseMSE's order (1,2), (1,3), ..., (1,k), (2,3), ...

    The order matters: SparseMSE's stepwise search breaks ties in favour of the first pair in
    this order (``stepwisefit`` in SparseMSE ``R/routines.R``).
    """
    return tuple((1 << i) | (1 << j) for i, j in combinations(range(k), 2))


def model_terms(k: int, model: Model) -> tuple[int, ...]:
    """All terms of a model: intercept (0), main effects, then the model's interactions."""
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
