"""The person's rights under APPI (issue 12): retention, erasure, the export for a disclosure
request, and who read or received the record.

- **Retention.** Each organisation keeps a closed case for ``RetentionPolicy.years`` after it was
  closed (``DEFAULT_RETENTION_YEARS`` without a setting); `tipnet cases retention` erases what is
  past it.
- **Erasure** (on request, by a case supervisor of the owning organisation, or by retention) removes
  everything said about the person: the sealed content, the timeline, the tasks, the documents,
  the blind-index tokens, the attached screenings. Referrals that are still open are revoked (their
  copy sealed to the receiver erased), rejected ones lose their copy too. What stays is the
  tombstone (the ``Case`` row with its neutral reference, opening and closing dates and status
  ``erased``, and a ``CaseErasure`` row: when, why, by whom), the consents (purposes and dates) and
  the records of provision: disclosures, referrals (who, when, which sections, no content) and the
  exports given to the person. APPI art. 29/30 records outlive the data they describe.
- **Export**: everything held about one person as JSON or a printable page; recorded as a
  disclosure to the person themself (``SubjectAccess``) and audited (``export``).
- **Who read or received**: reads of the case, its documents and its referrals from the audit log,
  exports, and every receiving organisation.

Each write is one transaction with its audit row. Nothing here logs or audits content.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import AuditEvent, Organisation, User
from tipnet.web.cases import messages
from tipnet.web.cases.access import SECTIONS, is_case_supervisor
from tipnet.web.cases.documents import documents_list
from tipnet.web.cases.models import (
    Case,
    CaseEvent,
    CaseScreening,
    CaseTask,
    CaseToken,
    Referral,
)
from tipnet.web.cases.models_rights import (
    DEFAULT_RETENTION_YEARS,
    MAX_RETENTION_YEARS,
    CaseDocument,
    CaseErasure,
    RetentionPolicy,
    SubjectAccess,
)
from tipnet.web.cases.sealing import ContentError, content_open, content_seal
from tipnet.web.cases.services import (
    CaseError,
    _add_event,
    _complete,
    _open,
    _public_key,
    case_lock_writable,
    case_timeline,
    organisation_private,
    task_titles,
)
from tipnet.web.screening.models import ScreeningRecord

MIN_REASON = 10
RETAINED_STATUSES = (Case.Status.CLOSED, Case.Status.CLOSED_REFERRED)


#: A referral the receiver has finished with: its copy follows the receiver's retention period.
FINISHED_REFERRAL_STATES = ("completed", "rejected")


def _today() -> datetime.date:
    return timezone.localdate()


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# -------------------------------------------------------------------------------------- retention


def retention_years(*, organisation: Organisation) -> int:
    policy = RetentionPolicy.objects.filter(organisation=organisation).first()
    return policy.years if policy is not None else DEFAULT_RETENTION_YEARS


@transaction.atomic
def retention_set(*, actor: User, organisation: Organisation, years: int) -> RetentionPolicy:
    """Set how many years after closure the organisation keeps a closed case. Audited."""
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= MAX_RETENTION_YEARS:
        raise CaseError(_("The retention period is a whole number of years from 1 to %(max)s.")
                        % {"max": MAX_RETENTION_YEARS})
    policy, _created = RetentionPolicy.objects.update_or_create(
        organisation=organisation, defaults={"years": years, "updated_by": actor})
    audit_record(actor=actor, action=Action.CASE_RETENTION_SET, organisation=organisation,
                 target_type="organisation", target_id=organisation.pk, details={"years": years})
    return policy


@dataclass(frozen=True)
class RetentionDue:
    case: Case
    years: int


def retention_due(*, today: datetime.date | None = None, organisation: Organisation | None = None) -> list[RetentionDue]:
    """Closed cases whose organisation's retention period has ended (closed on or before
    ``today`` minus the period), oldest closure first. Active and follow-up cases never are."""
    today = today or _today()
    organisations = [organisation] if organisation is not None else list(
        Organisation.objects.filter(cases__status__in=RETAINED_STATUSES).distinct())
    policies = dict(RetentionPolicy.objects.values_list("organisation_id", "years"))
    due: list[RetentionDue] = []
    for org in organisations:
        years = policies.get(org.pk, DEFAULT_RETENTION_YEARS)
        cases = (Case.objects.filter(organisation=org, status__in=RETAINED_STATUSES,
                                     closed_on__lte=_years_before(today, years))
                 .select_related("organisation").defer("sealed_key", "ciphertext").order_by("closed_on", "pk"))
        due.extend(RetentionDue(case, years) for case in cases)
    return due


def retention_run(*, today: datetime.date | None = None, organisation: Organisation | None = None,
                  dry_run: bool = False) -> list[RetentionDue]:
    """Erase every case past retention (each in its own transaction, audited with no actor: the
    server did it), then the copies of referrals received past the receiver's own period
    (`received_copies_run`). With ``dry_run`` nothing changes and nothing is audited."""
    due = retention_due(today=today, organisation=organisation)
    if not dry_run:
        for item in due:
            case_erase(actor=None, case=item.case, cause=CaseErasure.Cause.RETENTION, years=item.years, today=today)
    return due


def received_copies_due(*, today: datetime.date | None = None,
                        organisation: Organisation | None = None) -> list[Referral]:
    """Copies of referrals that an organisation received and finished with (completed or rejected)
    longer ago than its own retention period: the receiving organisation holds that copy as a
    handling operator of its own, so its own period applies to it (APPI art. 22: erase what is no
    longer needed), whatever the sender keeps. The referral row stays, as a record of provision."""
    today = today or _today()
    receivers = [organisation] if organisation is not None else list(Organisation.objects.filter(
        pk__in=Referral.objects.filter(state__in=FINISHED_REFERRAL_STATES).exclude(ciphertext=b"").values("receiver")))
    policies = dict(RetentionPolicy.objects.values_list("organisation_id", "years"))
    due: list[Referral] = []
    for receiver in receivers:
        cutoff = _years_before(today, policies.get(receiver.pk, DEFAULT_RETENTION_YEARS))
        due.extend(Referral.objects.filter(receiver=receiver, state__in=FINISHED_REFERRAL_STATES,
                                           decided_at__date__lte=cutoff)
                   .exclude(ciphertext=b"").select_related("receiver", "sender").order_by("decided_at", "pk"))
    return due


def received_copies_run(*, today: datetime.date | None = None, organisation: Organisation | None = None,
                        dry_run: bool = False) -> list[Referral]:
    """Erase the received copies past retention (`received_copies_due`), each audited with no actor."""
    due = received_copies_due(today=today, organisation=organisation)
    if not dry_run:
        for referral in due:
            with transaction.atomic():
                Referral.objects.filter(pk=referral.pk).update(sealed_key=b"", ciphertext=b"")
                audit_record(actor=None, action=Action.CASE_ERASED, organisation=referral.receiver,
                             target_type="referral", target_id=referral.pk,
                             details={"cause": CaseErasure.Cause.RETENTION, "copy": "received",
                                      "state": referral.state})
    return due


# ---------------------------------------------------------------------------------------- erasure


@dataclass(frozen=True)
class ErasureCounts:
    events: int
    tasks: int
    documents: int
    screenings: int
    referrals_revoked: list[int]


def _erase_referrals(*, actor: User | None, case: Case) -> list[int]:
    """Revoke the case's referrals that are still open (proposed; an accepted referral, not an
    accepted transfer, whose case the receiver now keeps as its own) and erase the copies sealed to
    the receivers, rejected ones included. Completed referrals and accepted transfers keep the
    receiver's copy: the receiver is a handling operator of its own and answers its own requests."""
    revoked = []
    now = timezone.now()
    for referral in Referral.objects.select_for_update().filter(case=case).select_related("receiver", "sender"):
        open_referral = referral.state == Referral.State.PROPOSED or (
            referral.state == Referral.State.ACCEPTED and referral.kind == Referral.Kind.REFERRAL)
        if open_referral:
            referral.state = Referral.State.REVOKED
            referral.decided_by = actor
            referral.decided_at = now
            referral.sealed_key, referral.ciphertext = b"", b""
            referral.save(update_fields=["state", "decided_by", "decided_at", "sealed_key", "ciphertext"])
            audit_record(actor=actor, action=Action.REFERRAL_REVOKED, organisation=referral.sender,
                         target_type="referral", target_id=referral.pk, recipient=referral.receiver,
                         details={"case": case.pk, "erasure": True})
            revoked.append(referral.pk)
        elif referral.state == Referral.State.REJECTED and bytes(referral.ciphertext):
            referral.sealed_key, referral.ciphertext = b"", b""
            referral.save(update_fields=["sealed_key", "ciphertext"])
    # A case that came here by transfer: the copy the sender sealed to this organisation is this
    # case's content too, and goes with it (the sender keeps its own records of the transfer).
    Referral.objects.filter(transferred_case=case, receiver=case.organisation).update(sealed_key=b"", ciphertext=b"")
    return revoked


