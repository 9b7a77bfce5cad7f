"""The existence/identifiability check (Fienberg & Rinaldo 2012; SparseMSE ``checkident``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipnet.core.estimation import check_model, describe_code
from tipnet.core.estimation.design import all_pairs, design_matrix, model_terms, parse_term
from tipnet.core.estimation.existence import _lp_optimum

from ._shared import table


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        # Chan, Silverman & Vincent (2021), JASA 116(535), Tables 2-3 (Artificial_3), as quoted in
        # MultipleSystemsEstimation's vignette reproduce-2021 and SparseMSE's checkident examples.
        (["A:B", "A:C", "B:C"], 2),  # not identifiable
        (["A:B"], 1),  # [12,3]: no extended MLE
        (["A:B", "A:C"], 1),  # AB with one of AC/BC: no extended MLE
        (["A:B", "B:C"], 1),
        (["A:C", "B:C"], 0),  # [13,23]: passes both
        ([], 0),
    ],
)
def test_artificial_3_codes(terms: list[str], code: int) -> None:
    t = table("Artificial_3")
    model = tuple(parse_term(s, t.lists) for s in terms)
    assert check_model(3, model, t.cell_counts.astype(float)) == code


def test_describe_code() -> None:
    assert "does not exist" in describe_code(1)
    assert "not identifiable" in describe_code(2)
    assert "does not exist" in describe_code(3) and "not identifiable" in describe_code(3)


def test_empty_list_sparsemse_versus_mse_convention() -> None:
    y = np.zeros(7)
    y[[0, 1, 2]] = [30, 20, 6]  # list C empty
    # SparseMSE's checkident keeps the empty list's main effect, so its LP fails (code 1);
    # MultipleSystemsEstimation fixes it at minus infinity and the model is fine.
    assert check_model(3, (), y) == 1
    assert check_model(3, (), y, empty_mains=True) == 0


@settings(max_examples=60, deadline=None)
@given(
    support=st.integers(min_value=1, max_value=2**15 - 1),
    pair_mask=st.integers(min_value=0, max_value=63),
)
def test_fast_path_agrees_with_the_linear_programme(support: int, pair_mask: int) -> None:
    """Property: the rank shortcut never contradicts SparseMSE's LP on the actual counts."""
    rng = np.random.default_rng(support * 64 + pair_mask)
    y = np.array([(support >> i) & 1 for i in range(15)], dtype=float)
    y *= rng.integers(1, 50, size=15)
    pairs = all_pairs(4)
    model = tuple(p for i, p in enumerate(pairs) if (pair_mask >> i) & 1)
    code = check_model(4, model, y)
    # Direct: SparseMSE's construction (drop non-overlapping pairs in the model), LP on real t.
    terms = model_terms(4, model)
    full = design_matrix(4, terms)
    nstar = full.T @ y
    empty = [c for c, term in enumerate(terms) if term.bit_count() >= 2 and nstar[c] == 0]
    keep = ~full[:, empty].any(axis=1) if empty else np.ones(15, dtype=bool)
    a = full[keep][:, [c for c in range(len(terms)) if c not in empty]]
    no_mle = _lp_optimum(a, a.T @ y[keep]) <= 1e-7
    not_ident = np.linalg.matrix_rank(a) < a.shape[1]
    assert code == int(no_mle) + 2 * int(not_ident)
