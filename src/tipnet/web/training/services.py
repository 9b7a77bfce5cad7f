"""Writes for training: cohorts, one-time join links, joining, practice attempts and their score.

Keyword-only arguments with the acting user first, one transaction, the audit row written here
(DESIGN.md). Scoring itself is tipnet.core.training.scoring: the same engine as a real screening.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipnet.core.training import Feedback, PracticeCase, TraineeRecord, ask, score
from tipnet.web.accounts import orgkeys
from tipnet.web.accounts.access import organisations_where
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import Membership, Organisation, OrganisationKeyShare, User
from tipnet.web.accounts.roles import Role
from tipnet.web.accounts.services import USERNAME_PATTERN, AccountError, user_create_active
from tipnet.web.cases.duplicates import likely_matches
from tipnet.web.cases.models import Case
from tipnet.web.training.library import case_by_id, cases
from tipnet.web.training.models import Cohort, CohortInvite, CohortMember, PracticeAttempt

#: The roles that make cohorts (as access.TRAINER_ROLES; repeated to keep services free of access).
_TRAINER_ROLES = (Role.CASEWORKER, Role.ORG_ADMIN)

#: ``Cohort.case_check``: checked, nothing to check against, waiting for a key holder.
CHECK_PASSED, CHECK_NO_CASES, CHECK_PENDING = "passed", "no_cases", "pending"

INVITE_LIFETIME = timedelta(days=14)
MAX_INVITES = 50


class TrainingError(Exception):
    """A user-facing failure; the message is already translated."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PracticeCaseRefused(TrainingError):
    """A practice case resembles a stored person; the message names the practice case only."""


@dataclass(frozen=True)
class PracticeCaseCheck:
    """The result of checking practice cases against an organisation's stored cases.

    ``status`` is "passed" or "refused" when the check ran, or why it could not run: "no_cases" (the
    organisation keeps no case in tipnet) or "no_key" (the trainer holds no unlocked share of the
    organisation's key in this session). ``matching`` names practice cases only, never a record.
    """

    status: str
    matching: tuple[str, ...] = ()

    @property
    def ran(self) -> bool:
        return self.status in ("passed", "refused")


def practice_case_refused_message(case: PracticeCase, language: str) -> str:
    return _(
        "Practice case %(case)s resembles a person in your organisation's records: it cannot be used. "
        "Tell the case's author."
    ) % {"case": f"{case.title.get(language) or case.title['en']} ({case.id})"}


@transaction.atomic
def practice_cases_check(
    *, actor: User, organisation: Organisation, practice_cases: Sequence[PracticeCase], private_key: bytes | None,
    cohort: Cohort | None = None,
) -> PracticeCaseCheck:
    """Check that no practice case describes a person stored as a case of ``organisation``.

    Practice cases must hold invented people only (issue 14). Each case's person (names in every
    language, birth date and country if given) goes through the intake duplicate warning's own
    lookup (``cases.duplicates.likely_matches``): its keyed blind tokens pick the few stored cases
    sharing enough of them, only those are decrypted, in memory, and compared with
    ``blindindex.similarity``. The answer says which practice case matched, never which record or
    anything in it. Only the actor's own organisation is searched (she is a trainer there, or holds
    a role that reads its records), with her share of its key. Audited as ``training.cases_checked``
    with practice-case ids only (they are invented), and the cohort's id when ``cohort`` is given.
    """
    if (organisation not in organisations_where(actor, *_TRAINER_ROLES)
            and not orgkeys.holds_key_role(user=actor, organisation=organisation)):
        raise TrainingError(_("You cannot make cohorts in this organisation."))
    ids = [case.id for case in practice_cases]
    if not Case.objects.filter(organisation=organisation).exists():
        result = PracticeCaseCheck(status="no_cases")
    else:
        org_private = orgkeys.organisation_private_key(user=actor, private_key=private_key, organisation=organisation)
        if org_private is None:
            result = PracticeCaseCheck(status="no_key")
        else:
            matching = tuple(case.id for case in practice_cases
                             if likely_matches(organisation=organisation, person=case.person_keys(),
                                               org_private=org_private))
            result = PracticeCaseCheck(status="refused" if matching else "passed", matching=matching)
    details: dict[str, object] = {"cases": ids, "status": result.status, "matching": list(result.matching)}
    if cohort is not None:
        details["cohort"] = cohort.pk
    audit_record(actor=actor, action=Action.TRAINING_CASES_CHECKED, organisation=organisation,
                 target_type="organisation", target_id=organisation.pk, details=details)
    return result


