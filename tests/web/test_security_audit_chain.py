"""Issue 10, finding 7: the audit chain is keyed (TIPNET_AUDIT_KEY, outside the database) and its
head can be checked against heads kept elsewhere.

Each attack is played as someone with full write access to the database but not the key: the
append-only trigger switched off, rows deleted or added with SHA-256 hashes recomputed exactly as
the code does. Runs on SQLite and, with DATABASE_URL=postgres://..., on PostgreSQL.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from tipnet.core.audit import GENESIS, Head, canonical, entry_hash, entry_mac, key_id
from tipnet.web.accounts.audit import (
    Action,
    AuditChainBroken,
    AuditKeyError,
    audit_key,
    audit_record,
    audit_rotate_key,
    audit_verify,
)
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.config import ConfigurationError, load_config


def _triggers_off() -> None:
    """What an attacker with the database owner's rights does first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER tipnet_audit_no_update")
            cursor.execute("DROP TRIGGER tipnet_audit_no_delete")


def _delete_from(sequence: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent WHERE sequence >= %s", [sequence])


def _forge_append(*, target_id: str, with_key: bytes | None = None) -> int:
    """Append an entry re-chained as the code would: SHA-256 hash recomputed; the MAC recomputed
    with plain SHA-256 (no key) or, for an insider who has it, with ``with_key``."""
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    forged = AuditEvent(
        sequence=last.sequence + 1, at=last.at + timedelta(seconds=1), action=Action.RECORD_READ,
        actor_id=last.actor_id, actor_name=last.actor_name, organisation_id=last.organisation_id,
        target_type="report", target_id=target_id, recipient_organisation_id=None, details={},
        previous_hash=last.hash,
    )
    content = forged.chain_content()
    forged.hash = entry_hash(last.hash, content)
    if with_key is None:
        forged.mac = hashlib.sha256(f"{last.mac}\n".encode() + canonical(content)).hexdigest()
    else:
        forged.mac = entry_mac(with_key, last.mac or "", forged.hash, content)
    forged.save()  # a new row: the model allows inserts, as the database does
    return forged.sequence


def _entries(count: int) -> None:
    for index in range(count):
        audit_record(actor=None, action=Action.RECORD_READ, target_type="report", target_id=index)


def test_intact_chain_verifies_with_its_head(db) -> None:  # type: ignore[no-untyped-def]
    _entries(4)
    report = audit_verify()
    assert report.ok and report.checked == 4
    assert report.head is not None and report.head.sequence == 4
    assert report.head.mac == AuditEvent.objects.get(sequence=4).mac
    again = audit_verify(heads=[report.head, Head(2, AuditEvent.objects.get(sequence=2).mac or "")])
    assert again.ok and again.heads_matched == 2


def test_every_entry_carries_a_mac_under_the_configured_key(db) -> None:  # type: ignore[no-untyped-def]
    _entries(3)
    previous = GENESIS
    for event in AuditEvent.objects.order_by("sequence"):
        assert event.mac == entry_mac(audit_key(), previous, event.hash, event.chain_content())
        previous = event.mac


def test_forged_append_rechained_with_sha256_is_found(db) -> None:  # type: ignore[no-untyped-def]
    """The finding: on the old code this forged entry verified as intact."""
    _entries(3)
    _triggers_off()
    sequence = _forge_append(target_id="never-read")
    report = audit_verify()
    assert not report.ok and report.first_bad_sequence == sequence
    assert "MAC does not match" in report.reason  # the SHA-256 link and hash were right


def test_forged_entry_without_a_mac_is_found(db) -> None:  # type: ignore[no-untyped-def]
    _entries(2)
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    forged = AuditEvent(sequence=3, at=last.at, action=Action.LOGIN, details={}, previous_hash=last.hash)
    forged.hash = entry_hash(last.hash, forged.chain_content())
    forged.save()
    report = audit_verify()
    assert not report.ok and report.first_bad_sequence == 3 and "no MAC" in report.reason


def test_truncation_below_a_kept_head_is_found(db) -> None:  # type: ignore[no-untyped-def]
    _entries(5)
    kept = audit_verify().head
    assert kept is not None and kept.sequence == 5
    _triggers_off()
    _delete_from(4)
    # Without a kept head a cut end looks like a shorter log: that is why heads are kept elsewhere.
    assert audit_verify().ok
    report = audit_verify(heads=[kept])
    assert not report.ok and report.first_bad_sequence == 4
    assert "truncated" in report.reason and "kept head 5" in report.reason


def test_rechained_tail_is_found(db) -> None:  # type: ignore[no-untyped-def]
    """Cut the end and append a different entry in its place: without the key the MAC fails;
    an insider holding the key is caught by the kept head."""
    _entries(4)
    kept = audit_verify().head
    assert kept is not None
    _triggers_off()
    _delete_from(4)
    _forge_append(target_id="swapped")
    report = audit_verify()
    assert not report.ok and report.first_bad_sequence == 4 and "MAC" in report.reason

    _delete_from(4)
    _forge_append(target_id="swapped", with_key=audit_key())
    assert audit_verify().ok  # the key alone cannot tell: the kept head can
    report = audit_verify(heads=[kept])
    assert not report.ok and report.first_bad_sequence == 4 and "kept head" in report.reason


def test_changed_entry_is_found(db) -> None:  # type: ignore[no-untyped-def]
    _entries(3)
    _triggers_off()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET target_id = 'other' WHERE sequence = 2")
    report = audit_verify()
    assert not report.ok and report.first_bad_sequence == 2


def test_changed_entry_rehashed_without_the_key_is_found(db) -> None:  # type: ignore[no-untyped-def]
    """Change entry 2 and recompute every SHA-256 hash after it: only the MAC notices."""
    _entries(3)
    _triggers_off()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET target_id = 'other' WHERE sequence = 2")
    previous = AuditEvent.objects.get(sequence=1).hash
    for event in AuditEvent.objects.filter(sequence__gte=2).order_by("sequence"):
        digest = entry_hash(previous, event.chain_content())
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_auditevent SET previous_hash = %s, hash = %s WHERE id = %s",
                [previous, digest, event.pk],
            )
        previous = digest
    report = audit_verify()
    assert not report.ok and report.first_bad_sequence == 2 and "MAC does not match" in report.reason


