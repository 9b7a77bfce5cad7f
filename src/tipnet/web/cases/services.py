"""Writes and decrypting reads of cases. One transaction each, the audit row written here.

Writing needs only the organisation's public key, except where the existing content must be read
first (an edit keeps the sections the editor may not see; intake computes blind-index tokens under
a secret derived from the organisation's private key). Reading needs the reader's share of the
organisation's key, opened with the private key their sign-in left in the session.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipnet.web.accounts import orgkeys
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.accounts.roles import OrganisationType
from tipnet.web.cases import messages
from tipnet.web.cases.access import (
    SECTIONS,
    case_organisations,
    is_case_supervisor,
    may_override_consent,
    referral_side,
    visible_sections,
)
from tipnet.web.cases.duplicates import PossibleDuplicate, case_tokens_store, possible_duplicates
from tipnet.web.cases.models import (
    Case,
    CaseEvent,
    CaseScreening,
    CaseTask,
    Consent,
    Disclosure,
    Referral,
)
from tipnet.web.cases.sealing import ContentError, content_open, content_seal
from tipnet.web.cases.selectors import tasks_due
from tipnet.web.screening.models import ScreeningRecord
from tipnet.web.screening.services import screening_locked_message

INFORMED_CONSENT = (
    Consent.Purpose.INTERVIEW, Consent.Purpose.PURPOSE_TOLD, Consent.Purpose.DATA_USE_TOLD,
    Consent.Purpose.RESEARCH_TOLD, Consent.Purpose.ACCESS_RIGHT_TOLD, Consent.Purpose.STORAGE_TOLD,
    Consent.Purpose.WITHDRAWAL_TOLD,
)
SHARING = (Consent.Purpose.REFERRAL, Consent.Purpose.POLICE, Consent.Purpose.IMMIGRATION,
           Consent.Purpose.LABOUR_INSPECTION, Consent.Purpose.RESEARCH)
# A disclosure to an authority goes to an organisation of the matching type, under the person's
# consent for that authority (docs/cases.md, "Authorities").
AUTHORITY_TYPES: dict[str, frozenset[str]] = {
    Consent.Purpose.POLICE: frozenset({OrganisationType.LAW_ENFORCEMENT}),
    Consent.Purpose.IMMIGRATION: frozenset({OrganisationType.IMMIGRATION}),
    Consent.Purpose.LABOUR_INSPECTION: frozenset({OrganisationType.LABOUR_INSPECTION}),
}
MAX_TEXT = 4000


class CaseError(Exception):
    """A refused case action; the message is translated and says what to do. Nothing was changed."""


class CaseLocked(CaseError):
    """The reader cannot open the organisation's records in this session."""


class CaseUnreadable(CaseError):
    """The stored content cannot be decrypted (changed bytes, or a key that no longer exists)."""


class CaseConflict(CaseError):
    """Someone changed the case since the editor opened it (optimistic locking)."""


class ConsentRefused(CaseError):
    """The action needs a consent the person has not given (or withdrew), and no allowed override."""


class CaseErased(CaseError):
    """The case was erased (the person's data removed) after the page was loaded: nothing is written."""


def case_erased_message() -> str:
    return _("This case was erased: the person's data was removed, and nothing more can be added to it. "
             "Nothing was saved.")


def case_lock_writable(*, case_id: int) -> Case:
    """Lock the case row until the end of the caller's transaction, and refuse if it is erased.

    Every write to a case calls this first, inside its transaction: the page (or the API client)
    read the case before, and an erasure (``rights.case_erase``, which locks the same row) may have
    committed since; writing then would put personal data back onto the tombstone. On PostgreSQL
    the row lock orders this write and an erasure; on SQLite the IMMEDIATE transactions
    (settings.DATABASES) serialise all writers, so the read here sees any committed erasure."""
    locked = Case.objects.select_for_update().filter(pk=case_id).first()
    if locked is None or locked.status == Case.Status.ERASED:
        raise CaseErased(case_erased_message())
    return locked


def case_locked_message() -> str:
    """The same words as for saved screenings: the same organisation key is missing."""
    return screening_locked_message()


def _today() -> datetime.date:
    return timezone.localdate()


def _public_key(organisation: Organisation) -> bytes:
    org_key = orgkeys.organisation_key_ensure(organisation=organisation)
    if org_key is None:
        raise CaseLocked(_(
            "Nothing can be saved yet: nobody in your organisation has an encryption key. "
            "Ask your organisation's admin."
        ))
    return bytes(org_key.public_key)


def organisation_private(*, user: User, private_key: bytes | None, organisation: Organisation) -> bytes:
    org_private = orgkeys.organisation_private_key(user=user, private_key=private_key, organisation=organisation)
    if org_private is None:
        raise CaseLocked(case_locked_message())
    return org_private


