"""Hash chain for the append-only audit log.

Each entry's hash covers the previous entry's hash and the entry's own canonical content, so that
changing, removing or reordering any entry breaks every later link (the construction of Crosby &
Wallach, "Efficient Data Structures for Tamper-Evident Logging", USENIX Security 2009, in its
simplest linear form). The database layer stores entries; this module only computes and checks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(content: Mapping[str, Any]) -> bytes:
    """A byte string that is the same for equal content, whatever the key order."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def entry_hash(previous_hash: str, content: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the canonical content."""
    digest = hashlib.sha256()
    digest.update(previous_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(content))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainEntry:
    sequence: int
    content: Mapping[str, Any]
    previous_hash: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a verification: ``ok`` and, when broken, the first bad sequence number and why."""

    checked: int
    ok: bool
    first_bad_sequence: int | None = None
    reason: str = ""

    def summary(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.checked} entries verified"
        return f"audit chain BROKEN at entry {self.first_bad_sequence}: {self.reason} ({self.checked} checked)"


def verify_chain(entries: Iterable[ChainEntry]) -> ChainReport:
    """Check links and hashes in sequence order; stop at the first break."""
    expected_previous = GENESIS
    expected_sequence: int | None = None
    checked = 0
    for entry in entries:
        if expected_sequence is not None and entry.sequence != expected_sequence:
            return ChainReport(checked, False, entry.sequence, f"sequence gap: expected {expected_sequence}")
        if entry.previous_hash != expected_previous:
            return ChainReport(checked, False, entry.sequence, "link to the previous entry does not match")
        if entry_hash(entry.previous_hash, entry.content) != entry.hash:
            return ChainReport(checked, False, entry.sequence, "content does not match its hash")
        expected_previous = entry.hash
        expected_sequence = entry.sequence + 1
        checked += 1
    return ChainReport(checked, True)
