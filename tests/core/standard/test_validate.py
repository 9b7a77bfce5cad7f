"""Validation of one record names every problem by field, with stable codes, and never raises."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tipnet.core.standard import CODES, HTCDS, validate_record


def codes(record: Any, **options: Any) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in validate_record(record, **options).problems}


def test_a_good_typed_record_comes_back_cleaned() -> None:
    result = validate_record({
        "prs_Gender": "Feminine", "prs_Birthdate": "1999-04-12", "prs_Citizenship": ["VN"],
        "vic_MethodsOfControl": ["DebtBondage", "WithholdsDocuments"], "con_Consent": True,
        "prs_NumberOfChildren": 2, "hte_Latitude": 33.59, "prs_MobilePhone": " +818012345678 ",
    })
    assert result.ok
    assert result.record is not None and result.record["prs_MobilePhone"] == "+818012345678"


def test_every_problem_is_named_by_field() -> None:
    found = codes({
        "prs_Gender": "Female",  # a v1 form value, not v2.0
        "prs_Birthdate": "2001-02-30",
        "cas_IncomingReferralDate": "28/02/2024",
        "prs_NumberOfChildren": "two",
        "prs_Citizenship": "VN",  # typed JSON wants a list
        "vic_MethodsOfControl": ["DebtBondage", "DebtBondage"],
        "hte_Latitude": 123.0,
        "prs_Email": "not-an-address",
        "prs_Nickname": "x",
        "con_Consent": "yes",
    }, required=["prs_Gender", "cas_Status"])
    assert found == {
        ("prs_Gender", "not_allowed"), ("prs_Birthdate", "impossible_date"), ("cas_IncomingReferralDate", "bad_date"),
        ("prs_NumberOfChildren", "wrong_type"), ("prs_Citizenship", "wrong_type"),
        ("vic_MethodsOfControl", "duplicate_value"), ("hte_Latitude", "out_of_range"), ("prs_Email", "bad_format"),
        ("prs_Nickname", "unknown_field"), ("con_Consent", "wrong_type"), ("cas_Status", "missing_required"),
    }
    assert validate_record({"prs_Gender": "Female"}).record is None


def test_text_values_from_files_are_typed() -> None:
    result = validate_record({
        "con_Consent": "Yes", "prs_NumberOfChildren": "3", "vic_MethodsOfControl": "DebtBondage;TakesEarnings",
        "prs_Citizenship": "VN PH", "prs_Gender": "", "hte_Longitude": "130.4",
    }, text=True)
    assert result.record == {
        "con_Consent": True, "prs_NumberOfChildren": 3, "vic_MethodsOfControl": ["DebtBondage", "TakesEarnings"],
        "prs_Citizenship": ["VN", "PH"], "hte_Longitude": 130.4,
    }


def test_booleans_are_not_numbers_and_numbers_not_booleans() -> None:
    assert codes({"prs_NumberOfChildren": True}) == {("prs_NumberOfChildren", "wrong_type")}
    assert codes({"con_Consent": 1}) == {("con_Consent", "wrong_type")}
    assert codes({"prs_NumberOfChildren": 1.5}) == {("prs_NumberOfChildren", "wrong_type")}
    assert codes({"vic_AgeWhenTrafficked": float("nan")}) == {("vic_AgeWhenTrafficked", "wrong_type")}


def test_future_and_ancient_dates() -> None:
    today = dt.date(2025, 1, 1)
    assert codes({"prs_Birthdate": "2030-01-01"}, today=today) == {("prs_Birthdate", "future_date")}
    assert codes({"spl_PlannedEndDate": "2030-01-01"}, today=today) == set()  # a plan may end later
    assert codes({"prs_Birthdate": "1066-10-14"}) == {("prs_Birthdate", "impossible_date")}


def test_not_an_object() -> None:
    assert codes(["prs_Gender"]) == {("", "not_an_object")}
    assert codes({1: "x"}) == {("1", "unknown_field")}


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
KEYS = st.sampled_from(HTCDS.names) | st.text(max_size=12) | st.integers()


@settings(max_examples=300, deadline=None)
@given(record=st.dictionaries(KEYS, VALUES, max_size=8) | VALUES, text=st.booleans())
def test_validation_never_raises_and_uses_known_codes(record: Any, text: bool) -> None:
    result = validate_record(record, text=text, required=["prs_Gender"], today=dt.date(2025, 1, 1))
    assert (result.record is None) == bool(result.problems)
    assert {p.code for p in result.problems} <= set(CODES)
    if result.record is not None:
        assert validate_record(result.record).ok  # what validation returns validates again


@settings(max_examples=200, deadline=None)
@given(record=st.dictionaries(st.sampled_from(HTCDS.names), st.text(max_size=30), max_size=10))
def test_text_rows_never_raise(record: dict[str, str]) -> None:
    result = validate_record(record, text=True)
    assert {p.code for p in result.problems} <= set(CODES)
