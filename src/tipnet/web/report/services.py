"""The reporting line's writes: submit, follow up with a receipt, read, reply, note, triage,
grant access, forward (age-encrypted, recorded as a disclosure) and purge.

Plaintext exists only in memory: content, messages and files are sealed before they are saved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pyrage
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipnet.core import crypto
from tipnet.core.receipts import (
    ReceiptFormatError,
    receipt_keys,
    receipt_new,
    receipt_normalise,
)
from tipnet.core.screening.catalogue import default_catalogue
from tipnet.web.accounts import grants
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.keys import public_key_of
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.accounts.roles import OrganisationType
from tipnet.web.report.attachments import CleanFile
from tipnet.web.report.export import forwarding_package
from tipnet.web.report.models import (
    Channel,
    Forwarding,
    ReceiptSalt,
    ReceiverKey,
    Report,
    ReportAccess,
    ReportFile,
    ReportMessage,
    ReportNote,
)
from tipnet.web.report.notify import notify_new_report
from tipnet.web.report.once import once_token_spend


def retention_for(status: str) -> timedelta | None:
    """How long a report lives once it enters ``status`` (settings.TIPNET_RETENTION_DAYS, days by
    status; a status not listed keeps the report until its status changes). Default: closed
    reports 90 days after closing (GlobaLeaks' default)."""
    days = settings.TIPNET_RETENTION_DAYS.get(status)
    return timedelta(days=days) if days is not None else None
REMINDER_BEFORE_EXPIRY = timedelta(days=14)
MAX_TEXT = 20_000


class ReportError(Exception):
    """A user-facing failure; the message is translated. Nothing was stored."""


def now_hour() -> datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def _site_salt() -> bytes:
    row = ReceiptSalt.objects.first()
    if row is None:
        row = ReceiptSalt.objects.create(salt=crypto.new_salt())
    return bytes(row.salt)


def trustee_for_reports() -> Organisation | None:
    """The organisation that runs the reporting line (the first trustee)."""
    return Organisation.objects.filter(type=OrganisationType.TRUSTEE).order_by("pk").first()


@dataclass(frozen=True)
class ReportInput:
    what_happened: str
    how_known: str = ""
    kind: str = Report.Kind.NOT_SURE
    prefecture: str = ""
    victims: str = ""
    children: str = ""
    nationality: str = ""
    danger_now: bool = False
    language: str = "ja"
    extra: dict[str, str] = field(default_factory=dict)


def report_input_from_form(cleaned: dict[str, Any], *, language: str, extra: dict[str, str] | None = None) -> ReportInput:
    """The report form's cleaned data as a ReportInput; questions a channel hides are simply absent."""
    return ReportInput(
        what_happened=cleaned["what_happened"], how_known=cleaned.get("how_known", ""),
        kind=cleaned.get("kind") or Report.Kind.NOT_SURE, prefecture=cleaned.get("prefecture", ""),
        victims=cleaned.get("victims", ""), children=cleaned.get("children", ""),
        nationality=cleaned.get("nationality", ""), danger_now=cleaned.get("danger_now", False),
        language=language, extra=extra or {},
    )


@dataclass(frozen=True)
class Submission:
    report: Report
    receipt: str


def _seal_json(public_key: bytes, value: Any) -> bytes:
    return crypto.seal(public_key, json.dumps(value, ensure_ascii=False).encode())


def _store_files(report: Report, files: list[CleanFile], *, from_reporter: bool, names: list[str]) -> None:
    public = bytes(report.public_key)
    for clean, name in zip(files, names, strict=True):
        ReportFile.objects.create(
            report=report,
            sealed=crypto.seal(public, clean.data),
            sealed_meta=_seal_json(public, {"name": name, "type": clean.content_type, "kind": clean.kind}),
            from_reporter=from_reporter,
            created_hour=now_hour(),
        )


def channel_default() -> Channel | None:
    """The trustee's default web channel, made on first use with the default questionnaire."""
    trustee = trustee_for_reports()
    if trustee is None:
        return None
    channel = Channel.objects.filter(trustee=trustee, is_default=True).first()
    if channel is None:
        channel, _created = Channel.objects.get_or_create(
            slug="web", defaults={"trustee": trustee, "name": "Web form", "is_default": True}
        )
    return channel


def channel_get(*, slug: str | None) -> Channel | None:
    if slug is None:
        return channel_default()
    return Channel.objects.filter(slug=slug).select_related("trustee").first()


@transaction.atomic
def channel_save(*, actor: User, channel: Channel | None, slug: str, name: str, hidden_fields: list[str],
                 questions_json: str) -> Channel:
    """Create or change a channel's questionnaire (network admins); audited."""
    from django.utils.text import slugify

    from tipnet.web.report.questionnaire import (
        OPTIONAL_DEFAULTS,
        QuestionnaireError,
        parse_questions,
    )

    try:
        questions = parse_questions(questions_json)
    except QuestionnaireError as error:
        raise ReportError(str(error)) from error
    unknown = sorted(set(hidden_fields) - set(OPTIONAL_DEFAULTS))
    if unknown:
        raise ReportError(_("Only optional questions can be hidden."))
    slug = slugify(slug)[:40]
    if not slug or not name.strip():
        raise ReportError(_("A channel needs a name and an address name."))
    if Channel.objects.filter(slug=slug).exclude(pk=channel.pk if channel else None).exists():
        raise ReportError(_("Another channel already uses this address name."))
    if channel is None:
        trustee = trustee_for_reports()
        if trustee is None:
            raise ReportError(_("The reporting line is not set up yet. Please call the police on 110 if someone is in danger."))
        channel = Channel(trustee=trustee)
    channel.slug, channel.name = slug, name.strip()[:100]
    channel.hidden_fields = sorted(set(hidden_fields))
    channel.questions = [
        {"key": q.key, "type": q.type, "required": q.required, "label": q.label, "help": q.help,
         **({"choices": [{"value": v, "label": t} for v, t in q.choices]} if q.choices else {})}
        for q in questions
    ]
    channel.save()
    audit_record(actor=actor, action="report.channel_saved", organisation=channel.trustee, target_type="channel",
                 target_id=channel.pk, details={"questions": len(questions), "hidden": channel.hidden_fields})
    return channel


def report_submit(*, data: ReportInput, files: list[CleanFile], file_names: list[str], source: str = Report.Source.WEB,
                  actor: User | None = None, channel: Channel | None = None, once: str | None = None) -> Submission:
    """Encrypt and store a new report; return the receipt (shown once, never stored).

    ``once`` is the hash of the form's one-time token (report/once.py): it is spent in the same
    transaction, so a reload or a second press of *Send* raises AlreadySent and stores nothing."""
    if not data.what_happened.strip():
        raise ReportError(_("Please write what happened."))
    if len(data.what_happened) > MAX_TEXT or len(data.how_known) > MAX_TEXT:
        raise ReportError(_("The text is too long. Please shorten it to %(max)s characters.") % {"max": MAX_TEXT})
    trustee = trustee_for_reports()
    if trustee is None:
        raise ReportError(_("The reporting line is not set up yet. Please call the police on 110 if someone is in danger."))
    receipt = receipt_new()
    digits = receipt_normalise(receipt)
    lookup, reporter_key = receipt_keys(digits, site_salt=_site_salt(), pepper=settings.TIPNET_PEPPER)
    keys = crypto.report_keys_create(reporter_key=reporter_key)
    content = {
        "what_happened": data.what_happened.strip(),
        "how_known": data.how_known.strip(),
        "nationality": data.nationality.strip()[:100],
        "language": data.language,
        "extra": data.extra,
    }
    hour = now_hour()
    with transaction.atomic():
        # First, so that a second send with the same token waits here for the first and then fails.
        once_token_spend(digest=once)
        report = Report.objects.create(
            trustee=trustee, channel=channel, receipt_hash=lookup, public_key=keys.public_key,
            private_for_reporter=keys.private_for_reporter, content=_seal_json(keys.public_key, content),
            kind=data.kind, danger_now=data.danger_now, prefecture=data.prefecture, victims=data.victims,
            children=data.children, source=source, created_hour=hour, updated_hour=hour,
        )
        for user in grants.report_holders(trustee):
            public = public_key_of(user)
            assert public is not None
            sealed_private, sealed_staff = keys.sealed_for_recipient(public)
            ReportAccess.objects.create(report=report, user=user, sealed_private=sealed_private, sealed_staff_key=sealed_staff)
        _store_files(report, files, from_reporter=True, names=file_names)
        # robust: a failing notification must not turn a stored report into an error page that
        # says nothing was saved (the receipt would never be seen).
        transaction.on_commit(lambda: notify_new_report(trustee), robust=True)
        if actor is not None:
            audit_record(actor=actor, action="report.entered", organisation=trustee, target_type="report", target_id=report.pk,
                         details={"source": source})
    return Submission(report=report, receipt=receipt)


# ------------------------------------------------------------------------------- reporter side


@dataclass
class Conversation:
    """What a reporter or an operator sees, decrypted in memory."""

    report: Report
    content: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)