class OrganisationKeys:
    """The organisation keys one reader opens while one page is built: each key share is fetched
    and unsealed once, however many parts of the page decrypt (the case, its timeline, its tasks,
    its documents). Made per request and dropped with it, so a share revoked since is never used
    from here."""

    def __init__(self, *, user: User, private_key: bytes | None) -> None:
        self.user = user
        self.private_key = private_key
        self._opened: dict[int, bytes | None] = {}

    def private(self, organisation: Organisation) -> bytes | None:
        """Like ``orgkeys.organisation_private_key``: None without a share or an unlocked key."""
        if organisation.pk not in self._opened:
            self._opened[organisation.pk] = orgkeys.organisation_private_key(
                user=self.user, private_key=self.private_key, organisation=organisation)
        return self._opened[organisation.pk]

    def required(self, organisation: Organisation) -> bytes:
        org_private = self.private(organisation)
        if org_private is None:
            raise CaseLocked(case_locked_message())
        return org_private


def _keys(keys: OrganisationKeys | None, user: User, private_key: bytes | None) -> OrganisationKeys:
    return keys if keys is not None else OrganisationKeys(user=user, private_key=private_key)


def _open(row: Case | CaseEvent | CaseTask, org_private: bytes) -> dict[str, Any]:
    try:
        return content_open(private_key=org_private, sealed_key=bytes(row.sealed_key), ciphertext=bytes(row.ciphertext))
    except ContentError as error:
        raise CaseUnreadable(_(
            "This case cannot be decrypted: its stored data was changed or damaged. "
            "Nothing of it is shown. Tell your organisation's admin."
        )) from error


def _seal_into(row: Case | CaseEvent | CaseTask, public_key: bytes, content: dict[str, Any]) -> None:
    row.sealed_key, row.ciphertext = content_seal(public_key=public_key, content=content)


def _text(value: str) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise CaseError(_("A text is longer than %(max)s characters.") % {"max": MAX_TEXT})
    return text


def empty_content() -> dict[str, dict[str, Any]]:
    return {section: {} for section in SECTIONS}


# ------------------------------------------------------------------------------------------ cases


def _next_reference(organisation: Organisation, year: int) -> str:
    """C-<year>-<6 digits>, numbered per organisation and year; the caller holds the organisation lock."""
    prefix = f"C-{year}-"
    last = (Case.objects.filter(organisation=organisation, reference__startswith=prefix)
            .order_by("-reference").values_list("reference", flat=True).first())
    number = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{number:06d}"


def _add_event(*, actor: User, case: Case, public_key: bytes, kind: str, occurred_on: datetime.date,
               text: str, message: dict[str, Any] | None = None) -> CaseEvent:
    """A timeline entry sealed to ``public_key``. Texts tipnet writes itself also carry their
    ``message`` (cases.messages), shown in each reader's language."""
    event = CaseEvent(case=case, kind=kind, occurred_on=occurred_on, created_by=actor)
    content: dict[str, Any] = {"text": text}
    if message is not None:
        content["message"] = message
        content["text"] = messages.words(message) or text
    _seal_into(event, public_key, content)
    event.save()
    return event


@transaction.atomic
def case_open(
    *,
    actor: User,
    organisation: Organisation,
    content: dict[str, dict[str, Any]],
    consents: set[str],
    opened_on: datetime.date | None = None,
    private_key: bytes | None,
) -> Case:
    """Open a case with the person's content and the consents given at intake.

    Refused without the first informed-consent item (the person consents or assents to the
    interview and to being recorded): no record of a person is kept against their will."""
    if organisation not in case_organisations(user=actor):
        raise CaseError(_("You cannot open cases in this organisation."))
    if Consent.Purpose.INTERVIEW not in consents:
        raise ConsentRefused(_(
            "A case is opened only with the person's consent to the interview and to the record. "
            "Ask the person, and tick the first consent."
        ))
    unknown = set(consents) - set(INFORMED_CONSENT) - set(AUTHORITY_TYPES) - {Consent.Purpose.RESEARCH}
    if unknown:
        raise CaseError(_("Unknown consent."))
    public_key = _public_key(organisation)
    org_private = organisation_private(user=actor, private_key=private_key, organisation=organisation)
    opened_on = opened_on or _today()
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    case = Case(organisation=organisation, owner=actor, opened_on=opened_on,
                reference=_next_reference(organisation, opened_on.year))
    _seal_into(case, public_key, _complete(content))
    case.save()
    Consent.objects.bulk_create(
        Consent(case=case, purpose=purpose, given_on=opened_on, recorded_by=actor)
        for purpose in Consent.Purpose.values if purpose in consents
    )
    _add_event(actor=actor, case=case, public_key=public_key, kind=CaseEvent.Kind.INTAKE, occurred_on=opened_on, text="")
    case_tokens_store(case=case, content=_complete(content), org_private=org_private)
    audit_record(actor=actor, action=Action.CASE_OPENED, organisation=organisation, target_type="case",
                 target_id=case.pk, details={"consents": sorted(consents)})
    return case


