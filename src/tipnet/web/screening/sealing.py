"""Sealing a screening's content: pure functions, shared by the services and the data migration.

Each record has its own random key (so one leaked record key opens one record) sealed to the
organisation's public key; the content is a JSON payload under that key (XSalsa20-Poly1305, so a
changed byte is detected, never decrypted into something else).
"""

from __future__ import annotations

import json
from typing import Any

from tipnet.core import crypto

PAYLOAD_FIELDS = ("reference", "answers", "welfare", "notes", "result")


class PayloadError(Exception):
    """The sealed content cannot be opened: changed bytes, or a key that no longer exists."""


def payload_seal(*, public_key: bytes, payload: dict[str, Any]) -> tuple[bytes, bytes]:
    """(sealed record key, ciphertext) for a payload with exactly the PAYLOAD_FIELDS."""
    if set(payload) != set(PAYLOAD_FIELDS):
        raise ValueError(f"a screening payload has the fields {PAYLOAD_FIELDS}")
    plaintext = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    return crypto.record_seal(public_key, plaintext)


def payload_open(*, private_key: bytes, sealed_key: bytes, ciphertext: bytes) -> dict[str, Any]:
    """The payload, or PayloadError; nothing partial is ever returned."""
    try:
        payload = json.loads(crypto.record_open(private_key, sealed_key, ciphertext).decode())
    except (crypto.DecryptionError, UnicodeDecodeError, ValueError) as error:
        raise PayloadError("the screening cannot be decrypted") from error
    if not isinstance(payload, dict) or set(payload) != set(PAYLOAD_FIELDS):
        raise PayloadError("the screening content is not in the expected form")
    return payload
