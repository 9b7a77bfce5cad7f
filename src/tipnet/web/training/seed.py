"""The demo cohort: a police-station training run by the demo NGO, with the demo trainee in it."""

from __future__ import annotations

from tipnet.web.accounts.keys import keyring_unlock
from tipnet.web.accounts.models import User
from tipnet.web.training.models import Cohort, CohortMember
from tipnet.web.training.services import cohort_cases_check, cohort_create

DEMO_COHORT = "Demo cohort: police station induction (demo)"
DEMO_CASES = ["titp-debt-passport", "construction-man", "child-papakatsu", "labour-exploitation-only"]


def training_demo_seed(*, trainer: User, trainee: User, checker: User, checker_password: str) -> Cohort:
    """Idempotent: the cohort once, the trainee in it once.

    The trainer is the demo organisation admin, who holds no share of the organisation's key, so
    the cohort is made "pending"; the demo caseworker (a key holder) then runs the check against
    the demo NGO's stored cases, as her next sign-in would, so the demo trainee can start at once."""
    cohort = Cohort.objects.filter(name=DEMO_COHORT).first()
    if cohort is None:
        organisation = trainer.memberships.get(role="org_admin").organisation
        cohort = cohort_create(actor=trainer, organisation=organisation, name=DEMO_COHORT, case_ids=DEMO_CASES)
    cohort_cases_check(actor=checker, cohort=cohort,
                       private_key=keyring_unlock(checker, password=checker_password))
    CohortMember.objects.get_or_create(cohort=cohort, user=trainee)
    return cohort