def _decrypt_conversation(report: Report, private_key: bytes) -> Conversation:
    content = json.loads(crypto.unseal(private_key, bytes(report.content)))
    messages = [
        {"author": m.author, "body": crypto.unseal(private_key, bytes(m.body)).decode(), "hour": m.created_hour}
        for m in report.messages.all()
    ]
    files = []
    for f in report.files.all():
        meta = json.loads(crypto.unseal(private_key, bytes(f.sealed_meta)))
        files.append({"id": f.pk, "from_reporter": f.from_reporter, **meta})
    return Conversation(report=report, content=content, messages=messages, files=files)


def report_open_with_receipt(*, receipt_text: str) -> tuple[Report, bytes]:
    """Find the report of a receipt and open its key; one message for every failure."""
    not_found = _("This receipt does not open a report. Check the digits and try again.")
    try:
        digits = receipt_normalise(receipt_text)
    except ReceiptFormatError as error:
        raise ReportError(not_found) from error
    lookup, reporter_key = receipt_keys(digits, site_salt=_site_salt(), pepper=settings.TIPNET_PEPPER)
    report = Report.objects.filter(receipt_hash=lookup).first()
    if report is None:
        raise ReportError(not_found)
    try:
        private = crypto.report_private_for_reporter(
            reporter_key=reporter_key, private_for_reporter=bytes(report.private_for_reporter)
        )
    except crypto.DecryptionError as error:
        raise ReportError(_("This report cannot be opened: its stored data is damaged. Please send a new report.")) from error
    return report, private


