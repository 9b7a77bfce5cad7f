"""The hash chain detects any change, removal, insertion or reordering of entries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tipnet.core.audit import GENESIS, ChainEntry, entry_hash, verify_chain


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
