"""Writing and verifying the audit log (the chain arithmetic lives in ``tipnet.core.audit``).

Every service that reads a protected record, exports, discloses to another organisation or
changes an account calls ``audit_record`` inside its own transaction, so the audit row and the
change commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tipnet.core.audit import GENESIS, ChainEntry, ChainReport, entry_hash, verify_chain
from tipnet.web.accounts.models import AuditEvent, Organisation, User

_PG_LOCK_KEY = 7_345_001  # advisory lock id serialising appends on PostgreSQL


class Action:
    """Registered audit actions. Use these names, never free text."""

    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    LOGOUT = "logout"
    OTP_ENROLLED = "otp.enrolled"
    OTP_RESET = "otp.reset"
    RECOVERY_CODE_USED = "otp.recovery_code_used"
    RECOVERY_CODES_ISSUED = "otp.recovery_codes_issued"
    USER_INVITED = "user.invited"
    USER_ONBOARDED = "user.onboarded"
    USER_OFFBOARDED = "user.offboarded"
    ROLE_GRANTED = "role.granted"
    ROLE_REVOKED = "role.revoked"
    ORGANISATION_CREATED = "organisation.created"
    RECORD_READ = "record.read"
    EXPORT = "export"
    DISCLOSURE = "disclosure"
    BREACH_REPORTED = "breach.reported"
    AUDIT_VIEWED = "audit.viewed"
    ESTIMATE_RUN = "estimate.run"
    ESTIMATE_CANCELLED = "estimate.cancelled"
    SCREENING_SAVED = "screening.saved"
    KEY_SHARED = "key.shared"
    KEY_SHARE_REMOVED = "key.share_removed"
    ORGANISATION_KEY_CREATED = "organisation.key_created"


def _lock_chain() -> None:
    """Serialise appends. SQLite transactions here are IMMEDIATE (one writer at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def audit_record(
    *,
    actor: User | None,
    action: str,
    organisation: Organisation | None = None,
    target_type: str = "",
    target_id: str | int = "",
    recipient: Organisation | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry to the chain. Must not carry personal data in ``details``: ids only."""
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
        sequence = 1 if last is None else last.sequence + 1
        previous = GENESIS if last is None else last.hash
        event = AuditEvent(
            sequence=sequence,
            at=timezone.now().replace(microsecond=0),
            action=action,
            actor_id=actor.pk if actor is not None else None,
            actor_name=actor.get_username() if actor is not None else "",
            organisation_id=organisation.pk if organisation is not None else None,
            target_type=target_type,
            target_id=str(target_id),
            recipient_organisation_id=recipient.pk if recipient is not None else None,
            details=details or {},
            previous_hash=previous,
        )
        event.hash = entry_hash(previous, event.chain_content())
        event.save()
        return event


def _entries() -> Iterator[ChainEntry]:
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        # Re-read through the database's own types so a tampered value shows as a mismatch.
        yield ChainEntry(event.sequence, event.chain_content(), event.previous_hash, event.hash)


def audit_verify() -> ChainReport:
    """Walk the whole chain from the start."""
    return verify_chain(_entries())
