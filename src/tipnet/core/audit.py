"""Hash chain for the append-only audit log.

Each entry's hash covers the previous entry's hash and the entry's own canonical content, so that
changing, removing or reordering any entry breaks every later link (the construction of Crosby &
Wallach, "Efficient Data Structures for Tamper-Evident Logging", USENIX Security 2009, in its
simplest linear form). The database layer stores entries; this module only computes and checks.

A plain hash chain proves nothing to someone who can write the database: they can cut entries off
the end, or append a forged entry and recompute every hash after it. So each entry also carries a
MAC, HMAC-SHA-256 under a key the database does not hold (``TIPNET_AUDIT_KEY``), over the previous
entry's MAC and the entry's content. Without the key nobody can append or re-chain undetected. A
*head* (the sequence number and MAC of the newest entry) that the operator keeps outside the
database then also catches truncation below it, and re-writing by anyone who does hold the key.
The SHA-256 hash stays, for compatibility with entries and tools that predate the MAC.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
MAC_CONTEXT = b"tipnet-audit-mac/1\n"  # domain separation: this key MACs nothing else
ROTATION_ACTION = "audit.key_rotated"
_HEAD = re.compile(r"^(\d{1,18}):([0-9a-f]{64})$")


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


def entry_mac(key: bytes, previous_mac: str, digest: str, content: Mapping[str, Any]) -> str:
    """HMAC-SHA-256 under the audit key over the previous entry's MAC, this entry's SHA-256 hash
    and its canonical content. The hash chains every earlier entry's content, so one good MAC
    commits to the whole history before it, even entries MACed under an earlier key."""
    if not key:
        raise ValueError("the audit key is empty")
    message = MAC_CONTEXT + previous_mac.encode("ascii") + b"\n" + digest.encode("ascii") + b"\n" + canonical(content)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A public name for a key (recorded in a key rotation entry); reveals nothing about it."""
    return hmac.new(key, b"tipnet-audit-key-id/1", hashlib.sha256).hexdigest()[:16]


def is_rotation(content: Mapping[str, Any]) -> bool:
    """A key rotation entry: MACed under the new key, whose ``key_id`` its details name."""
    details = content.get("details")
    return content.get("action") == ROTATION_ACTION and isinstance(details, Mapping) and "key" in details


@dataclass(frozen=True)
class ChainEntry:
    sequence: int
    content: Mapping[str, Any]
    previous_hash: str
    hash: str
    mac: str | None = None  # None: written without the key (before the MAC existed, or forged)
    at: str = ""  # the entry's time, only to print in a head


class HeadFormatError(ValueError):
    """A kept head is not of the form ``SEQ:MAC`` (optionally followed by its ISO time)."""


@dataclass(frozen=True)
class Head:
    """What an operator keeps outside the database: the newest entry's sequence and MAC."""

    sequence: int
    mac: str
    at: str = ""

    def line(self) -> str:
        """One line to paste into a ticket or a heads file; ``parse_head`` reads it back."""
        return f"{self.sequence}:{self.mac} {self.at}".rstrip()


def parse_head(text: str) -> Head:
    """Read ``SEQ:MAC`` or a whole line printed by ``Head.line`` (``SEQ:MAC TIME``)."""
    parts = text.split()
    if not parts or len(parts) > 2:
        raise HeadFormatError(f"expected SEQ:MAC (for example 42:{'ab' * 32}), got {text.strip()!r}")
    match = _HEAD.match(parts[0])
    if match is None:
        raise HeadFormatError(
            f"expected SEQ:MAC with a sequence number and 64 lower-case hex digits, got {parts[0]!r}"
        )
    at = ""
    if len(parts) == 2:
        try:
            datetime.fromisoformat(parts[1])
        except ValueError as error:
            raise HeadFormatError(f"the time after the head is not an ISO 8601 time: {parts[1]!r}") from error
        at = parts[1]
    return Head(int(match.group(1)), match.group(2), at)