def _complete(content: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every section present (empty when not given); unknown sections refused."""
    if set(content) - set(SECTIONS):
        raise CaseError(_("Unknown section."))
    return {section: dict(content.get(section) or {}) for section in SECTIONS}


def case_duplicates_check(
    *, actor: User, organisation: Organisation, content: dict[str, dict[str, Any]], private_key: bytes | None,
    exclude: int | None = None,
) -> list[PossibleDuplicate]:
    """The organisation's cases that may be this person (before opening a new case). Each candidate
    shown is audited as a read of that case."""
    _public_key(organisation)  # the organisation's first case makes its key: before, nothing to find
    org_private = organisation_private(user=actor, private_key=private_key, organisation=organisation)
    found = possible_duplicates(organisation=organisation, content=_complete(content), org_private=org_private,
                                exclude=exclude)
    for duplicate in found:
        audit_record(actor=actor, action=Action.RECORD_READ, organisation=organisation, target_type="case",
                     target_id=duplicate.case.pk, details={"purpose": "duplicate_check"})
    return found


@dataclass(frozen=True)
class CaseContent:
    """The decrypted sections the reader may see; exists only in memory."""

    sections: dict[str, dict[str, Any]]
    visible: frozenset[str]


def case_read(*, actor: User, case: Case, private_key: bytes | None, keys: OrganisationKeys | None = None,
              visible: frozenset[str] | None = None) -> CaseContent:
    """Decrypt the case for ``actor`` (access already checked): only the sections they may see
    (``visible``, when the caller already worked them out). Audited (``record.read``, with the
    sections shown); a read that fails decrypts nothing."""
    org_private = _keys(keys, actor, private_key).required(case.organisation)
    content = _complete(_open(case, org_private))
    if visible is None:
        visible = visible_sections(user=actor, case=case)
    audit_record(actor=actor, action=Action.RECORD_READ, organisation=case.organisation, target_type="case",
                 target_id=case.pk, details={"sections": sorted(visible)})
    return CaseContent(sections={s: content[s] for s in SECTIONS if s in visible}, visible=visible)


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    content: dict[str, dict[str, Any]],
    status: str,
    private_key: bytes | None,
) -> Case:
    """Replace the sections the editor may see; keep the others as stored. Refused with
    CaseConflict, changing nothing, if the case changed since version ``expected_version``."""
    if status not in Case.Status.values:
        raise CaseError(_("Unknown status."))
    visible = visible_sections(user=actor, case=case)
    if set(content) - visible:
        raise CaseError(_("You cannot change this section."))
    org_private = organisation_private(user=actor, private_key=private_key, organisation=case.organisation)
    locked = case_lock_writable(case_id=case.pk)
    if locked.version != expected_version:
        raise CaseConflict(_(
            "Someone else changed this case while you were editing it. Your changes are not saved yet: "
            "they are still in the form below. Compare with the current case, then save again."
        ))
    stored = _complete(_open(locked, org_private))
    stored.update({section: dict(values) for section, values in content.items()})
    public_key = _public_key(case.organisation)
    _seal_into(locked, public_key, stored)
    old_status = locked.status
    locked.status = status
    if locked.is_closed and locked.closed_on is None:
        locked.closed_on = _today()
    if not locked.is_closed:
        locked.closed_on = None
    locked.version += 1
    locked.save()
    if old_status != status:
        _add_event(actor=actor, case=locked, public_key=public_key, kind=CaseEvent.Kind.STATUS,
                   occurred_on=_today(), text=f"{old_status} -> {status}",
                   message=messages.status_changed(old=old_status, new=status))
    case_tokens_store(case=locked, content=stored, org_private=org_private)
    audit_record(actor=actor, action=Action.CASE_UPDATED, organisation=case.organisation, target_type="case",
                 target_id=case.pk, details={"version": locked.version, "sections": sorted(content), "status": status})
    return locked


# ----------------------------------------------------------------------------- timeline and tasks


@transaction.atomic
def case_event_add(*, actor: User, case: Case, kind: str, occurred_on: datetime.date, text: str) -> CaseEvent:
    if kind not in (CaseEvent.Kind.NOTE, CaseEvent.Kind.MEETING):
        raise CaseError(_("Choose a note or a meeting."))
    case_lock_writable(case_id=case.pk)
    if occurred_on > _today():
        raise CaseError(_("The date of an event cannot be in the future."))
    text = _text(text)
    if not text:
        raise CaseError(_("Write what happened."))
    event = _add_event(actor=actor, case=case, public_key=_public_key(case.organisation), kind=kind,
                       occurred_on=occurred_on, text=text)
    audit_record(actor=actor, action=Action.CASE_EVENT_ADDED, organisation=case.organisation, target_type="case",
                 target_id=case.pk, details={"event": event.pk, "kind": kind})
    return event


@transaction.atomic
def case_task_add(*, actor: User, case: Case, title: str, due_on: datetime.date, assignee: User | None = None) -> CaseTask:
    """A support-plan task. The assignee must keep cases in the case's organisation."""
    case_lock_writable(case_id=case.pk)
    title = _text(title)
    if not title:
        raise CaseError(_("Write the task."))
    if len(title) > 300:
        raise CaseError(_("A task is at most %(max)s characters.") % {"max": 300})
    assignee = assignee or actor
    if case.organisation not in case_organisations(user=assignee):
        raise CaseError(_("A task can be given only to a caseworker of this organisation."))
    if due_on < case.opened_on:
        raise CaseError(_("A task cannot be due before the case was opened."))
    task = CaseTask(case=case, assignee=assignee, due_on=due_on)
    _seal_into(task, _public_key(case.organisation), {"title": title})
    task.save()
    audit_record(actor=actor, action=Action.CASE_TASK_ADDED, organisation=case.organisation, target_type="case",
                 target_id=case.pk, details={"task": task.pk})
    return task


@transaction.atomic
def case_task_done(*, actor: User, task: CaseTask) -> CaseTask:
    case_lock_writable(case_id=task.case_id)
    if task.done_on is None:
        task.done_on = _today()
        task.save(update_fields=["done_on"])
        audit_record(actor=actor, action=Action.CASE_TASK_DONE, organisation=task.case.organisation,
                     target_type="case", target_id=task.case_id, details={"task": task.pk})
    return task


def case_timeline(*, actor: User, case: Case, private_key: bytes | None,
                  keys: OrganisationKeys | None = None) -> list[tuple[CaseEvent, str]]:
    """The events with their decrypted text (part of the audited case read)."""
    org_private = _keys(keys, actor, private_key).required(case.organisation)
    return [(event, messages.shown(_open(event, org_private), "text"))
            for event in case.events.select_related("created_by")]


def task_titles(*, user: User, private_key: bytes | None, tasks: list[CaseTask],
                keys: OrganisationKeys | None = None) -> dict[int, str]:
    """Task id to title, where the user can open them (missing when locked or unreadable)."""
    titles: dict[int, str] = {}
    opened = _keys(keys, user, private_key)
    for task in tasks:
        org_private = opened.private(task.case.organisation)
        if org_private is None:
            continue
        try:
            titles[task.pk] = messages.shown(_open(task, org_private), "title")
        except CaseUnreadable:
            continue
    return titles


def tasks_due_this_week(*, user: User, private_key: bytes | None) -> list[tuple[CaseTask, str]] | None:
    """(task, title) for the staff home's "due this week"; None for someone who keeps no cases.
    Titles are shown where the user's key opens them (a list, not a read of the case)."""
    organisations = case_organisations(user=user)
    if not organisations:
        return None
    due = list(tasks_due(user=user, organisations=organisations))
    titles = task_titles(user=user, private_key=private_key, tasks=due)
    return [(task, titles.get(task.pk, "")) for task in due]


@transaction.atomic
def case_screening_link(*, actor: User, case: Case, screening: ScreeningRecord) -> CaseScreening:
    """Attach a saved screening of the same organisation (the caller checked the user may see it)."""
    case_lock_writable(case_id=case.pk)
    if screening.organisation_id != case.organisation_id:
        raise CaseError(_("Only a screening of this organisation can be attached."))
    link, created = CaseScreening.objects.get_or_create(case=case, screening=screening, defaults={"linked_by": actor})
    if created:
        _add_event(actor=actor, case=case, public_key=_public_key(case.organisation), kind=CaseEvent.Kind.SCREENING,
                   occurred_on=_today(), text="")
        audit_record(actor=actor, action=Action.CASE_SCREENING_LINKED, organisation=case.organisation,
                     target_type="case", target_id=case.pk, details={"screening": screening.pk})
    return link


# ---------------------------------------------------------------------------------------- consent


@transaction.atomic
def consent_record(*, actor: User, case: Case, purpose: str, given_on: datetime.date,
                   recipient: Organisation | None = None) -> Consent:
    """Record a consent. A referral consent names the receiving organisation; no other does."""
    case_lock_writable(case_id=case.pk)
    if purpose not in Consent.Purpose.values:
        raise CaseError(_("Unknown consent."))
    if given_on > _today():
        raise CaseError(_("A consent cannot be dated in the future."))
    if purpose == Consent.Purpose.REFERRAL and recipient is None:
        raise CaseError(_("Name the organisation the person agrees to be referred to."))
    if purpose != Consent.Purpose.REFERRAL:
        recipient = None
    if recipient is not None and recipient.pk == case.organisation_id:
        raise CaseError(_("A referral goes to another organisation."))
    consent = Consent.objects.create(case=case, purpose=purpose, recipient=recipient, given_on=given_on,
                                     recorded_by=actor)
    audit_record(actor=actor, action=Action.CONSENT_RECORDED, organisation=case.organisation, target_type="case",
                 target_id=case.pk, recipient=recipient, details={"consent": consent.pk, "purpose": purpose})
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, withdrawn_on: datetime.date | None = None) -> Consent:
    """Record the withdrawal and its date; the consent row stays (what was agreed, and until when)."""
    case_lock_writable(case_id=consent.case_id)
    withdrawn_on = withdrawn_on or _today()
    if consent.withdrawn_on is not None:
        raise CaseError(_("This consent was already withdrawn."))
    if withdrawn_on < consent.given_on or withdrawn_on > _today():
        raise CaseError(_("The withdrawal date must be between the consent's date and today."))
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    audit_record(actor=actor, action=Action.CONSENT_WITHDRAWN, organisation=consent.case.organisation,
                 target_type="case", target_id=consent.case_id, details={"consent": consent.pk, "purpose": consent.purpose})
    return consent


