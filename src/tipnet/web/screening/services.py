"""The guided interview: turn the interview form into engine answers, evaluate, save (audited).

The rules live in ``tipnet.core.screening``; this module only maps form fields to its input and
stores what the caseworker chose to save, encrypted to the organisation's key: saving needs only
the organisation's public key, reading needs the reader's share of its private key
(``accounts.orgkeys``), opened with the private key their sign-in left in the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from tipnet.core.screening import (
    Answers,
    Question,
    ScreeningInputError,
    ScreeningResult,
    choose_profiles,
    default_catalogue,
    parse_answers,
    screen,
)
from tipnet.web.accounts import orgkeys
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.screening.models import ScreeningRecord
from tipnet.web.screening.sealing import PayloadError, payload_open, payload_seal

TRI_STATE = ("yes", "no", "unknown")
MAX_NOTE = 2000
ALL_PROFILES = "all"


class ScreeningFormError(Exception):
    """A bad value in the interview form; the message is translated and names the question."""


class ScreeningLocked(Exception):
    """The reader cannot open the organisation's records yet (no share, or no key in the session).
    The message is translated."""


class ScreeningUnreadable(Exception):
    """The stored content cannot be decrypted (changed bytes, or a key that no longer exists).
    The message is translated."""


@dataclass(frozen=True)
class ScreeningContent:
    """The decrypted part of a saved screening; exists only in memory."""

    reference: str
    answers: dict[str, object]
    welfare: dict[str, str]
    notes: dict[str, str]
    result: dict[str, object] | None


def screening_locked_message() -> str:
    return _(
        "Your access to your organisation's records is not set up yet. "
        "It is shared with you at a colleague's next sign-in."
    )


@dataclass(frozen=True)
class QuestionPair:
    """One interview item in the caseworker's language beside the person's language."""

    staff: Question
    person_text: str
    person_choices: tuple[tuple[str, str], ...]

    @property
    def id(self) -> str:
        return self.staff.id

    @property
    def choice_pairs(self) -> list[tuple[str, str, str]]:
        """(value, label in the caseworker's language, label in the person's language): a choice
        is read out in both languages, like the yes / no answers."""
        person = dict(self.person_choices)
        return [(value, label, person.get(value, label)) for value, label in self.staff.choices]


@dataclass
class InterviewAnswers:
    """What the form said: the engine input, plus welfare checks and notes that are not scored."""

    engine_input: dict[str, object]
    welfare: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    raw: dict[str, object] = field(default_factory=dict)


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def interview_profile(*, age: int | None, form: str | None) -> str:
    """The list to ask from what is known at the start; every list when age or form is unknown."""
    profiles = choose_profiles(Answers(age=age, form=form))
    return profiles[0] if len(profiles) == 1 else ALL_PROFILES


def interview_questions(*, profile: str, staff_language: str, person_language: str) -> list[QuestionPair]:
    catalogue = default_catalogue()
    chosen = None if profile == ALL_PROFILES else profile
    staff = catalogue.questions(chosen, staff_language)
    person = {q.id: q for q in catalogue.questions(chosen, person_language)}
    return [QuestionPair(q, person[q.id].text, person[q.id].choices) for q in staff]


def _tri(value: object, question: str) -> str:
    text = str(value or "unknown")
    if text not in TRI_STATE:
        raise ScreeningFormError(_("The answer to question %(question)s is not valid.") % {"question": question})
    return text


def interview_read(*, data: Mapping[str, object], questions: list[QuestionPair], profile: str) -> InterviewAnswers:
    """Read the interview form. An unanswered indicator counts as 'not sure' (unknown), never as 'no'."""
    present: list[str] = []
    unknown: list[str] = []
    welfare: dict[str, str] = {}
    notes: dict[str, str] = {}
    raw: dict[str, object] = {}
    engine: dict[str, object] = {"profile": None if profile == ALL_PROFILES else profile, "age": None, "form": None}
    context: dict[str, object] = {"commercial_sex": None, "third_party_acts": None, "visa": None}
    getlist = getattr(data, "getlist", None)
    for pair in questions:
        q = pair.staff
        key = f"q_{q.id}"
        note = str(data.get(f"note_{q.id}", "") or "").strip()
        if len(note) > MAX_NOTE:
            raise ScreeningFormError(_("A note is longer than %(max)s characters.") % {"max": MAX_NOTE})
        if note:
            notes[q.id] = note
        if q.kind == "indicator":
            value = _tri(data.get(key), q.id)
            raw[q.id] = value
            if value == "yes":
                present.append(q.id)
            elif value == "unknown":
                unknown.append(q.id)
        elif q.kind == "welfare" and q.answer == "language":
            text = str(data.get(key, "") or "")
            if text and text not in {value for value, _label in q.choices}:
                raise ScreeningFormError(_("The answer to question %(question)s is not valid.") % {"question": q.id})
            raw[q.id] = text
            welfare[q.id] = text or "unknown"
        elif q.kind == "welfare":
            welfare[q.id] = raw[q.id] = _tri(data.get(key), q.id)
        elif q.field == "age":
            text = str(data.get(key, "") or "").strip()
            raw[q.id] = text
            if text:
                max_age = default_catalogue().max_age
                if not text.isdigit() or int(text) > max_age:
                    raise ScreeningFormError(
                        _("Age must be a whole number from 0 to %(max)s, or left empty if not known.") % {"max": max_age}
                    )
                engine["age"] = int(text)
        elif q.field == "form":
            text = str(data.get(key, "") or "")
            raw[q.id] = text
            engine["form"] = text or None
        elif q.field == "context.visa":
            text = str(data.get(key, "") or "")
            raw[q.id] = text
            context["visa"] = text or None
        elif q.field == "context.third_party_acts":
            acts = [str(a) for a in (getlist(key) if getlist else data.get(key) or [])]  # type: ignore[union-attr]
            raw[q.id] = acts
            if "none" in acts:
                context["third_party_acts"] = []
            elif acts:
                context["third_party_acts"] = acts
        elif q.field == "context.commercial_sex":
            value = _tri(data.get(key), q.id)
            raw[q.id] = value
            context["commercial_sex"] = {"yes": True, "no": False}.get(value)
    engine.update(present=present, unknown=unknown, context=context)
    try:
        parse_answers(engine)
    except ScreeningInputError as error:
        raise ScreeningFormError(_("The answers cannot be screened: %(reason)s") % {"reason": str(error)}) from error
    return InterviewAnswers(engine_input=engine, welfare=welfare, notes=notes, raw=raw)


def screening_evaluate(*, answers: InterviewAnswers) -> ScreeningResult:
    return screen(answers.engine_input)


@transaction.atomic
def screening_save(
    *,
    actor: User,
    organisation: Organisation,
    record: ScreeningRecord | None,
    answers: InterviewAnswers,
    staff_language: str,
    person_language: str,
    profile: str,
    reference: str,
    final: bool,
) -> ScreeningRecord:
    """Save a draft or a result. Only saved screenings are stored, encrypted; each save is audited.

    Writing needs only the organisation's public key (made here if the organisation has none yet),
    so any caseworker can save; each save seals a fresh record key."""
    org_key = orgkeys.organisation_key_ensure(organisation=organisation)
    if org_key is None:
        raise ScreeningLocked(_(
            "This screening cannot be saved yet: nobody in your organisation has an encryption key. "
            "Ask your organisation's admin."
        ))
    result = screening_evaluate(answers=answers) if final else None
    if record is None:
        record = ScreeningRecord(organisation=organisation, created_by=actor)
    record.status = ScreeningRecord.Status.FINAL if final else ScreeningRecord.Status.DRAFT
    record.staff_language = staff_language
    record.person_language = person_language
    record.profile = profile
    record.catalogue_version = default_catalogue().version
    record.sealed_key, record.ciphertext = payload_seal(public_key=bytes(org_key.public_key), payload={
        "reference": reference.strip()[:64],
        "answers": answers.raw,
        "welfare": answers.welfare,
        "notes": answers.notes,
        "result": result.to_dict() if result is not None else None,
    })
    record.save()
    audit_record(
        actor=actor, action=Action.SCREENING_SAVED, organisation=organisation, target_type="screening",
        target_id=record.pk, details={"status": record.status, "catalogue_version": record.catalogue_version},
    )
    return record


def _organisation_private_key(*, user: User, private_key: bytes | None, organisation: Organisation) -> bytes:
    org_private = orgkeys.organisation_private_key(user=user, private_key=private_key, organisation=organisation)
    if org_private is None:
        raise ScreeningLocked(screening_locked_message())
    return org_private


def _open(record: ScreeningRecord, org_private: bytes) -> ScreeningContent:
    try:
        payload = payload_open(
            private_key=org_private, sealed_key=bytes(record.sealed_key), ciphertext=bytes(record.ciphertext)
        )
    except PayloadError as error:
        raise ScreeningUnreadable(_(
            "This saved screening cannot be decrypted: its stored data was changed or damaged. "
            "Nothing of it is shown. Tell your organisation's admin."
        )) from error
    return ScreeningContent(
        reference=str(payload["reference"] or ""),
        answers=dict(payload["answers"] or {}),
        welfare=dict(payload["welfare"] or {}),
        notes=dict(payload["notes"] or {}),
        result=payload["result"],
    )


def screening_read(*, actor: User, record: ScreeningRecord, private_key: bytes | None) -> ScreeningContent:
    """Decrypt a saved screening for ``actor`` (access already checked). Every read is audited
    (special-care personal information); a read that fails decrypts nothing and is not a read.

    ``private_key`` is the actor's unlocked key from the session (None if it is not there)."""
    org_private = _organisation_private_key(user=actor, private_key=private_key, organisation=record.organisation)
    content = _open(record, org_private)
    audit_record(actor=actor, action=Action.RECORD_READ, organisation=record.organisation,
                 target_type="screening", target_id=record.pk)
    return content


def screening_references(
    *, user: User, private_key: bytes | None, records: list[ScreeningRecord]
) -> dict[int, str]:
    """The references for the list of saved screenings, where the user can open them (record id to
    reference; missing when locked or unreadable). Showing a reference is not a read of the record,
    as before encryption; the full content is opened and audited only by ``screening_read``."""
    references: dict[int, str] = {}
    keys_by_org: dict[int, bytes | None] = {}
    for record in records:
        if record.organisation_id not in keys_by_org:
            keys_by_org[record.organisation_id] = orgkeys.organisation_private_key(
                user=user, private_key=private_key, organisation=record.organisation
            )
        org_private = keys_by_org[record.organisation_id]
        if org_private is None:
            continue
        try:
            references[record.pk] = _open(record, org_private).reference
        except ScreeningUnreadable:
            continue
    return references


def screening_access_ready(*, user: User, private_key: bytes | None, organisation: Organisation) -> bool:
    """Whether the user can open the organisation's saved screenings in this session."""
    return private_key is not None and orgkeys.organisation_has_share(user=user, organisation=organisation)
