"""Receipt codes: entropy, check digit, tolerant entry (NFKC), peppered lookup hash."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tipnet.core.crypto import new_salt
from tipnet.core.receipts import (
    LENGTH,
    RANDOM_DIGITS,
    ReceiptFormatError,
    receipt_keys,
    receipt_new,
    receipt_normalise,
)


def test_receipt_has_at_least_80_bits_and_groups_of_four() -> None:
    assert RANDOM_DIGITS * math.log2(10) >= 80
    receipt = receipt_new()
    groups = receipt.split(" ")
    assert len(groups) == 7 and all(len(g) == 4 and g.isdigit() for g in groups)
    assert len({receipt_new() for _ in range(200)}) == 200


def test_entry_accepts_spaces_dashes_and_full_width_digits() -> None:
    receipt = receipt_new()
    digits = receipt.replace(" ", "")
    full_width = "".join(chr(ord("０") + int(d)) for d in digits)
    assert receipt_normalise(full_width) == digits
    assert receipt_normalise(receipt.replace(" ", "-")) == digits
    assert receipt_normalise(" " + receipt.replace(" ", " ー ") + "\n") == digits


@given(st.integers(0, LENGTH - 1), st.integers(1, 9))
def test_any_single_mistyped_digit_is_caught(position: int, shift: int) -> None:
    digits = receipt_new().replace(" ", "")
    wrong = digits[:position] + str((int(digits[position]) + shift) % 10) + digits[position + 1 :]
    with pytest.raises(ReceiptFormatError):
        receipt_normalise(wrong)


@pytest.mark.parametrize("text", ["", "1234", "abcd " * 7, "1" * 40])
def test_malformed_receipts_are_refused(text: str) -> None:
    with pytest.raises(ReceiptFormatError):
        receipt_normalise(text)


def test_lookup_hash_needs_the_pepper() -> None:
    digits = receipt_new().replace(" ", "")
    salt = new_salt()
    first = receipt_keys(digits, site_salt=salt, pepper="p" * 32)[0]
    assert first == receipt_keys(digits, site_salt=salt, pepper="p" * 32)[0]
    assert first != receipt_keys(digits, site_salt=salt, pepper="q" * 32)[0]
    assert digits not in first


def test_lookup_hash_and_reporter_key_are_independent_halves() -> None:
    digits = receipt_new().replace(" ", "")
    lookup, key = receipt_keys(digits, site_salt=new_salt(), pepper="p" * 32)
    assert len(bytes.fromhex(lookup)) == 32 and len(key) == 32
    assert key.hex() not in lookup