def consent_current(*, case: Case, purpose: str, recipient: Organisation | None = None) -> bool:
    """Whether the person's consent for ``purpose`` (to ``recipient``, for a referral) holds today."""
    consents = Consent.objects.filter(case=case, purpose=purpose, withdrawn_on__isnull=True)
    if purpose == Consent.Purpose.REFERRAL:
        consents = consents.filter(recipient=recipient)
    return consents.exists()


def cases_with_research_consent(*, organisation: Organisation) -> list[Case]:
    """The cases a de-identified research contribution may include: research consent given, not withdrawn."""
    consented = Consent.objects.filter(purpose=Consent.Purpose.RESEARCH, withdrawn_on__isnull=True).values("case_id")
    return list(Case.objects.filter(organisation=organisation, pk__in=consented).order_by("pk"))


_AUTHORITY_NAMES = {
    Consent.Purpose.POLICE: lambda: _("the police"),
    Consent.Purpose.IMMIGRATION: lambda: _("the immigration services"),
    Consent.Purpose.LABOUR_INSPECTION: lambda: _("labour standards inspection"),
}


@transaction.atomic
def case_disclose(
    *,
    actor: User,
    case: Case,
    recipient: Organisation,
    purpose: str,
    disclosed_on: datetime.date | None = None,
    override: bool = False,
    reason: str = "",
) -> Disclosure:
    """Record that case data went to ``recipient`` (an authority: police, immigration services,
    labour standards inspection, each only to an organisation of that type; or a referral).
    Refused without the matching current consent, unless a case supervisor overrides it with a reason (a child at risk,
    a life in danger). The override is decided here, from the actor's role in the case's
    organisation: a client that sends ``override`` without that role is refused (the Primero gap,
    ../shared/reference/case-management.md §1 "Consent")."""
    case_lock_writable(case_id=case.pk)
    if purpose not in (*AUTHORITY_TYPES, Consent.Purpose.REFERRAL):
        raise CaseError(_("Choose the police, the immigration services, labour standards inspection or a referral."))
    if recipient.pk == case.organisation_id:
        raise CaseError(_("A disclosure goes to another organisation."))
    if purpose in AUTHORITY_TYPES and recipient.type not in AUTHORITY_TYPES[purpose]:
        raise CaseError(_("%(organisation)s is not %(authority)s: choose an organisation of that kind, or record a "
                          "referral.") % {"organisation": recipient.name,
                                          "authority": _AUTHORITY_NAMES[purpose]()})
    disclosed_on = disclosed_on or _today()
    consented = consent_current(case=case, purpose=purpose, recipient=recipient)
    event = None
    if not consented:
        if not override:
            raise ConsentRefused(_(
                "The person has not given (or has withdrawn) consent to this. Nothing was shared. "
                "Ask the person and record the consent first."
            ))
        if not may_override_consent(user=actor, organisation=case.organisation):
            raise ConsentRefused(_(
                "Only a case supervisor can override a missing consent. Nothing was shared."
            ))
        reason = _text(reason)
        if len(reason) < 10:
            raise CaseError(_("Give the reason for the override (for example: a child at risk, a life in danger)."))
        event = _add_event(actor=actor, case=case, public_key=_public_key(case.organisation),
                           kind=CaseEvent.Kind.OVERRIDE, occurred_on=disclosed_on, text=reason)
    disclosure = Disclosure.objects.create(case=case, recipient=recipient, purpose=purpose, disclosed_on=disclosed_on,
                                           disclosed_by=actor, overridden=not consented, event=event)
    if event is not None:
        audit_record(actor=actor, action=Action.CONSENT_OVERRIDDEN, organisation=case.organisation,
                     target_type="case", target_id=case.pk, recipient=recipient,
                     details={"disclosure": disclosure.pk, "purpose": purpose, "event": event.pk})
    _add_event(actor=actor, case=case, public_key=_public_key(case.organisation), kind=CaseEvent.Kind.DISCLOSURE,
               occurred_on=disclosed_on, text=recipient.name)
    audit_record(actor=actor, action=Action.DISCLOSURE, organisation=case.organisation, target_type="case",
                 target_id=case.pk, recipient=recipient,
                 details={"disclosure": disclosure.pk, "purpose": purpose, "overridden": not consented})
    return disclosure