@transaction.atomic
def case_erase(*, actor: User | None, case: Case, cause: str, reason: str = "", years: int | None = None,
               today: datetime.date | None = None) -> CaseErasure:
    """Erase the case's content and everything hanging on it, keep the tombstone and the records of
    provision (module docstring). The caller checked who may do it; ``case_erase_on_request`` is
    the manager's path, ``retention_run`` the server's."""
    if cause not in CaseErasure.Cause.values:
        raise CaseError(_("Unknown reason for the erasure."))
    today = today or _today()
    locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    if locked.status == Case.Status.ERASED:
        raise CaseError(_("This case is already erased."))
    revoked = _erase_referrals(actor=actor, case=locked)
    screening_ids = list(CaseScreening.objects.filter(case=locked).values_list("screening_id", flat=True))
    # A screening attached to another case too (a person opened twice, a transfer) stays for that case.
    shared = set(CaseScreening.objects.filter(screening_id__in=screening_ids).exclude(case=locked)
                 .values_list("screening_id", flat=True))
    counts = ErasureCounts(
        events=CaseEvent.objects.filter(case=locked).delete()[0],
        tasks=CaseTask.objects.filter(case=locked).delete()[0],
        documents=CaseDocument.objects.filter(case=locked).delete()[0],
        screenings=0,
        referrals_revoked=revoked,
    )
    CaseToken.objects.filter(case=locked).delete()
    CaseScreening.objects.filter(case=locked).delete()
    erased_screenings = ScreeningRecord.objects.filter(
        pk__in=set(screening_ids) - shared, organisation=locked.organisation).delete()[0]
    locked.sealed_key, locked.ciphertext = b"", b""
    locked.status = Case.Status.ERASED
    locked.closed_on = locked.closed_on or today
    locked.version += 1
    locked.save(update_fields=["sealed_key", "ciphertext", "status", "closed_on", "version", "updated_at"])
    erasure = CaseErasure(case=locked, erased_on=today, cause=cause, retention_years=years, erased_by=actor)
    if reason:
        erasure.sealed_key, erasure.ciphertext = content_seal(
            public_key=_public_key(locked.organisation), content={"reason": reason})
    erasure.save()
    audit_record(actor=actor, action=Action.CASE_ERASED, organisation=locked.organisation, target_type="case",
                 target_id=locked.pk, details={
                     "cause": cause, "years": years, "events": counts.events, "tasks": counts.tasks,
                     "documents": counts.documents, "screenings": erased_screenings,
                     "referrals_revoked": counts.referrals_revoked})
    return erasure