def test_wrong_key_is_reported_at_the_first_entry(db) -> None:  # type: ignore[no-untyped-def]
    _entries(2)
    report = audit_verify(key=b"another installation's key, 32+ chars")
    assert not report.ok and report.first_bad_sequence == 1 and "TIPNET_AUDIT_KEY" in report.reason
    assert audit_verify().ok


def test_head_of_another_installation_is_reported(db) -> None:  # type: ignore[no-untyped-def]
    _entries(2)
    report = audit_verify(heads=[Head(2, "ab" * 32)])
    assert not report.ok and report.first_bad_sequence == 2


def test_postgres_trigger_survives_and_forgery_is_found(needs_postgres) -> None:  # type: ignore[no-untyped-def]
    """Once on PostgreSQL: the trigger still refuses UPDATE after the MAC migration, and a forged
    re-chained append behind a disabled trigger is found."""
    _entries(3)
    with pytest.raises(Exception, match="append-only"):
        from django.db import transaction

        with transaction.atomic(), needs_postgres.cursor() as cursor:
            cursor.execute("UPDATE accounts_auditevent SET mac = NULL WHERE sequence = 1")
    _triggers_off()
    sequence = _forge_append(target_id="pg-forged")
    report = audit_verify()
    assert not report.ok and report.first_bad_sequence == sequence and "MAC" in report.reason


def test_audit_page_shows_intact_chain_and_head(staff, client_for) -> None:  # type: ignore[no-untyped-def]
    _entries(2)
    response = client_for(staff[Role.NETWORK_ADMIN]).get(reverse("accounts:audit"))
    body = response.content.decode()
    assert response.status_code == 200 and 'class="notice" id="chain-status"' in body
    head = audit_verify().head
    assert head is not None and head.mac in body  # the viewing itself is the newest entry