def cohort_create(
    *, actor: User, organisation: Organisation, name: str, case_ids: list[str], private_key: bytes | None = None,
    language: str = "en",
) -> Cohort:
    """A cohort over the chosen practice cases, after checking them against the organisation's
    stored cases (``practice_cases_check``). A practice case that resembles a stored person refuses
    the whole cohort (:class:`PracticeCaseRefused`, nothing saved; the check itself stays audited).
    When the organisation keeps no case, the cohort is made as "no_cases". When the trainer holds
    no unlocked share of the organisation's key (an organisation admin never holds one: shares go to
    ``ORGANISATION_KEY_ROLES`` only), the cohort is made "pending" and its cases stay closed to
    trainees until a key holder runs the check (``cohort_cases_check``): the check needs the key,
    and nobody without a role that reads records is given it for this."""
    name = name.strip()
    if not name:
        raise TrainingError(_("Give the cohort a name."))
    known = {c.id for c in cases()}
    unknown = [c for c in case_ids if c not in known]
    if not case_ids or unknown:
        raise TrainingError(_("Choose at least one practice case."))
    case_ids = list(dict.fromkeys(case_ids))
    chosen = [case for case in cases() if case.id in case_ids]
    check = practice_cases_check(actor=actor, organisation=organisation, practice_cases=chosen,
                                 private_key=private_key)
    if check.matching:
        raise PracticeCaseRefused(" ".join(
            practice_case_refused_message(case, language) for case in chosen if case.id in check.matching))
    with transaction.atomic():
        status = CHECK_PENDING if check.status == "no_key" else check.status
        cohort = Cohort.objects.create(organisation=organisation, name=name, case_ids=case_ids,
                                       case_check=status, created_by=actor)
        audit_record(actor=actor, action=Action.TRAINING_COHORT_CREATED, organisation=organisation,
                     target_type="cohort", target_id=cohort.pk,
                     details={"cases": len(cohort.case_ids), "case_check": status})
    return cohort


@transaction.atomic
def cohort_cases_check(*, actor: User, cohort: Cohort, private_key: bytes | None) -> PracticeCaseCheck | None:
    """Run the check a pending cohort waits for, with ``actor``'s share of the organisation's key.

    Who may: a member of the cohort's organisation with a role that reads its records (caseworker,
    case supervisor: ``orgkeys.holds_key_role``), the only people who hold the key the blind index
    is derived from. No one else, and no server-side process, is given the key for this: the check
    runs in the key holder's request (at sign-in, ``cohort_checks_run_pending``, or from the cohort
    page) and answers only which practice cases resemble a stored person, never who.

    A practice case that does is taken out of the cohort (``withheld_case_ids``): trainees may have
    joined already, so the cohort stays and carries on with the others. Returns None when there was
    nothing to do (the cohort is not pending) or the actor may not run it; otherwise the check,
    whose status is "no_key" (nothing changed) when her key is not unlocked in this session.
    """
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.case_check != CHECK_PENDING:
        return None
    if not orgkeys.holds_key_role(user=actor, organisation=cohort.organisation):
        return None
    chosen = [case for case in cases() if case.id in cohort.case_ids]
    check = practice_cases_check(actor=actor, organisation=cohort.organisation, practice_cases=chosen,
                                 private_key=private_key, cohort=cohort)
    if check.status == "no_key":
        return check
    cohort.case_check = CHECK_NO_CASES if check.status == "no_cases" else CHECK_PASSED
    cohort.withheld_case_ids = [c for c in cohort.case_ids if c in check.matching]
    cohort.case_ids = [c for c in cohort.case_ids if c not in check.matching]
    cohort.save(update_fields=["case_check", "case_ids", "withheld_case_ids"])
    return check


