"""Who may open which training page. Forbidden and missing look the same (404).

- practise (lessons, practice interviews): trainees, caseworkers and organisation admins;
- an attempt: only the person who made it;
- a cohort (progress, join links): caseworkers and organisation admins of its organisation
  (the trainers);
- a certificate: a member of the cohort who passed every case in it.
The trainee role appears in no other app's access rule, so a trainee reaches no record.
"""

from __future__ import annotations

from django.http import Http404

from tipnet.web.accounts.access import organisations_where, user_has_role
from tipnet.web.accounts.models import User
from tipnet.web.accounts.roles import Role
from tipnet.web.training.library import lesson_by_id
from tipnet.web.training.models import Cohort, CohortMember, PracticeAttempt

PRACTICE_ROLES = (Role.TRAINEE, Role.CASEWORKER, Role.ORG_ADMIN)
TRAINER_ROLES = (Role.CASEWORKER, Role.ORG_ADMIN)


def access_training(*, user: User) -> None:
    if not user_has_role(user, *PRACTICE_ROLES):
        raise Http404


def access_lesson(*, user: User, lesson_id: str) -> None:
    access_training(user=user)
    if lesson_by_id(lesson_id) is None:
        raise Http404


def access_attempt(*, user: User, attempt_id: int) -> PracticeAttempt:
    access_training(user=user)
    attempt = PracticeAttempt.objects.filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise Http404
    return attempt


def access_trainer(*, user: User) -> None:
    if not user_has_role(user, *TRAINER_ROLES):
        raise Http404


def access_cohort(*, user: User, cohort_id: int) -> Cohort:
    access_trainer(user=user)
    cohort = Cohort.objects.filter(pk=cohort_id, organisation__in=organisations_where(user, *TRAINER_ROLES)).first()
    if cohort is None:
        raise Http404
    return cohort


def access_certificate(*, user: User, cohort_id: int) -> Cohort:
    from tipnet.web.training.selectors import trainee_passed_all

    access_training(user=user)
    member = CohortMember.objects.filter(cohort_id=cohort_id, user=user).select_related("cohort").first()
    if member is None or not trainee_passed_all(user=user, cohort=member.cohort):
        raise Http404
    return member.cohort