def reporter_conversation(*, receipt_text: str = "", opened: tuple[Report, bytes] | None = None) -> Conversation:
    """The report and its messages as the reporter sees them; ``opened`` is what
    report_open_with_receipt returned earlier in the same request (one Argon2 hash, not two)."""
    report, private = opened if opened is not None else report_open_with_receipt(receipt_text=receipt_text)
    if opened is not None:
        report = Report.objects.get(pk=report.pk)  # what was just added is read too
    try:
        return _decrypt_conversation(report, private)
    except crypto.DecryptionError as error:
        raise ReportError(_("This report cannot be opened: its stored data is damaged. Please send a new report.")) from error


def _postpone_expiry(report: Report) -> None:
    """The reporter added something: the report lives at least one full lifetime from now."""
    lifetime = retention_for(report.status)
    if report.expires_at is not None and lifetime is not None:
        report.expires_at = max(report.expires_at, timezone.now() + lifetime)


def reporter_add(*, receipt_text: str = "", message: str, files: list[CleanFile], file_names: list[str],
                 once: str | None = None, opened: tuple[Report, bytes] | None = None) -> Report:
    """The reporter answers or adds information; expiry is postponed. ``once``: the hash of the
    answer form's one-time token (AlreadySent if it was used); ``opened``: see reporter_conversation."""
    if not message.strip() and not files:
        raise ReportError(_("Please write a message or add a file."))
    if len(message) > MAX_TEXT:
        raise ReportError(_("The text is too long. Please shorten it to %(max)s characters.") % {"max": MAX_TEXT})
    report, _private = opened if opened is not None else report_open_with_receipt(receipt_text=receipt_text)
    with transaction.atomic():
        once_token_spend(digest=once)
        report = Report.objects.select_for_update().get(pk=report.pk)
        if message.strip():
            ReportMessage.objects.create(report=report, author=ReportMessage.Author.REPORTER,
                                         body=crypto.seal(bytes(report.public_key), message.strip().encode()),
                                         created_hour=now_hour())
        _store_files(report, files, from_reporter=True, names=file_names)
        report.updated_hour = now_hour()
        _postpone_expiry(report)
        report.save(update_fields=["updated_hour", "expires_at"])
    return report


