"""Training data lives apart from case data: no table here refers to a screening, report or case.

A practice attempt stores only ids of invented cases and of interview questions, and the trainee's
marks; nothing here is personal data of a person met in real work.
"""

from __future__ import annotations

from django.db import models

from tipnet.web.accounts.models import Organisation, User


class Cohort(models.Model):
    """A group of trainees run by a trainer of one organisation through a set of practice cases."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=200)
    case_ids = models.JSONField(default=list)
    #: The check of its practice cases against the organisation's stored cases (services.py,
    #: ``practice_cases_check``): "passed", "no_cases" (the organisation kept no case when it ran),
    #: or "pending": not checked yet, because whoever made the cohort held no unlocked share of the
    #: organisation's key (an organisation admin never does). A pending cohort's cases open to its
    #: trainees only once a caseworker or case supervisor of the organisation has run the check (at
    #: their next sign-in, or with the button on the cohort page).
    case_check = models.CharField(max_length=20, default="pending")
    #: Practice cases the check found resembling a stored person after the cohort was made: taken
    #: out of ``case_ids`` (nobody practises or must pass them) and kept here to say so.
    withheld_case_ids = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class CohortInvite(models.Model):
    """A one-time join link: only the SHA-256 of its token is stored; used once, then spent."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    used_at = models.DateTimeField(null=True, blank=True)


class CohortMember(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cohort_memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="training_member_once")]


class PracticeAttempt(models.Model):
    """One practice interview: the questions asked in order and, once submitted, the score."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="practice_attempts")
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts")
    case_id = models.CharField(max_length=100)
    asked = models.JSONField(default=list)  # [question id, ...] in the order asked
    record = models.JSONField(null=True, blank=True)
    feedback = models.JSONField(null=True, blank=True)
    passed = models.BooleanField(null=True)
    score = models.PositiveSmallIntegerField(null=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    @property
    def finished(self) -> bool:
        return self.finished_at is not None