def parse_head_lines(lines: Iterable[str]) -> list[Head]:
    """Heads from a file of kept heads: one per line; blank lines and ``#`` comments are skipped."""
    heads = []
    for number, raw in enumerate(lines, start=1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            heads.append(parse_head(text))
        except HeadFormatError as error:
            raise HeadFormatError(f"line {number}: {error}") from error
    return heads


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a verification: ``ok`` and, when broken, the first bad sequence number and why."""

    checked: int
    ok: bool
    first_bad_sequence: int | None = None
    reason: str = ""
    head: Head | None = None  # the newest verified entry (with a key): what to keep elsewhere
    heads_matched: int = 0
    rotated_at: int | None = None  # MACs checked from here; earlier entries through their hashes

    def summary(self) -> str:
        if self.ok:
            kept = f", {self.heads_matched} kept head(s) matched" if self.heads_matched else ""
            rotated = f", key rotated at entry {self.rotated_at}" if self.rotated_at else ""
            return f"audit chain intact: {self.checked} entries verified{kept}{rotated}"
        return f"audit chain BROKEN at entry {self.first_bad_sequence}: {self.reason} ({self.checked} checked)"


def verify_chain(
    entries: Iterable[ChainEntry], *, key: bytes | None = None, heads: Sequence[Head] = ()
) -> ChainReport:
    """Check links, hashes and (with ``key``) MACs in sequence order; stop at the first break.

    MACs are checked from the last rotation to ``key`` (or from the start, if the chain was never
    re-keyed) to the end; the end must be under ``key``. Entries before that rotation were MACed
    under an earlier key: the first MAC under ``key`` covers their hashes, so they are checked
    through the hash chain. ``heads`` are heads kept outside the database: each must name an
    entry that is still there with the same MAC. A head beyond the end means the log was cut; a
    different MAC means it was rewritten (or the head comes from another installation).
    """
    if heads and key is None:
        raise ValueError("kept heads can only be checked with the audit key")
    kept: dict[int, list[Head]] = {}
    for head in heads:
        kept.setdefault(head.sequence, []).append(head)
    current_id = key_id(key) if key is not None else ""
    checking: bool | None = None  # are MACs under ``key`` from here on? None: not known yet
    rotated_at: int | None = None
    expected_previous = GENESIS
    expected_mac = GENESIS
    expected_sequence: int | None = None
    checked = matched = 0
    last: ChainEntry | None = None
    for head in kept.pop(0, []):  # the head of an empty log
        if head.mac != GENESIS:
            return ChainReport(0, False, 0, "the kept head 0 must be 0:" + GENESIS)
        matched += 1
    for entry in entries:
        if expected_sequence is not None and entry.sequence != expected_sequence:
            return ChainReport(checked, False, entry.sequence, f"sequence gap: expected {expected_sequence}")
        if expected_sequence is None and entry.sequence != 1:
            return ChainReport(checked, False, entry.sequence, "the chain does not start at entry 1")
        if entry.previous_hash != expected_previous:
            return ChainReport(checked, False, entry.sequence, "link to the previous entry does not match")
        if entry_hash(entry.previous_hash, entry.content) != entry.hash:
            return ChainReport(checked, False, entry.sequence, "content does not match its hash")
        if key is not None:
            if is_rotation(entry.content):
                checking = entry.content["details"]["key"] == current_id
                rotated_at = entry.sequence
            elif checking is None:  # the first entry: under this key, or an earlier one
                checking = entry.mac is not None and hmac.compare_digest(
                    entry_mac(key, expected_mac, entry.hash, entry.content), entry.mac
                )
            if checking:
                if entry.mac is None:
                    return ChainReport(checked, False, entry.sequence, "entry has no MAC (not written with the audit key)")
                if not hmac.compare_digest(entry_mac(key, expected_mac, entry.hash, entry.content), entry.mac):
                    return ChainReport(
                        checked, False, entry.sequence,
                        "MAC does not match (entry changed or forged, or the wrong TIPNET_AUDIT_KEY)",
                    )
            for head in kept.pop(entry.sequence, []):
                if entry.mac is None or not hmac.compare_digest(head.mac, entry.mac):
                    return ChainReport(
                        checked, False, entry.sequence,
                        f"entry differs from the kept head {head.sequence}:{head.mac[:12]}... "
                        "(the log was rewritten, or the head is from another installation)",
                    )
                matched += 1
            expected_mac = entry.mac or ""
        expected_previous = entry.hash
        expected_sequence = entry.sequence + 1
        checked += 1
        last = entry
    end = last.sequence if last is not None else 0
    if key is not None and last is not None and not checking:
        if rotated_at is None:
            return ChainReport(
                checked, False, 1, "MAC does not match (entry changed or forged, or the wrong TIPNET_AUDIT_KEY)"
            )
        return ChainReport(
            checked, False, rotated_at,
            "the chain was re-keyed here to a key that is not TIPNET_AUDIT_KEY (forged, or the wrong key)",
        )
    if kept:
        missing = min(kept)
        return ChainReport(
            checked, False, end + 1,
            f"truncated: the kept head {missing} is missing, the chain ends at entry {end}",
        )
    head = None
    if key is not None:
        head = Head(0, GENESIS) if last is None else Head(last.sequence, expected_mac, last.at)
    return ChainReport(checked, True, head=head, heads_matched=matched, rotated_at=rotated_at)