# ------------------------------------------------------------------------------- operator side


class KeyUnavailable(ReportError):
    """The operator's private key is not unlocked in this session, or they have no access."""


def _operator_keys(report: Report, user: User, private_key: bytes | None) -> tuple[bytes, bytes]:
    access = ReportAccess.objects.filter(report=report, user=user).first()
    if private_key is None or access is None:
        raise KeyUnavailable(_("Your key is not unlocked, or this report was not shared with you. Sign out and sign in again, or ask a colleague with access to grant it."))
    try:
        return crypto.unseal(private_key, bytes(access.sealed_private)), crypto.unseal(private_key, bytes(access.sealed_staff_key))
    except crypto.DecryptionError as error:
        raise KeyUnavailable(_("Your key does not open this report.")) from error


def report_read(*, actor: User, report: Report, private_key: bytes | None) -> Conversation:
    """Decrypt a report for an operator; every read is audited."""
    report_private, staff_key = _operator_keys(report, actor, private_key)
    conversation = _decrypt_conversation(report, report_private)
    conversation.notes = [
        {"author": str(n.author) if n.author else "", "body": crypto.secret_decrypt(staff_key, bytes(n.body)).decode(), "at": n.created_at}
        for n in report.notes.select_related("author")
    ]
    audit_record(actor=actor, action=Action.RECORD_READ, organisation=report.trustee, target_type="report", target_id=report.pk)
    return conversation


def report_file_read(*, actor: User, report: Report, file_id: int, private_key: bytes | None) -> tuple[bytes, dict[str, Any]]:
    report_private, _staff = _operator_keys(report, actor, private_key)
    row = report.files.get(pk=file_id)
    meta = json.loads(crypto.unseal(report_private, bytes(row.sealed_meta)))
    audit_record(actor=actor, action=Action.RECORD_READ, organisation=report.trustee, target_type="report_file", target_id=row.pk)
    return crypto.unseal(report_private, bytes(row.sealed)), meta


@transaction.atomic
def report_message_to_reporter(*, actor: User, report: Report, body: str, private_key: bytes | None) -> None:
    if not body.strip():
        raise ReportError(_("Please write a message."))
    if len(body) > MAX_TEXT:
        raise ReportError(_("The text is too long. Please shorten it to %(max)s characters.") % {"max": MAX_TEXT})
    _operator_keys(report, actor, private_key)
    ReportMessage.objects.create(report=report, author=ReportMessage.Author.STAFF,
                                 body=crypto.seal(bytes(report.public_key), body.strip().encode()), created_hour=now_hour())
    audit_record(actor=actor, action="report.message_sent", organisation=report.trustee, target_type="report", target_id=report.pk)


@transaction.atomic
def report_note_add(*, actor: User, report: Report, body: str, private_key: bytes | None) -> None:
    if not body.strip():
        raise ReportError(_("Please write a note."))
    _report_private, staff_key = _operator_keys(report, actor, private_key)
    ReportNote.objects.create(report=report, author=actor, body=crypto.secret_encrypt(staff_key, body.strip()[:MAX_TEXT].encode()))
    audit_record(actor=actor, action="report.note_added", organisation=report.trustee, target_type="report", target_id=report.pk)


