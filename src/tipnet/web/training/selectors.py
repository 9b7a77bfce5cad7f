"""Reads for training: a trainee's progress, a cohort's progress and most-missed indicators."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tipnet.web.accounts.models import User
from tipnet.web.training.models import Cohort, CohortMember, PracticeAttempt


def passed_cases(*, user: User, cohort: Cohort | None = None) -> set[str]:
    attempts = PracticeAttempt.objects.filter(user=user, passed=True)
    if cohort is not None:
        attempts = attempts.filter(case_id__in=cohort.case_ids)
    return set(attempts.values_list("case_id", flat=True))


def trainee_passed_all(*, user: User, cohort: Cohort) -> bool:
    return bool(cohort.case_ids) and set(cohort.case_ids) <= passed_cases(user=user, cohort=cohort)


def trainee_cohorts(*, user: User) -> list[Cohort]:
    return [m.cohort for m in CohortMember.objects.filter(user=user).select_related("cohort")]


@dataclass(frozen=True)
class TraineeProgress:
    user: User
    attempts: int
    passed: int
    total: int
    best: dict[str, int]


def cohort_progress(*, cohort: Cohort) -> list[TraineeProgress]:
    out = []
    members = CohortMember.objects.filter(cohort=cohort).select_related("user").order_by("user__username")
    for m in members:
        attempts = list(PracticeAttempt.objects.filter(user=m.user, case_id__in=cohort.case_ids,
                                                       finished_at__isnull=False))
        best: dict[str, int] = {}
        for a in attempts:
            best[a.case_id] = max(best.get(a.case_id, 0), a.score or 0)
        passed = len({a.case_id for a in attempts if a.passed})
        out.append(TraineeProgress(m.user, len(attempts), passed, len(cohort.case_ids), best))
    return out


def cohort_most_missed(*, cohort: Cohort, limit: int = 10) -> list[tuple[str, int]]:
    """Indicators the cohort's trainees missed most (each finished attempt counts once)."""
    counts: Counter[str] = Counter()
    member_ids = CohortMember.objects.filter(cohort=cohort).values("user_id")
    for feedback in PracticeAttempt.objects.filter(user_id__in=member_ids, case_id__in=cohort.case_ids,
                                                   feedback__isnull=False).values_list("feedback", flat=True):
        counts.update(feedback.get("missed", []))
    return counts.most_common(limit)