def case_erase_on_request(*, actor: User, case: Case, reason: str, confirmation: str, code: str) -> CaseErasure:
    """The person asked for erasure (APPI art. 35). A case supervisor of the owning organisation
    gives the reason, types the case's reference and a fresh code from her authenticator app (an
    unattended signed-in browser is not enough). Any missing piece refuses, changing nothing."""
    from tipnet.web.accounts.services import AccountError, user_verify_second_factor

    if not is_case_supervisor(user=actor, organisation=case.organisation):
        raise CaseError(_("Only a case supervisor of this organisation can erase a case."))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise CaseError(_("Give the reason for the erasure (for example: the person asked in writing on 3 May)."))
    if len(reason) > 2000:
        raise CaseError(_("A text is longer than %(max)s characters.") % {"max": 2000})
    if (confirmation or "").strip().upper() != case.reference.upper():
        raise CaseError(_("Type the case reference %(reference)s to confirm the erasure.") % {"reference": case.reference})
    code = "".join((code or "").split())
    if not code.isdigit() or not 6 <= len(code) <= 8:
        raise CaseError(_("Enter the 6-digit code from your authenticator app."))
    try:
        user_verify_second_factor(user=actor, code=code)  # commits its own throttle counters
    except AccountError as failure:
        raise CaseError(str(failure)) from failure
    return case_erase(actor=actor, case=case, cause=CaseErasure.Cause.REQUEST, reason=reason)