def test_audit_page_shows_a_forged_append_as_broken(staff, client_for) -> None:  # type: ignore[no-untyped-def]
    _entries(2)
    _triggers_off()
    sequence = _forge_append(target_id="forged")
    response = client_for(staff[Role.NETWORK_ADMIN]).get(reverse("accounts:audit"))
    body = response.content.decode()
    assert 'class="error" role="alert" id="chain-status"' in body and str(sequence) in body
    assert 'id="chain-head"' not in body


from tests.web.test_config import GOOD_AUDIT_KEY, GOOD_PEPPER, GOOD_SECRET  # noqa: E402


def _production(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        "TIPNET_MODE": "production", "TIPNET_DATA_DIR": str(tmp_path), "SECRET_KEY": GOOD_SECRET,
        "TIPNET_PEPPER": GOOD_PEPPER, "TIPNET_AUDIT_KEY": GOOD_AUDIT_KEY,
        "TIPNET_ALLOWED_HOSTS": "tipnet.example.org", "DATABASE_URL": "postgres://tipnet@db/tipnet",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value != ""}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"TIPNET_AUDIT_KEY": ""}, "TIPNET_AUDIT_KEY must be set"),
        ({"TIPNET_AUDIT_KEY": "short"}, "TIPNET_AUDIT_KEY must be set"),
        ({"TIPNET_AUDIT_KEY": GOOD_PEPPER}, "must differ"),
        ({"TIPNET_AUDIT_KEY": "k" * 40}, "not random enough"),
    ],
)
def test_production_requires_its_own_audit_key(tmp_path: Path, override: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_config(_production(tmp_path, **override))
    assert load_config(_production(tmp_path)).audit_key == GOOD_AUDIT_KEY


def test_production_refuses_the_demo_audit_key(tmp_path: Path) -> None:
    demo = load_config({"TIPNET_DATA_DIR": str(tmp_path)})
    with pytest.raises(ConfigurationError, match="demo audit key"):
        load_config(_production(tmp_path, TIPNET_AUDIT_KEY=demo.audit_key))


def test_demo_makes_its_audit_key_once_in_the_data_folder(tmp_path: Path) -> None:
    first = load_config({"TIPNET_DATA_DIR": str(tmp_path)})
    assert load_config({"TIPNET_DATA_DIR": str(tmp_path)}).audit_key == first.audit_key
    assert len(first.audit_key) >= 32 and first.audit_key not in {first.pepper, first.secret_key}
    assert (tmp_path / "demo-audit-key").stat().st_mode & 0o077 == 0


def test_key_rotation_appends_one_entry_and_rewrites_none(db, settings) -> None:  # type: ignore[no-untyped-def]
    _entries(3)
    before = list(AuditEvent.objects.order_by("sequence").values_list("sequence", "hash", "mac"))
    kept = audit_verify().head
    new_key = b"the next audit key, 32 characters or more"
    event, report = audit_rotate_key(new_key=new_key)
    assert event.sequence == 4 and event.action == Action.AUDIT_KEY_ROTATED
    assert event.details == {"key": key_id(new_key), "previous_key": key_id(audit_key())}
    assert report.ok and report.rotated_at == 4 and report.head is not None and report.head.sequence == 4
    assert list(AuditEvent.objects.filter(sequence__lte=3).values_list("sequence", "hash", "mac")) == before
    # The old key no longer verifies the end; the processes move to the new key.
    assert not audit_verify().ok
    settings.TIPNET_AUDIT_KEY = new_key.decode()
    _entries(1)
    assert kept is not None and audit_verify(heads=[kept, report.head]).ok


def test_key_rotation_refuses_a_broken_chain(db) -> None:  # type: ignore[no-untyped-def]
    _entries(2)
    _triggers_off()
    _forge_append(target_id="forged")
    with pytest.raises(AuditChainBroken, match="BROKEN"):
        audit_rotate_key(new_key=b"the next audit key, 32 characters or more")
    assert not AuditEvent.objects.filter(action=Action.AUDIT_KEY_ROTATED).exists()
    with pytest.raises(AuditKeyError, match="in use"):
        audit_rotate_key(new_key=audit_key())
