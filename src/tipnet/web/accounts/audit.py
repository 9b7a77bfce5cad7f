"""Writing and verifying the audit log (the chain arithmetic lives in ``tipnet.core.audit``).

Every service that reads a protected record, exports, discloses to another organisation or
changes an account calls ``audit_record`` inside its own transaction, so the audit row and the
change commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tipnet.core.audit import (
    GENESIS,
    ROTATION_ACTION,
    ChainEntry,
    ChainReport,
    Head,
    entry_hash,
    entry_mac,
    key_id,
    verify_chain,
)
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
    MEMBERSHIP_CONFIRMED = "membership.confirmed"
    MEMBERSHIP_DECLINED = "membership.declined"
    ORGANISATION_CREATED = "organisation.created"
    RECORD_READ = "record.read"
    EXPORT = "export"
    DISCLOSURE = "disclosure"
    CASES_IMPORTED = "cases.imported"
    BREACH_REPORTED = "breach.reported"
    AUDIT_VIEWED = "audit.viewed"
    ESTIMATE_RUN = "estimate.run"
    ESTIMATE_CANCELLED = "estimate.cancelled"
    SCREENING_SAVED = "screening.saved"
    CASE_OPENED = "case.opened"
    CASE_UPDATED = "case.updated"
    CASE_EVENT_ADDED = "case.event_added"
    CASE_TASK_ADDED = "case.task_added"
    CASE_TASK_DONE = "case.task_done"
    CASE_SCREENING_LINKED = "case.screening_linked"
    CASE_DOCUMENT_ADDED = "case.document_added"
    CASE_DOCUMENT_REMOVED = "case.document_removed"
    CASE_ERASED = "case.erased"
    CASE_RETENTION_SET = "case.retention_set"
    CONSENT_RECORDED = "consent.recorded"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    CONSENT_OVERRIDDEN = "consent.overridden"
    REFERRAL_PROPOSED = "referral.proposed"
    REFERRAL_ACCEPTED = "referral.accepted"
    REFERRAL_REJECTED = "referral.rejected"
    REFERRAL_COMPLETED = "referral.completed"
    REFERRAL_REVOKED = "referral.revoked"
    KEY_SHARED = "key.shared"
    KEY_SHARE_REMOVED = "key.share_removed"
    ORGANISATION_KEY_CREATED = "organisation.key_created"
    AUDIT_KEY_ROTATED = ROTATION_ACTION
    TRAINING_COHORT_CREATED = "training.cohort_created"
    TRAINING_INVITES_CREATED = "training.invites_created"
    TRAINING_JOINED = "training.joined"
    TRAINING_ATTEMPT_SCORED = "training.attempt_scored"
    TRAINING_CERTIFICATE = "training.certificate"
    TRAINING_CASES_CHECKED = "training.cases_checked"
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REVOKED = "api_token.revoked"


def audit_key() -> bytes:
    """The key that MACs the chain: TIPNET_AUDIT_KEY, never stored in the database or a backup."""
    return settings.TIPNET_AUDIT_KEY.encode()


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
        return _append(
            key=audit_key(),
            action=action,
            actor=actor,
            organisation=organisation,
            target_type=target_type,
            target_id=target_id,
            recipient=recipient,
            details=details,
        )


def _append(
    *,
    key: bytes,
    action: str,
    actor: User | None = None,
    organisation: Organisation | None = None,
    target_type: str = "",
    target_id: str | int = "",
    recipient: Organisation | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write the next entry, hashed and MACed under ``key``. The caller holds the chain lock."""
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash", "mac").first()
    sequence = 1 if last is None else last.sequence + 1
    previous = GENESIS if last is None else last.hash
    # A previous row without a MAC is already reported by verification; chain on from "".
    previous_mac = GENESIS if last is None else (last.mac or "")
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
    content = event.chain_content()
    event.hash = entry_hash(previous, content)
    event.mac = entry_mac(key, previous_mac, event.hash, content)
    event.save()
    return event


class AuditKeyError(Exception):
    """The chain cannot be re-keyed (the new key is unfit); nothing written."""


class AuditChainBroken(AuditKeyError):
    """The chain does not verify with the current key, so it is not re-keyed; nothing written."""

    def __init__(self, report: ChainReport) -> None:
        super().__init__(report.summary())
        self.report = report


def audit_rotate_key(*, new_key: bytes) -> tuple[AuditEvent, ChainReport]:
    """Move the chain to ``new_key`` without rewriting a single entry.

    Under the chain lock: verify the whole chain with the current key (a broken chain is never
    blessed with a new key), then append a rotation entry MACed under the new key that names
    both keys by their ids. From then on every process must run with the new key; entries before
    the rotation stay as they are and are checked through the hash the new MACs cover.
    """
    old_key = audit_key()
    if new_key == old_key:
        raise AuditKeyError("the new key is the key in use")
    with transaction.atomic():
        _lock_chain()
        report = audit_verify()
        if not report.ok:
            raise AuditChainBroken(report)
        event = _append(
            key=new_key,
            action=Action.AUDIT_KEY_ROTATED,
            details={"key": key_id(new_key), "previous_key": key_id(old_key)},
        )
    return event, audit_verify(key=new_key)


def _entries() -> Iterator[ChainEntry]:
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        # Re-read through the database's own types so a tampered value shows as a mismatch.
        content = event.chain_content()
        yield ChainEntry(event.sequence, content, event.previous_hash, event.hash, event.mac, content["at"])


def audit_verify(*, heads: Sequence[Head] = (), key: bytes | None = None) -> ChainReport:
    """Walk the whole chain from the start, checking every MAC with the audit key (or ``key``,
    for a restore that has just put the backed-up demo key in place) and every kept head.
    A verified report's ``head`` is what the operator keeps outside the database."""
    return verify_chain(_entries(), key=audit_key() if key is None else key, heads=heads)