def cohort_checks_run_pending(*, user: User, private_key: bytes | None) -> int:
    """After a key holder signed in (both factors, key unlocked): run the check of every pending
    cohort of the organisations where she holds a share of the key. Returns how many ran.

    Why at sign-in: the organisation admin who usually runs training holds no key, and a key holder
    need not know that a cohort waits; it is also where the organisation's key is shared with
    colleagues (``orgkeys.organisation_shares_grant_pending``), for the same reason."""
    if private_key is None:
        return 0
    ran = 0
    held = OrganisationKeyShare.objects.filter(user=user).values("organisation_id")
    for cohort in Cohort.objects.filter(case_check=CHECK_PENDING, organisation_id__in=held).select_related("organisation"):
        check = cohort_cases_check(actor=user, cohort=cohort, private_key=private_key)
        if check is not None and check.status != "no_key":
            ran += 1
    return ran


def cohort_open_for_practice(cohort: Cohort) -> bool:
    """A cohort's cases open to its trainees once checked against the stored cases (or there were none)."""
    return cohort.case_check in (CHECK_PASSED, CHECK_NO_CASES)


def practice_cohort(*, actor: User, case_id: str, cohort_id: str, trainer: bool) -> Cohort | None:
    """The cohort a practice attempt belongs to, or None for a trainer's own practice.

    A trainee practises only the cases of her cohorts that are open (``cohort_open_for_practice``):
    a case of a pending cohort has not been checked against her trainer's organisation's records.
    Raises :class:`TrainingError` when she may not start this case (the view answers 404)."""
    members = CohortMember.objects.filter(user=actor).select_related("cohort")
    if cohort_id:
        members = members.filter(cohort_id=int(cohort_id) if cohort_id.isdigit() and len(cohort_id) < 10 else 0)
        if not members:
            raise TrainingError(_("There is no such practice case."))
    fitting = [m.cohort for m in members if case_id in m.cohort.case_ids]
    open_ = [c for c in fitting if cohort_open_for_practice(c)]
    if open_:
        return open_[0]
    if trainer and not cohort_id:
        return None
    raise TrainingError(_("There is no such practice case."))


@transaction.atomic
def cohort_invites_create(*, actor: User, cohort: Cohort, count: int) -> list[str]:
    """One-time join links; the tokens are shown once to the trainer, only their hashes are kept."""
    if not 1 <= count <= MAX_INVITES:
        raise TrainingError(_("Make between 1 and %(max)s join links at a time.") % {"max": MAX_INVITES})
    tokens = [secrets.token_urlsafe(24) for _n in range(count)]
    expires = timezone.now() + INVITE_LIFETIME
    CohortInvite.objects.bulk_create(CohortInvite(cohort=cohort, token_hash=_hash(t), expires_at=expires) for t in tokens)
    audit_record(actor=actor, action=Action.TRAINING_INVITES_CREATED, organisation=cohort.organisation,
                 target_type="cohort", target_id=cohort.pk, details={"count": count})
    return tokens


def invite_get(*, token: str) -> CohortInvite | None:
    return (CohortInvite.objects.select_related("cohort", "cohort__organisation")
            .filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()).first())


