"""The hash chain detects any change, removal, insertion or reordering of entries; the keyed
chain (MAC under a key outside the database) and kept heads also detect forged appends,
re-chained tails and truncation."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tipnet.core.audit import (
    GENESIS,
    ROTATION_ACTION,
    ChainEntry,
    Head,
    HeadFormatError,
    canonical,
    entry_hash,
    entry_mac,
    key_id,
    parse_head,
    parse_head_lines,
    verify_chain,
)


def build(contents: list[dict]) -> list[ChainEntry]:
    entries, previous = [], GENESIS
    for index, content in enumerate(contents, start=1):
        digest = entry_hash(previous, content)
        entries.append(ChainEntry(index, content, previous, digest))
        previous = digest
    return entries


CONTENTS = [{"action": "login", "actor": 1}, {"action": "record.read", "target": "case:9"}, {"action": "export"}]


def test_intact_chain_verifies() -> None:
    report = verify_chain(build(CONTENTS))
    assert report.ok and report.checked == 3
    assert "intact" in report.summary()


def test_changed_content_is_found() -> None:
    entries = build(CONTENTS)
    entries[1] = ChainEntry(2, {"action": "record.read", "target": "case:10"}, entries[1].previous_hash, entries[1].hash)
    report = verify_chain(entries)
    assert not report.ok and report.first_bad_sequence == 2


def test_removed_entry_is_found() -> None:
    entries = build(CONTENTS)
    report = verify_chain([entries[0], entries[2]])
    assert not report.ok and report.first_bad_sequence == 3


def test_key_order_does_not_matter() -> None:
    assert entry_hash(GENESIS, {"a": 1, "b": 2}) == entry_hash(GENESIS, {"b": 2, "a": 1})


@given(st.lists(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=8), max_size=4), min_size=2, max_size=8), st.data())
def test_any_single_change_breaks_the_chain(contents: list[dict], data: st.DataObject) -> None:
    entries = build(contents)
    index = data.draw(st.integers(0, len(entries) - 1))
    changed = dict(entries[index].content)
    changed["__tampered__"] = True
    entries[index] = ChainEntry(entries[index].sequence, changed, entries[index].previous_hash, entries[index].hash)
    assert not verify_chain(entries).ok


# --- The keyed chain (issue 10, finding 7): a forger who can write the database but lacks the key.

KEY = b"k" * 40
NEW_KEY = b"n" * 40


def build_keyed(contents: list[dict], key: bytes = KEY, start: list[ChainEntry] | None = None) -> list[ChainEntry]:
    """Entries as the database layer writes them: hash and MAC (under ``key``) per entry."""
    entries = list(start or [])
    previous = entries[-1].hash if entries else GENESIS
    previous_mac = (entries[-1].mac or "") if entries else GENESIS
    for content in contents:
        sequence = len(entries) + 1
        digest = entry_hash(previous, content)
        mac = entry_mac(key, previous_mac, digest, content)
        entries.append(ChainEntry(sequence, content, previous, digest, mac, f"2026-12-06T03:00:{sequence:02d}+00:00"))
        previous, previous_mac = digest, mac
    return entries


def rechain_without_key(entries: list[ChainEntry], start: int) -> list[ChainEntry]:
    """Recompute every SHA-256 hash from index ``start`` on, and fake each MAC with plain
    SHA-256, as an attacker who has the code but not the key would."""
    out = list(entries[:start])
    previous = out[-1].hash if out else GENESIS
    previous_mac = (out[-1].mac or "") if out else GENESIS
    for entry in entries[start:]:
        digest = entry_hash(previous, entry.content)
        mac = hashlib.sha256(previous_mac.encode() + canonical(entry.content)).hexdigest()
        out.append(ChainEntry(entry.sequence, entry.content, previous, digest, mac, entry.at))
        previous, previous_mac = digest, mac
    return out


def test_keyed_chain_verifies_and_names_its_head() -> None:
    entries = build_keyed(CONTENTS)
    report = verify_chain(entries, key=KEY)
    assert report.ok and report.checked == 3
    assert report.head == Head(3, entries[-1].mac or "", entries[-1].at)
    assert parse_head(report.head.line()) == report.head
    assert verify_chain([], key=KEY).head == Head(0, GENESIS)


def test_forged_append_rechained_with_sha256_is_found() -> None:
    entries = build_keyed(CONTENTS)
    forged = rechain_without_key([*entries, ChainEntry(4, {"action": "record.read", "target": "x"}, "", "")], 3)
    assert verify_chain(forged).ok  # the plain hash chain is fooled: the finding
    report = verify_chain(forged, key=KEY)
    assert not report.ok and report.first_bad_sequence == 4 and "MAC" in report.reason


def test_changed_entry_with_rehashed_tail_is_found() -> None:
    entries = build_keyed(CONTENTS)
    entries[1] = ChainEntry(2, {"action": "record.read", "target": "case:10"}, "", "")
    tampered = rechain_without_key(entries, 1)
    assert verify_chain(tampered).ok
    report = verify_chain(tampered, key=KEY)
    assert not report.ok and report.first_bad_sequence == 2


def test_entry_without_mac_is_found() -> None:
    entries = build_keyed(CONTENTS)
    entries[2] = ChainEntry(3, entries[2].content, entries[2].previous_hash, entries[2].hash, None)
    report = verify_chain(entries, key=KEY)
    assert not report.ok and report.first_bad_sequence == 3 and "no MAC" in report.reason


def test_wrong_key_is_found_at_the_first_entry() -> None:
    report = verify_chain(build_keyed(CONTENTS), key=b"w" * 40)
    assert not report.ok and report.first_bad_sequence == 1 and "TIPNET_AUDIT_KEY" in report.reason


def test_truncation_below_a_kept_head_is_found() -> None:
    entries = build_keyed(CONTENTS)
    kept = verify_chain(entries, key=KEY).head
    assert kept is not None
    assert verify_chain(entries[:2], key=KEY).ok  # a cut end alone looks like a shorter log
    report = verify_chain(entries[:2], key=KEY, heads=[kept])
    assert not report.ok and report.first_bad_sequence == 3 and "truncated" in report.reason
    assert not verify_chain([], key=KEY, heads=[kept]).ok


def test_rewrite_by_a_key_holder_is_found_by_a_kept_head() -> None:
    entries = build_keyed(CONTENTS)
    kept = verify_chain(entries, key=KEY).head
    assert kept is not None
    rewritten = build_keyed([*CONTENTS[:2], {"action": "export", "note": "other"}])
    assert verify_chain(rewritten, key=KEY).ok
    report = verify_chain(rewritten, key=KEY, heads=[kept])
    assert not report.ok and report.first_bad_sequence == 3 and "kept head" in report.reason
    assert verify_chain(entries, key=KEY, heads=[kept, Head(0, GENESIS)]).heads_matched == 2


@pytest.mark.parametrize(
    "text",
    ["", "12", "12:", "x:" + "a" * 64, "-1:" + "a" * 64, "1:" + "A" * 64, "1:" + "a" * 63,
     "1:" + "a" * 64 + " yesterday", "1:" + "a" * 64 + " 2026-12-06T03:00:00 extra"],
)
def test_malformed_heads_are_refused(text: str) -> None:
    with pytest.raises(HeadFormatError):
        parse_head(text)


def test_heads_file_skips_comments_and_names_a_bad_line() -> None:
    good = "7:" + "b" * 64 + " 2026-12-06T03:00:00+00:00"
    assert parse_head_lines(["# kept", "", good + "  # cron"]) == [parse_head(good)]
    with pytest.raises(HeadFormatError, match="line 2"):
        parse_head_lines([good, "7:zz"])


def rotation(old: bytes, new: bytes) -> dict:
    return {"action": ROTATION_ACTION, "details": {"key": key_id(new), "previous_key": key_id(old)}}


def test_rotation_keeps_old_entries_and_checks_them_through_the_new_macs() -> None:
    before = build_keyed(CONTENTS, KEY)
    entries = build_keyed([rotation(KEY, NEW_KEY), {"action": "login"}], NEW_KEY, start=before)
    report = verify_chain(entries, key=NEW_KEY, heads=[Head(2, before[1].mac or "")])
    assert report.ok and report.rotated_at == 4 and report.heads_matched == 1
    # The old key no longer describes the end of the chain.
    old = verify_chain(entries, key=KEY)
    assert not old.ok and old.first_bad_sequence == 4 and "re-keyed" in old.reason
    # A change before the rotation, all hashes and fake MACs recomputed: the first new MAC fails.
    changed = list(entries)
    changed[0] = ChainEntry(1, {"action": "login", "actor": 2}, "", "")
    report = verify_chain(rechain_without_key(changed, 0), key=NEW_KEY)
    assert not report.ok and report.first_bad_sequence == 4


def test_forged_rotation_to_the_forgers_key_is_found() -> None:
    entries = build_keyed(CONTENTS, KEY)
    forger = b"f" * 40
    forged = build_keyed([rotation(KEY, forger), {"action": "export"}], forger, start=entries)
    report = verify_chain(forged, key=KEY)
    assert not report.ok and report.first_bad_sequence == 4 and "re-keyed" in report.reason
    claimed = build_keyed([rotation(KEY, KEY)], forger, start=entries)  # names our key, cannot MAC with it
    report = verify_chain(claimed, key=KEY)
    assert not report.ok and report.first_bad_sequence == 4 and "MAC" in report.reason


@given(st.lists(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=8), max_size=4), min_size=1, max_size=6), st.data())
def test_any_change_with_rechained_hashes_breaks_the_keyed_chain(contents: list[dict], data: st.DataObject) -> None:
    entries = build_keyed(contents)
    index = data.draw(st.integers(0, len(entries) - 1))
    changed = dict(entries[index].content)
    changed["__tampered__"] = True
    entries[index] = ChainEntry(entries[index].sequence, changed, "", "")
    assert not verify_chain(rechain_without_key(entries, index), key=KEY).ok