@dataclass(frozen=True)
class Tombstone:
    case: Case
    erasure: CaseErasure
    reason: str


def tombstones(*, organisations: list[Organisation], user: User, private_key: bytes | None) -> list[Tombstone]:
    """The erased cases of ``organisations``, newest erasure first, with the manager's reason when
    the reader's key is unlocked (it is sealed: it may name the person)."""
    from tipnet.web.accounts import orgkeys

    erasures = (CaseErasure.objects.filter(case__organisation__in=organisations)
                .select_related("case", "case__organisation", "erased_by").order_by("-erased_at", "-pk")[:500])
    keys: dict[int, bytes | None] = {}
    result = []
    for erasure in erasures:
        org = erasure.case.organisation
        if org.pk not in keys:
            keys[org.pk] = orgkeys.organisation_private_key(user=user, private_key=private_key, organisation=org)
        reason = ""
        if keys[org.pk] is not None and bytes(erasure.ciphertext):
            try:
                reason = str(content_open(private_key=keys[org.pk], sealed_key=bytes(erasure.sealed_key),
                                          ciphertext=bytes(erasure.ciphertext)).get("reason", ""))
            except ContentError:
                reason = ""
        result.append(Tombstone(erasure.case, erasure, reason))
    return result


# ----------------------------------------------------------------------------------------- export