# -------------------------------------------------------------------------------------- referrals

# action -> (the side that may take it, the states it starts from, the state it leads to, audit action)
REFERRAL_MOVES = {
    "accept": ("receiver", {Referral.State.PROPOSED}, Referral.State.ACCEPTED, Action.REFERRAL_ACCEPTED),
    "reject": ("receiver", {Referral.State.PROPOSED}, Referral.State.REJECTED, Action.REFERRAL_REJECTED),
    "complete": ("receiver", {Referral.State.ACCEPTED}, Referral.State.COMPLETED, Action.REFERRAL_COMPLETED),
    "revoke": ("sender", {Referral.State.PROPOSED, Referral.State.ACCEPTED}, Referral.State.REVOKED,
               Action.REFERRAL_REVOKED),
}


@transaction.atomic
def referral_propose(
    *,
    actor: User,
    case: Case,
    receiver: Organisation,
    sections: list[str],
    reason: str,
    private_key: bytes | None,
    override: bool = False,
    override_reason: str = "",
    transfer: bool = False,
    need: str = "",
) -> Referral:
    """Refer the case to ``receiver``, sharing the chosen sections sealed to the receiver's key.

    The receiver must run a directory service of the kind ``need`` ("" for any kind) that fits the
    person, or be the authority for that need (``receivers.receiver_refusal``, from the case content
    decrypted here: what the client posts about the person is never trusted). Needs the person's
    referral consent naming the receiver (or a case supervisor's override): the disclosure is
    recorded through ``case_disclose``, which refuses without it."""
    locked_case = case_lock_writable(case_id=case.pk)
    if transfer:
        sections = list(SECTIONS)  # a transfer moves the whole case
    chosen = [s for s in SECTIONS if s in set(sections)]
    if not chosen or set(sections) - set(SECTIONS):
        raise CaseError(_("Choose the sections to share."))
    if set(chosen) - visible_sections(user=actor, case=case):
        raise CaseError(_("You cannot share a section you cannot see."))
    if not case_organisations(user=actor) or case.organisation not in case_organisations(user=actor):
        raise CaseError(_("You cannot refer this case."))
    if locked_case.is_closed:
        raise CaseError(_("A closed case cannot be referred."))
    reason = _text(reason)
    receiver_key = orgkeys.organisation_key_ensure(organisation=receiver) if receiver.pk != case.organisation_id else None
    if receiver.pk != case.organisation_id and receiver_key is None:
        raise CaseError(_("This organisation cannot receive referrals yet: none of its staff has an encryption key."))
    org_private = organisation_private(user=actor, private_key=private_key, organisation=case.organisation)
    content = _complete(_open(locked_case, org_private))
    if receiver.pk != case.organisation_id:
        from tipnet.web.cases.receivers import receiver_refusal

        refusal = receiver_refusal(sections=content, receiver=receiver, need=need, sender_id=case.organisation_id)
        if refusal:
            raise CaseError(refusal)
    disclosure = case_disclose(actor=actor, case=case, recipient=receiver, purpose=Consent.Purpose.REFERRAL,
                               override=override, reason=override_reason)
    assert receiver_key is not None  # case_disclose refused a referral to the case's own organisation
    referral = Referral(case=case, sender=case.organisation, receiver=receiver, sections=chosen, created_by=actor,
                        disclosure=disclosure,
                        kind=Referral.Kind.TRANSFER if transfer else Referral.Kind.REFERRAL)
    _seal_into(referral, bytes(receiver_key.public_key), {
        "reference": case.reference, "reason": reason, "sections": {s: content[s] for s in chosen},
    })
    referral.save()
    _add_event(actor=actor, case=case, public_key=_public_key(case.organisation), kind=CaseEvent.Kind.REFERRAL,
               occurred_on=_today(), text=receiver.name,
               message=messages.referral_state(organisation=receiver.name, state=Referral.State.PROPOSED))
    audit_record(actor=actor, action=Action.REFERRAL_PROPOSED, organisation=case.organisation, target_type="referral",
                 target_id=referral.pk, recipient=receiver, details={"case": case.pk, "sections": chosen, "need": need})
    return referral


