"""Writes for training: cohorts, one-time join links, joining, practice attempts and their score.

Keyword-only arguments with the acting user first, one transaction, the audit row written here
(DESIGN.md). Scoring itself is tipnet.core.training.scoring: the same engine as a real screening.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipnet.core.training import Feedback, PracticeCase, TraineeRecord, ask, score
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import Membership, Organisation, User
from tipnet.web.accounts.roles import Role
from tipnet.web.accounts.services import USERNAME_PATTERN, AccountError, user_create_active
from tipnet.web.training.library import case_by_id, cases
from tipnet.web.training.models import Cohort, CohortInvite, CohortMember, PracticeAttempt

INVITE_LIFETIME = timedelta(days=14)
MAX_INVITES = 50


class TrainingError(Exception):
    """A user-facing failure; the message is already translated."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def cohort_create(*, actor: User, organisation: Organisation, name: str, case_ids: list[str]) -> Cohort:
    name = name.strip()
    if not name:
        raise TrainingError(_("Give the cohort a name."))
    known = {c.id for c in cases()}
    unknown = [c for c in case_ids if c not in known]
    if not case_ids or unknown:
        raise TrainingError(_("Choose at least one practice case."))
    cohort = Cohort.objects.create(organisation=organisation, name=name, case_ids=list(dict.fromkeys(case_ids)),
                                   created_by=actor)
    audit_record(actor=actor, action=Action.TRAINING_COHORT_CREATED, organisation=organisation,
                 target_type="cohort", target_id=cohort.pk, details={"cases": len(cohort.case_ids)})
    return cohort


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