def _date(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def subject_access_export(*, actor: User, case: Case, private_key: bytes | None, format: str) -> dict[str, Any]:
    """Everything held about the person of ``case``, for their disclosure request (APPI art. 33):
    the case content (every section), the timeline, the tasks, the consents, the referrals and
    disclosures (to whom, when, what), earlier exports and the list of documents (the files
    themselves are handed over by downloading each one). Recorded as a disclosure to the person
    (``SubjectAccess``, a timeline entry) and audited (``export``)."""
    if format not in SubjectAccess.Format.values:
        raise CaseError(_("Choose JSON or the printable page."))
    org_private = organisation_private(user=actor, private_key=private_key, organisation=case.organisation)
    content = _complete(_open(case, org_private))
    timeline = case_timeline(actor=actor, case=case, private_key=private_key)
    tasks = list(case.tasks.select_related("case__organisation", "assignee"))
    titles = task_titles(user=actor, private_key=private_key, tasks=tasks)
    documents, _hidden = documents_list(user=actor, case=case, private_key=private_key)
    data: dict[str, Any] = {
        "format": "tipnet subject access export 1",
        "organisation": case.organisation.name,
        "generated_on": _date(_today()),
        "case": {"reference": case.reference, "status": case.status, "opened_on": _date(case.opened_on),
                 "closed_on": _date(case.closed_on)},
        "sections": {section: content[section] for section in SECTIONS},
        "timeline": [{"date": _date(e.occurred_on), "kind": e.kind, "text": text,
                      "by": str(e.created_by) if e.created_by else None} for e, text in timeline],
        "tasks": [{"title": titles.get(t.pk, ""), "due_on": _date(t.due_on), "done_on": _date(t.done_on),
                   "assigned_to": str(t.assignee)} for t in tasks],
        "consents": [{"purpose": c.purpose, "recipient": c.recipient.name if c.recipient else None,
                      "given_on": _date(c.given_on), "withdrawn_on": _date(c.withdrawn_on)}
                     for c in case.consents.select_related("recipient")],
        "referrals": [{"receiver": r.receiver.name, "kind": r.kind, "state": r.state, "sections": list(r.sections),
                       "proposed_on": _date(r.created_at.date()),
                       "decided_on": _date(r.decided_at.date()) if r.decided_at else None}
                      for r in case.referrals.select_related("receiver").order_by("created_at", "pk")],
        "disclosures": [{"recipient": d.recipient.name, "purpose": d.purpose, "disclosed_on": _date(d.disclosed_on),
                         "consent_overridden": d.overridden}
                        for d in case.disclosures.select_related("recipient").order_by("disclosed_on", "pk")],
        "exports_to_the_person": [{"made_on": _date(s.made_on), "format": s.format}
                                  for s in case.subject_accesses.order_by("made_at", "pk")],
        "documents": [{"title": d.title, "section": d.document.section, "type": d.content_type, "size": d.size,
                       "added_on": _date(d.document.added_at.date())} for d in documents],
    }
    _record_subject_access(actor=actor, case=case, format=format)
    return data


@transaction.atomic
def _record_subject_access(*, actor: User, case: Case, format: str) -> SubjectAccess:
    """Refused if the case was erased since its content was read: the export is not handed out."""
    case_lock_writable(case_id=case.pk)
    access = SubjectAccess.objects.create(case=case, made_on=_today(), made_by=actor, format=format)
    _add_event(actor=actor, case=case, public_key=_public_key(case.organisation), kind=CaseEvent.Kind.DISCLOSURE,
               occurred_on=access.made_on, text="", message=messages.subject_export())
    audit_record(actor=actor, action=Action.EXPORT, organisation=case.organisation, target_type="case",
                 target_id=case.pk, details={"to": "data_subject", "subject_access": access.pk, "format": format})
    return access


# ----------------------------------------------------------------------------- who read, received


@dataclass(frozen=True)
class ReadEntry:
    at: datetime.datetime
    who: str
    organisation: str
    what: str


@dataclass(frozen=True)
class Receiver:
    on: datetime.date
    organisation: str
    what: str
    state: str


def _read_label(event: AuditEvent) -> str:
    details = event.details or {}
    if event.action == Action.EXPORT:
        return str(_("Export given to the person")) if details.get("to") == "data_subject" else str(_("Export"))
    if event.target_type == "referral":
        return str(_("Read the referral (sections: %(sections)s)") % {"sections": ", ".join(details.get("sections", []))})
    if "document" in details:
        return str(_("Opened a document (%(section)s)") % {"section": details.get("section", "")})
    if details.get("purpose") == "duplicate_check":
        return str(_("Shown as a possible duplicate at intake"))
    return str(_("Opened the case (sections: %(sections)s)") % {"sections": ", ".join(details.get("sections", []))})


def who_read(*, case: Case) -> list[ReadEntry]:
    """Every read of the case, its documents and its referrals, and every export, from the audit
    log (newest first): date, who, which organisation, what."""
    referral_ids = [str(pk) for pk in case.referrals.values_list("pk", flat=True)]
    events = (AuditEvent.objects.filter(
        Q(target_type="case", target_id=str(case.pk), action__in=[Action.RECORD_READ, Action.EXPORT])
        | Q(target_type="referral", target_id__in=referral_ids, action=Action.RECORD_READ))
        .order_by("-sequence"))
    names = dict(Organisation.objects.values_list("pk", "name"))
    return [ReadEntry(at=e.at, who=e.actor_name or str(_("the server")), organisation=names.get(e.organisation_id, ""),
                      what=_read_label(e)) for e in events]


def who_received(*, case: Case) -> list[Receiver]:
    """Every organisation (and the person) that received data of the case: disclosures (referrals
    included, with their state) and exports to the person; oldest first."""
    rows: list[Receiver] = []
    referral_state = {r.disclosure_id: r for r in case.referrals.all()}
    for d in case.disclosures.select_related("recipient").order_by("disclosed_on", "pk"):
        referral = referral_state.get(d.pk)
        what = str(d.get_purpose_display())
        if d.overridden:
            what = _("%(what)s (consent overridden)") % {"what": what}
        rows.append(Receiver(on=d.disclosed_on, organisation=d.recipient.name, what=str(what),
                             state=str(referral.get_state_display()) if referral else ""))
    for s in case.subject_accesses.order_by("made_at", "pk"):
        rows.append(Receiver(on=s.made_on, organisation=str(_("The person themself")),
                             what=str(_("Export (%(format)s)") % {"format": s.get_format_display()}), state=""))
    rows.sort(key=lambda r: r.on)
    return rows


def who_read_viewed(*, actor: User, case: Case) -> None:
    """Looking at the list is itself audited (it shows no content)."""
    audit_record(actor=actor, action=Action.AUDIT_VIEWED, organisation=case.organisation, target_type="case",
                 target_id=case.pk, details={"view": "who_read"})