def unknown_indicators(indicators: list[str]) -> list[str]:
    """The ids in ``indicators`` that are not indicator ids of the screening catalogue. Triage
    indicators are stored in clear beside the sealed report, so only catalogue ids (codes, never
    words about the case) may be stored there."""
    known = default_catalogue().indicators
    return sorted({i for i in indicators if i not in known})


@transaction.atomic
def report_triage(*, actor: User, report: Report, status: str, kind: str, indicators: list[str],
                  private_key: bytes | None) -> Report:
    """Change a report's status, kind and indicators. Only an operator who holds the report's key
    may: closing schedules the report for deletion, which nobody who cannot read it may decide."""
    if status not in Report.Status.values or kind not in Report.Kind.values:
        raise ReportError(_("Choose a status and a kind from the lists."))
    unknown = unknown_indicators(indicators)
    if unknown:
        raise ReportError(_("Not indicator ids of the screening catalogue: %(ids)s. Use ids such as DR_JOB_NATURE.")
                          % {"ids": ", ".join(unknown)[:200]})
    _operator_keys(report, actor, private_key)
    changed = status != report.status
    now = timezone.now()
    report.status = status
    report.kind = kind
    report.indicators = sorted(set(indicators))[:50]
    if status == Report.Status.CLOSED and report.closed_at is None:
        report.closed_at = now
    elif status != Report.Status.CLOSED:
        report.closed_at = None
    if changed or report.expires_at is None:
        lifetime = retention_for(status)
        report.expires_at = now + lifetime if lifetime is not None else None
    report.save(update_fields=["status", "kind", "indicators", "closed_at", "expires_at"])
    audit_record(actor=actor, action="report.triaged", organisation=report.trustee, target_type="report", target_id=report.pk,
                 details={"status": status, "kind": kind})
    return report


@transaction.atomic
def report_unmapped_indicators_to_note(*, actor: User, report: Report, private_key: bytes | None) -> None:
    """Move the free-text triage words kept by migration 0004 (stored in clear) into one internal
    note, encrypted under the report's staff key, and clear them. Only an operator who holds the
    report's key may, as for any note."""
    words = [str(w) for w in report.indicators_unmapped or []]
    if not words:
        raise ReportError(_("There are no earlier indicator notes to move."))
    _report_private, staff_key = _operator_keys(report, actor, private_key)
    body = _("Indicators noted before the list (moved from the triage field): %(words)s") % {"words": ", ".join(words)}
    ReportNote.objects.create(report=report, author=actor, body=crypto.secret_encrypt(staff_key, body[:MAX_TEXT].encode()))
    report.indicators_unmapped = []
    report.save(update_fields=["indicators_unmapped"])
    audit_record(actor=actor, action="report.note_added", organisation=report.trustee, target_type="report",
                 target_id=report.pk, details={"from": "indicators_unmapped"})


@transaction.atomic
def report_grant_access(*, actor: User, report: Report, colleague: User, private_key: bytes | None) -> None:
    """A recipient with access shares the report with a new operator of the same trustee."""
    if not grants.confirmed_operators(report.trustee).filter(pk=colleague.pk).exists():
        raise ReportError(_("That person is not an operator of this reporting line."))
    public = public_key_of(colleague)
    if public is None:
        raise ReportError(_("That person has no encryption key yet (they get one when they set their password)."))
    report_private, staff_key = _operator_keys(report, actor, private_key)
    ReportAccess.objects.update_or_create(
        report=report, user=colleague,
        defaults={"sealed_private": crypto.seal(public, report_private), "sealed_staff_key": crypto.seal(public, staff_key)},
    )
    audit_record(actor=actor, action="report.access_granted", organisation=report.trustee, target_type="report",
                 target_id=report.pk, details={"to_user": colleague.pk})