@transaction.atomic
def referral_decide(*, actor: User, referral: Referral, action: str, private_key: bytes | None = None) -> Referral:
    """Move the referral along its states. The receiving side accepts, rejects and completes; the
    sending side revokes (the referring caseworker or a case supervisor), which erases the copy
    sealed to the receiver."""
    if action not in REFERRAL_MOVES:
        raise CaseError(_("Choose accept, reject, complete or revoke."))
    side, starts, target, audit_action = REFERRAL_MOVES[action]
    # The case first, then the referral: the order case_erase takes them in (no deadlock).
    case_lock_writable(case_id=referral.case_id)
    locked = Referral.objects.select_for_update().select_related("case", "sender", "receiver").get(pk=referral.pk)
    if referral_side(user=actor, referral=locked) != side:
        raise CaseError(_("Only the other organisation can do this."))
    if side == "sender" and actor.pk != locked.created_by_id and not is_case_supervisor(user=actor, organisation=locked.sender):
        raise CaseError(_("Only the person who referred or a case supervisor can revoke a referral."))
    if locked.state not in starts:
        raise CaseError(_("This referral is %(state)s: this cannot be done any more.") % {"state": locked.get_state_display()})
    if locked.kind == Referral.Kind.TRANSFER and target == Referral.State.ACCEPTED:
        locked.transferred_case = _transfer_take_over(actor=actor, referral=locked, private_key=private_key)
    locked.state = target
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    if target == Referral.State.REVOKED:
        locked.sealed_key, locked.ciphertext = b"", b""
    locked.save()
    _add_event(actor=actor, case=locked.case, public_key=_public_key(locked.sender), kind=CaseEvent.Kind.REFERRAL,
               occurred_on=_today(), text=locked.receiver.name,
               message=messages.referral_state(organisation=locked.receiver.name, state=target))
    audit_record(actor=actor, action=audit_action, organisation=locked.sender, target_type="referral",
                 target_id=locked.pk, recipient=locked.receiver, details={"case": locked.case_id})
    return locked


