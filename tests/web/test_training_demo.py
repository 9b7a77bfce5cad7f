"""The demo seeds a cohort a trainer can run: checked against the demo NGO's stored cases by the
demo caseworker (the organisation admin who runs it holds no key), the demo trainee in it."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import signed_in_client, url
from tipnet.web.accounts.models import AuditEvent, User
from tipnet.web.cases.models import Case
from tipnet.web.demo import demo_load
from tipnet.web.training.models import Cohort, PracticeAttempt
from tipnet.web.training.seed import DEMO_CASES, DEMO_COHORT

pytestmark = pytest.mark.django_db


def test_the_demo_cohort_is_checked_and_open_to_the_demo_trainee() -> None:
    demo_load()
    demo_load()  # idempotent
    cohort = Cohort.objects.get(name=DEMO_COHORT)
    assert Case.objects.filter(organisation=cohort.organisation).exists()  # there was something to check
    assert cohort.case_check == "passed" and cohort.case_ids == DEMO_CASES and cohort.withheld_case_ids == []
    assert cohort.created_by.username == "orgadmin"
    checks = AuditEvent.objects.filter(action="training.cases_checked").order_by("pk")
    names = dict(User.objects.values_list("pk", "username"))
    assert [(names[a.actor_id], a.details["status"]) for a in checks] == [("orgadmin", "no_key"),
                                                                         ("caseworker", "passed")]

    trainee = signed_in_client(User.objects.get(username="trainee"))
    home = trainee.get(url("training:home")).content.decode()
    assert DEMO_COHORT in home and f'id="waiting-{cohort.pk}"' not in home
    assert sorted(re.findall(r'id="start-([a-z-]+)"', home)) == sorted(DEMO_CASES)
    assert trainee.post(url("training:start"), {"case": DEMO_CASES[0]}).status_code == 302
    assert PracticeAttempt.objects.get().cohort == cohort

    trainer = signed_in_client(User.objects.get(username="orgadmin"))
    page = trainer.get(url("training:cohort", cohort.pk)).content.decode()
    assert "Checked: no practice case of this cohort resembles a person" in page and "trainee" in page
