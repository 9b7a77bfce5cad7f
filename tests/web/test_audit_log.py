"""The audit log in the database: append-only, hash-chained, kept after the record is gone."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from tipnet.web.accounts.audit import Action, audit_record, audit_verify
from tipnet.web.accounts.models import AuditEvent, Organisation


def test_chain_over_real_rows_verifies(staff) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        audit_record(actor=staff["caseworker"], action=Action.RECORD_READ, target_type="case", target_id=7)
    report = audit_verify()
    assert report.ok and report.checked >= 5


def test_model_refuses_update_and_delete(db) -> None:  # type: ignore[no-untyped-def]
    event = audit_record(actor=None, action=Action.EXPORT)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_database_refuses_raw_update(db) -> None:  # type: ignore[no-untyped-def]
    audit_record(actor=None, action=Action.EXPORT)
    with pytest.raises(Exception, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_auditevent SET action = 'hidden'")
    with pytest.raises(Exception, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_auditevent")


def test_disclosure_record_outlives_the_organisation(db) -> None:  # type: ignore[no-untyped-def]
    sender = Organisation.objects.create(name="Sender", type="ngo")
    receiver = Organisation.objects.create(name="Receiver", type="law_enforcement")
    audit_record(actor=None, action=Action.DISCLOSURE, organisation=sender, recipient=receiver, target_type="report", target_id="r-1")
    receiver_id = receiver.pk
    receiver.delete()
    event = AuditEvent.objects.get(action=Action.DISCLOSURE)
    assert event.recipient_organisation_id == receiver_id
    assert audit_verify().ok


def test_tampering_is_detected(needs_postgres) -> None:  # type: ignore[no-untyped-def]
    """An attacker with database rights disables the trigger and edits a row: verify finds it."""
    for index in range(3):
        audit_record(actor=None, action=Action.RECORD_READ, target_id=index)
    with needs_postgres.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER tipnet_audit_no_update")
        cursor.execute("UPDATE accounts_auditevent SET target_id = '99' WHERE sequence = 2")
        cursor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER tipnet_audit_no_update")
    report = audit_verify()
    assert not report.ok and report.first_bad_sequence == 2