@transaction.atomic
def referral_note_add(*, actor: User, referral: Referral, occurred_on: datetime.date, text: str) -> CaseEvent:
    """The receiving organisation writes on the referring case's timeline (the person's stay in its
    shelter, an appointment kept): sealed to the **sender's** public key, so the receiver needs no
    access to the case and reads nothing of it. Only while the referral is accepted."""
    if referral_side(user=actor, referral=referral) != "receiver":
        raise CaseError(_("Only the receiving organisation can add an update to a referral."))
    case_lock_writable(case_id=referral.case_id)
    referral = Referral.objects.select_related("case", "sender", "receiver").get(pk=referral.pk)
    if referral.state != Referral.State.ACCEPTED:
        raise CaseError(_("An update can be added while the referral is accepted."))
    if occurred_on > _today():
        raise CaseError(_("The date of an event cannot be in the future."))
    text = _text(text)
    if not text:
        raise CaseError(_("Write what happened."))
    event = _add_event(actor=actor, case=referral.case, public_key=_public_key(referral.sender),
                       kind=CaseEvent.Kind.NOTE, occurred_on=occurred_on, text=f"{referral.receiver.name}: {text}")
    audit_record(actor=actor, action=Action.CASE_EVENT_ADDED, organisation=referral.sender, target_type="referral",
                 target_id=referral.pk, recipient=referral.receiver,
                 details={"case": referral.case_id, "event": event.pk, "by_receiver": True})
    return event


@transaction.atomic
def referrals_revoke_of_departed(*, actor: User | None, user: User) -> int:
    """When ``user`` is offboarded: revoke the referrals she proposed that nobody has answered yet,
    erasing their sealed copies (Primero r2-3526). Accepted referrals stay: the person may be in the
    receiving service's care now; a case supervisor of the sender can revoke them. Returns how many."""
    revoked = 0
    # The cases first (in one order), then the referrals, as case_erase does; an erased case's
    # referrals were revoked by its erasure and get no timeline entry on the tombstone.
    case_ids = set(Referral.objects.filter(created_by=user, state=Referral.State.PROPOSED).values_list("case_id", flat=True))
    writable = list(Case.objects.select_for_update().filter(pk__in=case_ids).exclude(status=Case.Status.ERASED)
                    .order_by("pk").values_list("pk", flat=True))
    for referral in Referral.objects.select_for_update().filter(
            created_by=user, state=Referral.State.PROPOSED, case_id__in=writable).select_related(
            "case", "sender", "receiver"):
        referral.state = Referral.State.REVOKED
        referral.decided_by = actor
        referral.decided_at = timezone.now()
        referral.sealed_key, referral.ciphertext = b"", b""
        referral.save()
        event = CaseEvent(case=referral.case, kind=CaseEvent.Kind.REFERRAL, occurred_on=_today(), created_by=actor)
        _seal_into(event, _public_key(referral.sender), {"text": f"{referral.receiver.name}: {Referral.State.REVOKED.label}"})
        event.save()
        audit_record(actor=actor, action=Action.REFERRAL_REVOKED, organisation=referral.sender, target_type="referral",
                     target_id=referral.pk, recipient=referral.receiver,
                     details={"case": referral.case_id, "offboarded": user.pk})
        revoked += 1
    return revoked