@transaction.atomic
def trainee_join(*, token: str, username: str, password: str) -> User:
    """A trainee account from a one-time link: the trainee role in the cohort's organisation and
    nothing else. No keyring is made, so no organisation key is ever shared with it (orgkeys shares
    only with members who have one); it signs in like all staff, with a password and a TOTP code
    set up at the first sign-in."""
    invite = (CohortInvite.objects.select_for_update().select_related("cohort", "cohort__organisation")
              .filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()).first())
    if invite is None:
        raise TrainingError(_("This join link is not valid, has expired or was already used."))
    username = username.strip()
    if not USERNAME_PATTERN.fullmatch(username):
        raise TrainingError(_("Choose a user name of letters, digits, dots, dashes or underscores."))
    try:
        user = user_create_active(username=username, password=password)
    except AccountError as error:
        raise TrainingError(str(error)) from None
    cohort = invite.cohort
    Membership.objects.create(user=user, organisation=cohort.organisation, role=Role.TRAINEE, pending=False)
    CohortMember.objects.create(cohort=cohort, user=user)
    invite.used_by = user
    invite.used_at = timezone.now()
    invite.save(update_fields=["used_by", "used_at"])
    audit_record(actor=user, action=Action.TRAINING_JOINED, organisation=cohort.organisation,
                 target_type="cohort", target_id=cohort.pk)
    return user


@transaction.atomic
def attempt_start(*, actor: User, case_id: str, cohort: Cohort | None) -> PracticeAttempt:
    if case_by_id(case_id) is None:
        raise TrainingError(_("There is no such practice case."))
    return PracticeAttempt.objects.create(user=actor, case_id=case_id, cohort=cohort)


@transaction.atomic
def attempt_ask(*, actor: User, attempt: PracticeAttempt, question: str) -> None:
    """Ask one question (again asking the same question changes nothing)."""
    if attempt.finished:
        raise TrainingError(_("This practice interview is finished."))
    case = case_by_id(attempt.case_id)
    assert case is not None
    try:
        ask(case, question, attempt.asked)
    except KeyError:
        raise TrainingError(_("There is no such question.")) from None
    if question not in attempt.asked:
        attempt.asked = [*attempt.asked, question]
        attempt.save(update_fields=["asked"])


def replay(case: PracticeCase, asked: list[str]) -> list:
    """The transcript: each question in order with the answer it got (care rule applied)."""
    out = []
    for n, q in enumerate(asked):
        out.append(ask(case, q, asked[:n]))
    return out


@transaction.atomic
def attempt_submit(*, actor: User, attempt: PracticeAttempt, record: TraineeRecord) -> Feedback:
    if attempt.finished:
        raise TrainingError(_("This practice interview is finished."))
    case = case_by_id(attempt.case_id)
    assert case is not None
    feedback = score(case, record, replay(case, attempt.asked))
    attempt.record = record.screening_input() | {
        "determination": record.determination, "next_steps": sorted(record.next_steps)}
    attempt.feedback = feedback.to_dict()
    attempt.passed = feedback.passed
    attempt.score = feedback.score
    attempt.finished_at = timezone.now()
    attempt.save(update_fields=["record", "feedback", "passed", "score", "finished_at"])
    audit_record(actor=actor, action=Action.TRAINING_ATTEMPT_SCORED,
                 organisation=attempt.cohort.organisation if attempt.cohort else None,
                 target_type="practice_attempt", target_id=attempt.pk,
                 details={"case": case.id, "passed": feedback.passed, "score": feedback.score})
    return feedback


def record_from_stored(attempt: PracticeAttempt) -> TraineeRecord:
    """Rebuild the trainee's record (to show the feedback again)."""
    r = attempt.record or {}
    ctx = r.get("context", {})
    acts = ctx.get("third_party_acts")
    return TraineeRecord(
        present=frozenset(r.get("present", [])), unknown=frozenset(r.get("unknown", [])), age=r.get("age"),
        visa=ctx.get("visa"), form=r.get("form"), third_party_acts=None if acts is None else frozenset(acts),
        commercial_sex=ctx.get("commercial_sex"), determination=r.get("determination", ""),
        next_steps=frozenset(r.get("next_steps", [])),
    )
