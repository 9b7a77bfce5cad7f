"""Reading and validating capture tables, and building them from records."""

from __future__ import annotations

import io

import numpy as np
import pytest

from tipnet.core.estimation import CaptureTable, TableError, read_records, read_table
from tipnet.core.estimation.table import MAX_LISTS

from ._shared import MSE_DATA, table


def csv(text: str) -> io.StringIO:
    return io.StringIO(text)


def test_shared_tables_read_with_the_documented_totals() -> None:
    # Totals from ../shared/data/README.md and reference/mse.md section 2.
    expected = {"UKdat": (6, 2744), "UKdat_5": (5, 2744), "UKdat_4": (4, 2428), "Ned": (6, 8234),
                "Ned_5": (5, 8234), "NewOrl_SparseMSE": (8, 185), "NewOrl_MSE": (8, 186),
                "Western": (5, 345), "Kosovo": (4, 4400), "Korea": (3, 123), "Artificial_3": (3, 96)}
    for name, (k, n) in expected.items():
        t = table(name)
        assert (t.k_lists, t.n_observed) == (k, n), name
    assert len(list(MSE_DATA.glob("*.csv"))) >= len(expected)


def test_cells_are_bitmask_ordered() -> None:
    t = table("UKdat_5")
    assert t.lists == ("LA", "NG", "PFNCA", "GO", "GP")
    assert t.counts[0b00001] == 54  # LA only
    assert t.counts[0b00011] == 15  # LA and NG
    assert t.counts[0b01111] == 1  # LA, NG, PFNCA, GO
    assert t.overlap(0, 4) == 0  # LA and GP never overlap
    assert t.list_totals()["LA"] == 54 + 15 + 19 + 3 + 1 + 1 + 1


def test_zero_count_row_is_allowed() -> None:
    t = table("Korea")  # the shipped table has one row with count 0
    assert t.n_observed == 123
    assert len(t.rows()) == 6


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("A,B,count\n1,0,5\n0,1,-3\n", "must not be negative"),
        ("A,B,count\n1,0,5\n0,1,2.5\n", "whole number"),
        ("A,B,count\n1,0,5\n0,2,3\n", "must be 0 or 1"),
        ("A,B,count\n1,0,5\n1,0,3\n", "repeats row 1"),
        ("A,count\n1,5\n", "at least two lists"),
        ("A,B,count\n1,0,5\n0,0,3\n", "all-zero pattern"),
        ("A,B\n1,0\n", "no 'count' column"),
        ("A,B,count\n1,0,x\n", "not a number"),
        ("A,B,count\n", "no rows"),
        ("", "empty"),
        ("A,B,count\n1,0,0\n", "no observed people"),
        ("A,A,count\n1,0,1\n", "distinct"),
        ("A,B,count\n1,0\n", "expected 3 fields"),
    ],
)
def test_bad_tables_are_rejected_with_a_clear_message(text: str, fragment: str) -> None:
    with pytest.raises(TableError, match=fragment):
        read_table(csv(text))


def test_too_many_lists() -> None:
    names = [f"L{i}" for i in range(MAX_LISTS + 1)]
    row = ["1"] + ["0"] * MAX_LISTS
    with pytest.raises(TableError, match="at most"):
        read_table(csv(",".join([*names, "count"]) + "\n" + ",".join([*row, "3"]) + "\n"))


def test_count_column_anywhere_and_whitespace() -> None:
    t = read_table(csv("count, A , B\n 4 ,1,0\n2,1,1\n"))
    assert t.lists == ("A", "B")
    assert t.counts.tolist() == [0, 4, 0, 2]


def test_csv_round_trip() -> None:
    t = table("UKdat")
    again = read_table(csv(t.to_csv()))
    assert again.lists == t.lists
    assert np.array_equal(again.counts, t.counts)


def test_from_records_counts_people_once_per_list() -> None:
    records = [
        {"person_id": "p1", "source": "police"},
        {"person_id": "p1", "source": "ngo"},
        {"person_id": "p1", "source": "ngo"},  # seen twice by the same list: counts once
        {"person_id": "p2", "source": "ngo"},
        {"person_id": "p3", "source": "police"},
        {"person_id": "p4", "source": "shelter"},
    ]
    t = CaptureTable.from_records(records)
    assert t.lists == ("ngo", "police", "shelter")
    assert t.n_observed == 4
    assert t.counts[0b011] == 1 and t.counts[0b001] == 1 and t.counts[0b010] == 1
    assert t.counts[0b100] == 1


def test_read_records_validates() -> None:
    with pytest.raises(TableError, match="'source'"):
        read_records(csv("person_id,list\np1,A\n"))
    with pytest.raises(TableError, match="empty"):
        read_records(csv("person_id,source\np1,\n"))
    with pytest.raises(TableError, match="at least two lists"):
        read_records(csv("person_id,source\np1,A\np2,A\n"))
    t = read_records(csv("person_id,source\np1,A\np1,B\np2,A\n"))
    assert t.counts.tolist() == [0, 1, 0, 1]


def test_table_is_read_only() -> None:
    t = table("Western")
    with pytest.raises(ValueError):
        t.counts[1] = 5