def _transfer_take_over(*, actor: User, referral: Referral, private_key: bytes | None) -> Case:
    """Open the transferred case in the receiving organisation, owned by ``actor``; close the sender's.

    The content sealed to the receiver's key at proposal is the new case's content as it stands
    (no re-encryption needed); its blind-index tokens are made under the receiver's secret."""
    org_private = organisation_private(user=actor, private_key=private_key, organisation=referral.receiver)
    content = _complete(dict(_open(referral, org_private).get("sections") or {}))
    receiver_key = _public_key(referral.receiver)
    today = _today()
    Organisation.objects.select_for_update().filter(pk=referral.receiver_id).first()
    taken = Case(organisation=referral.receiver, owner=actor, opened_on=today,
                 reference=_next_reference(referral.receiver, today.year))
    _seal_into(taken, receiver_key, content)
    taken.save()
    Consent.objects.bulk_create(
        Consent(case=taken, purpose=c.purpose, recipient=c.recipient, given_on=c.given_on, recorded_by=c.recorded_by)
        for c in referral.case.consents.filter(withdrawn_on__isnull=True)
    )
    _add_event(actor=actor, case=taken, public_key=receiver_key, kind=CaseEvent.Kind.INTAKE, occurred_on=today,
               text=f"{referral.sender.name} ({referral.case.reference})")
    case_tokens_store(case=taken, content=content, org_private=org_private)
    sender_case = Case.objects.select_for_update().get(pk=referral.case_id)
    sender_case.status = Case.Status.CLOSED_REFERRED
    sender_case.closed_on = today
    sender_case.version += 1
    sender_case.save(update_fields=["status", "closed_on", "version", "updated_at"])
    audit_record(actor=actor, action=Action.CASE_OPENED, organisation=referral.receiver, target_type="case",
                 target_id=taken.pk, details={"transfer": referral.pk})
    return taken


def referral_read(*, actor: User, referral: Referral, private_key: bytes | None) -> dict[str, Any]:
    """What was shared, for the receiving organisation (audited). Nothing once revoked, or once the
    copy was erased (the receiver's retention period, cases.rights)."""
    if (referral_side(user=actor, referral=referral) != "receiver" or referral.state == Referral.State.REVOKED
            or not bytes(referral.ciphertext)):
        return {}
    org_private = organisation_private(user=actor, private_key=private_key, organisation=referral.receiver)
    content = _open(referral, org_private)
    audit_record(actor=actor, action=Action.RECORD_READ, organisation=referral.receiver, target_type="referral",
                 target_id=referral.pk, details={"sections": list(referral.sections)})
    return content


# ----------------------------------------------------------------------------------------- return

FOLLOW_UP_MONTHS = (3, 6, 12)


def _months_later(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@transaction.atomic
def case_return_record(*, actor: User, case: Case, returned_on: datetime.date, through_iom: bool) -> list[CaseTask]:
    """The person went home (through IOM's assisted voluntary return and reintegration, or not):
    a timeline entry, the case moves to follow-up, and check-ins after 3, 6 and 12 months become
    tasks of the case owner, so that a return is not the end of the story."""
    locked = case_lock_writable(case_id=case.pk)
    if returned_on > _today() + datetime.timedelta(days=60) or returned_on < case.opened_on:
        raise CaseError(_("The return date must be after the case was opened and within the next two months."))
    if locked.is_closed:
        raise CaseError(_("Reopen the case first."))
    public_key = _public_key(case.organisation)
    _add_event(actor=actor, case=case, public_key=public_key, kind=CaseEvent.Kind.RETURN, occurred_on=returned_on,
               text="", message=messages.returned_home(through_iom=through_iom))
    locked.status = Case.Status.FOLLOW_UP
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    tasks = []
    for months in FOLLOW_UP_MONTHS:
        task = CaseTask(case=case, assignee=case.owner, due_on=_months_later(returned_on, months))
        message = messages.check_in(months=months)
        _seal_into(task, public_key, {"title": messages.words(message), "message": message})
        task.save()
        tasks.append(task)
    audit_record(actor=actor, action=Action.CASE_UPDATED, organisation=case.organisation, target_type="case",
                 target_id=case.pk, details={"return": True, "through_iom": through_iom, "version": locked.version})
    return tasks
