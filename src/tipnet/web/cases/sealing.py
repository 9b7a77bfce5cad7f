"""Sealing case content (a case, a timeline event, a task) to the organisation's key.

Same scheme as saved screenings (``crypto.record_seal``): a random key per record sealed to the
organisation's public key, the JSON content under it (XSalsa20-Poly1305: a changed byte is refused,
never decrypted into something else).
"""

from __future__ import annotations

import json
from typing import Any

from tipnet.core import crypto


class ContentError(Exception):
    """The sealed content cannot be opened: changed bytes, or a key that no longer exists."""


def content_seal(*, public_key: bytes, content: dict[str, Any]) -> tuple[bytes, bytes]:
    plaintext = json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
    return crypto.record_seal(public_key, plaintext)


def content_open(*, private_key: bytes, sealed_key: bytes, ciphertext: bytes) -> dict[str, Any]:
    """The content, or ContentError; nothing partial is ever returned."""
    try:
        content = json.loads(crypto.record_open(private_key, sealed_key, ciphertext).decode())
    except (crypto.DecryptionError, UnicodeDecodeError, ValueError) as error:
        raise ContentError("the case content cannot be decrypted") from error
    if not isinstance(content, dict):
        raise ContentError("the case content is not in the expected form")
    return content
