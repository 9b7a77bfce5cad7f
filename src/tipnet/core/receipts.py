"""Receipt codes for anonymous reporters.

A receipt is 27 random decimal digits (89.7 bits, above the 80 the reporting-line issue asks for)
and one Damm check digit, shown as seven groups of four. Digits work on every phone keyboard and
read aloud in every language; the check digit catches a mistyped digit or swapped neighbours
before any (deliberately slow) lookup is made. Entry accepts spaces, dashes and full-width digits
(Unicode NFKC). Only an Argon2id hash of the receipt is stored: a site-wide salt in the database
and a pepper outside it (``TIPNET_PEPPER``), so a copy of the database alone cannot test guesses.

Damm, H. M. (2004). Total anti-symmetrische Quasigruppen. Dissertation, Philipps-Universität Marburg.
"""

from __future__ import annotations

import secrets
import unicodedata

from tipnet.core.crypto import derive_key

RANDOM_DIGITS = 27
LENGTH = RANDOM_DIGITS + 1
GROUP = 4
_SEPARATORS = set(" \t\r\n-_.‐‑‒–—―−ー・")

# The weakly totally anti-symmetric quasigroup of order 10 from Damm (2004).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


class ReceiptFormatError(ValueError):
    """Not a well-formed receipt (wrong length, a non-digit, or a failed check digit)."""


def _damm(digits: str) -> int:
    interim = 0
    for char in digits:
        interim = _DAMM[interim][int(char)]
    return interim


def receipt_new() -> str:
    """A fresh receipt in its display form, e.g. ``"0412 9921 ... 5537"``."""
    body = "".join(str(secrets.randbelow(10)) for _ in range(RANDOM_DIGITS))
    return receipt_display(body + str(_damm(body)))


def receipt_display(digits: str) -> str:
    return " ".join(digits[i : i + GROUP] for i in range(0, len(digits), GROUP))


def receipt_normalise(text: str) -> str:
    """The 28 digits of a receipt as typed; raises ReceiptFormatError if it cannot be one."""
    folded = unicodedata.normalize("NFKC", text or "")
    digits = "".join(ch for ch in folded if ch not in _SEPARATORS)
    if not digits.isascii() or not digits.isdigit():
        raise ReceiptFormatError("a receipt has only digits")
    if len(digits) != LENGTH:
        raise ReceiptFormatError(f"a receipt has {LENGTH} digits, this has {len(digits)}")
    if _damm(digits) != 0:
        raise ReceiptFormatError("a digit is mistyped (the check digit does not match)")
    return digits


def receipt_keys(digits: str, *, site_salt: bytes, pepper: str) -> tuple[str, bytes]:
    """(lookup hash to store, in hex; the reporter's key, never stored) from one Argon2id run.

    One 64-byte Argon2id output is split in two: the first half finds the report, the second
    opens it. Argon2's variable-length output (H') makes the halves independent, so storing the
    first says nothing of the second; one run instead of two halves the cost of every submission
    and every receipt check. The receipt's 89.7 bits make a per-report salt unnecessary; the pepper
    keeps a database copy alone from testing guesses.
    """
    output = derive_key(f"{pepper}:{digits}".encode(), site_salt, size=64)
    return output[:32].hex(), output[32:]