def forwarding_document(conversation: Conversation) -> dict[str, Any]:
    """The forwarded record: content and the exchange, without internal ids, file names or notes."""
    report = conversation.report
    return {
        "format": "tipnet-report/1",
        "received": report.created_hour.strftime("%Y-%m-%d %H:00 %Z"),
        "kind": report.kind,
        "danger_now": report.danger_now,
        "prefecture": report.prefecture,
        "possible_victims": report.victims,
        "children": report.children,
        "indicators": report.indicators,
        "what_happened": conversation.content.get("what_happened", ""),
        "how_known": conversation.content.get("how_known", ""),
        "nationality": conversation.content.get("nationality", ""),
        "language": conversation.content.get("language", ""),
        "messages": [{"from": m["author"], "text": m["body"]} for m in conversation.messages],
        "attachments": len(conversation.files),
    }


@transaction.atomic
def report_forward(*, actor: User, report: Report, recipient: Organisation, private_key: bytes | None) -> bytes | None:
    """Encrypt the report to the receiver's age key (opens with the standard ``age`` tool) and
    record the disclosure. Returns the age file to hand over, or None when the receiver has no age
    key but is a member organisation that receives it in tipnet: then (and also when it has both)
    the same document is sealed to its organisation key, to be opened there as a case
    (``cases.from_report``)."""
    from tipnet.web.cases.from_report import forwarded_report_deliver, organisation_receives_cases

    key = ReceiverKey.objects.filter(organisation=recipient).first()
    member = organisation_receives_cases(recipient)
    if key is None and not member:
        raise ReportError(_("This organisation has no public key for receiving reports yet."))
    conversation = _decrypt_conversation(report, _operator_keys(report, actor, private_key)[0])
    document = forwarding_document(conversation)
    encrypted = None
    if key is not None:
        package = forwarding_package(document)
        try:
            encrypted = pyrage.encrypt(package, [pyrage.x25519.Recipient.from_str(key.recipient)])
        except (pyrage.RecipientError, pyrage.EncryptError, ValueError) as error:
            raise ReportError(_("The receiver's public key is not valid.")) from error
    forwarding = Forwarding.objects.create(report=report, recipient=recipient, sent_by=actor)
    delivered = forwarded_report_deliver(forwarding=forwarding, document=document) if member else None
    if key is None and delivered is None:
        raise ReportError(_("This organisation has no public key for receiving reports yet."))
    report.status = Report.Status.FORWARDED
    report.save(update_fields=["status"])
    details: dict[str, Any] = {"format": "age(zip: json, pdf)"} if key is not None else {}
    if delivered is not None:
        details["in_tipnet"] = delivered.pk
    audit_record(actor=actor, action=Action.DISCLOSURE, organisation=report.trustee, recipient=recipient,
                 target_type="report", target_id=report.pk, details=details)
    return encrypted


@transaction.atomic
def forwarding_update(*, actor: User, forwarding: Forwarding, state: str, outcome: str) -> None:
    if state not in Forwarding.State.values:
        raise ReportError(_("Choose a state from the list."))
    forwarding.state = state
    forwarding.outcome = outcome.strip()[:200]
    forwarding.save(update_fields=["state", "outcome"])
    audit_record(actor=actor, action="report.forwarding_updated", organisation=forwarding.report.trustee,
                 recipient=forwarding.recipient, target_type="report", target_id=forwarding.report_id, details={"state": state})


def reports_due_for_reminder(*, now: datetime | None = None) -> list[Report]:
    now = now or timezone.now()
    return list(Report.objects.filter(expires_at__gt=now, expires_at__lte=now + REMINDER_BEFORE_EXPIRY))


def report_purge(*, now: datetime | None = None) -> int:
    """Delete expired reports for good (content, messages, files, keys); audit entries stay."""
    now = now or timezone.now()
    count = 0
    for report in Report.objects.filter(expires_at__lte=now):
        with transaction.atomic():
            audit_record(actor=None, action="report.purged", organisation=report.trustee, target_type="report",
                         target_id=report.pk, details={"closed": report.closed_at.isoformat() if report.closed_at else None})
            report.delete()
            count += 1
    return count
