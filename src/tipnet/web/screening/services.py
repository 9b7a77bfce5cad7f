"""The guided interview: turn the interview form into engine answers, evaluate, save (audited).

The rules live in ``tipnet.core.screening``; this module only maps form fields to its input and
stores what the caseworker chose to save.
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
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.screening.models import ScreeningRecord

TRI_STATE = ("yes", "no", "unknown")
MAX_NOTE = 2000
ALL_PROFILES = "all"


class ScreeningFormError(Exception):
    """A bad value in the interview form; the message is translated and names the question."""


@dataclass(frozen=True)
class QuestionPair:
    """One interview item in the caseworker's language beside the person's language."""

    staff: Question
    person_text: str
    person_choices: tuple[tuple[str, str], ...]

    @property
    def id(self) -> str:
        return self.staff.id


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
    """Save a draft or a result. Only saved screenings are stored; each save is audited."""
    result = screening_evaluate(answers=answers) if final else None
    if record is None:
        record = ScreeningRecord(organisation=organisation, created_by=actor)
    record.status = ScreeningRecord.Status.FINAL if final else ScreeningRecord.Status.DRAFT
    record.reference = reference.strip()[:64]
    record.staff_language = staff_language
    record.person_language = person_language
    record.profile = profile
    record.answers = answers.raw
    record.welfare = answers.welfare
    record.notes = answers.notes
    record.result = result.to_dict() if result is not None else None
    record.catalogue_version = default_catalogue().version
    record.save()
    audit_record(
        actor=actor, action=Action.SCREENING_SAVED, organisation=organisation, target_type="screening",
        target_id=record.pk, details={"status": record.status, "catalogue_version": record.catalogue_version},
    )
    return record


def screening_read(*, actor: User, record: ScreeningRecord) -> ScreeningRecord:
    """Every read of a saved screening is audited (special-care personal information)."""
    audit_record(actor=actor, action=Action.RECORD_READ, organisation=record.organisation,
                 target_type="screening", target_id=record.pk)
    return record
