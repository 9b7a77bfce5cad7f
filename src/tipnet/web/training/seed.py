"""The demo cohort: a police-station training run by the demo NGO, with the demo trainee in it."""

from __future__ import annotations

from tipnet.web.accounts.models import User
from tipnet.web.training.models import Cohort, CohortMember
from tipnet.web.training.services import cohort_create

DEMO_COHORT = "Demo cohort: police station induction (demo)"
DEMO_CASES = ["titp-debt-passport", "construction-man", "child-papakatsu", "labour-exploitation-only"]


def training_demo_seed(*, trainer: User, trainee: User) -> Cohort:
    """Idempotent: the cohort once, the trainee in it once."""
    cohort = Cohort.objects.filter(name=DEMO_COHORT).first()
    if cohort is None:
        organisation = trainer.memberships.get(role="org_admin").organisation
        cohort = cohort_create(actor=trainer, organisation=organisation, name=DEMO_COHORT, case_ids=DEMO_CASES)
    CohortMember.objects.get_or_create(cohort=cohort, user=trainee)
    return cohort
