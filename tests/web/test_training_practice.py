"""The practice interview through HTTP: the case answers, the record is scored, feedback explains."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.web.conftest import make_staff, signed_in_client, url
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.training.models import PracticeAttempt

CASE = "titp-debt-passport"


@pytest.fixture(autouse=True)
def trainee_in_cohort(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    """The trainee practises the cases of her cohort (checked: trainees start no case otherwise)."""
    from tipnet.web.training.library import cases
    from tipnet.web.training.models import Cohort, CohortMember

    cohort = Cohort.objects.create(organisation=organisations["ngo"], name="Practice", case_check="passed",
                                   case_ids=[c.id for c in cases()], created_by=staff[Role.CASEWORKER])
    CohortMember.objects.create(cohort=cohort, user=staff[Role.TRAINEE])


def start(client: Client, case: str = CASE) -> int:
    response = client.post(url("training:start"), {"case": case})
    assert response.status_code == 302
    return int(re.search(r"/practice/(\d+)/", response["Location"]).group(1))


def ask(client: Client, attempt: int, question: str) -> None:
    response = client.post(url("training:ask", attempt), {"question": question})
    assert response.status_code == 302, response.content


PERFECT = {
    "age": "23", "visa": "technical_intern", "form": "labour", "acts_known": "on",
    "acts": ["recruitment", "transportation", "receipt"], "commercial_sex": "no",
    "determination": "indicators met",
    "next_steps": ["safety_and_medical", "shelter", "legal_help", "residence_status", "non_punishment",
                   "police_report_with_consent", "labour_consultation", "change_of_employer"],
    **{f"i_{i}": "yes" for i in ["DR_CONTRACT", "DR_CONDITIONS", "DR_WAGES", "CR_DEBT_BONDAGE", "AVR_ECONOMIC",
                                  "AVR_FAMILY_SITUATION", "EX_EXCESSIVE_HOURS", "EX_LOW_NO_PAY",
                                  "EX_NO_LABOUR_LAW_RESPECT", "CD_DOC_CONFISCATION", "CD_DEBT_BONDAGE",
                                  "AVD_DEPENDENCY", "AVD_AUTHORITIES_STATUS"]},
}


def test_the_case_answers_and_care_changes_the_answer(staff) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(staff[Role.TRAINEE])
    attempt = start(client)
    ask(client, attempt, "CD_DOC_CONFISCATION")
    page = client.get(url("training:attempt", attempt)).content.decode()
    assert "...I keep it myself." in page and "(asked before safety and consent)" in page
    # Asked with care in a second attempt, the same person tells the truth.
    attempt2 = start(client)
    for q in ("W_SAFE_NOW", "W_CONSENT", "CD_DOC_CONFISCATION"):
        ask(client, attempt2, q)
    page = client.get(url("training:attempt", attempt2)).content.decode()
    assert "Actually the organisation keeps it." in page
    # Questions also appear in the person's language (Vietnamese).
    assert 'lang="vi"' in page


def test_perfect_record_passes_and_is_audited(staff) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(staff[Role.TRAINEE])
    attempt = start(client)
    for q in ("W_SAFE_NOW", "W_CONSENT", "CD_DOC_CONFISCATION"):
        ask(client, attempt, q)
    response = client.post(url("training:record", attempt), PERFECT)
    assert response.status_code == 302
    row = PracticeAttempt.objects.get(pk=attempt)
    assert row.passed and row.score == 100
    page = client.get(url("training:feedback", attempt)).content.decode()
    assert "Passed. Score: 100 of 100." in page
    assert "You found 13 of 13 indicators" in page
    event = AuditEvent.objects.filter(action="training.attempt_scored").latest("pk")
    assert event.details == {"case": CASE, "passed": True, "score": 100}
    # Finished: asking again is refused and nothing changes.
    assert client.post(url("training:ask", attempt), {"question": "W_MEDICAL"}).status_code == 400
    assert PracticeAttempt.objects.get(pk=attempt).asked == ["W_SAFE_NOW", "W_CONSENT", "CD_DOC_CONFISCATION"]


def test_missed_indicator_is_explained_with_its_rule_and_question(staff) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(staff[Role.TRAINEE])
    attempt = start(client)
    ask(client, attempt, "CD_DOC_CONFISCATION")  # before safety and consent: "no"
    data = {k: v for k, v in PERFECT.items() if k != "i_CD_DOC_CONFISCATION"}
    data["next_steps"] = [s for s in PERFECT["next_steps"] if s != "shelter"]
    client.post(url("training:record", attempt), data)
    page = client.get(url("training:feedback", attempt)).content.decode()
    assert "Missed" in page and "CD_DOC_CONFISCATION" in page
    assert "Rule R1: it counts towards \"Coercion at destination\" (strength S" in page
    assert "Does someone else keep your passport or residence card?" in page
    assert "You asked it before safety and consent, and the person said no" in page
    assert "A shelter is for men too" in page
    assert "You asked about the person's situation before asking about safety and consent" in page
    assert not PracticeAttempt.objects.get(pk=attempt).passed
    assert 'href="/en/staff/training/lessons/asking-with-care/" id="lesson-after"' in page


def test_bad_input_changes_nothing(staff) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(staff[Role.TRAINEE])
    attempt = start(client)
    assert client.post(url("training:ask", attempt), {"question": "NOT_A_QUESTION"}).status_code == 400
    response = client.post(url("training:record", attempt), {"age": "-4", "determination": "guilty"})
    assert response.status_code == 400
    row = PracticeAttempt.objects.get(pk=attempt)
    assert row.asked == [] and row.finished_at is None
    assert client.post(url("training:start"), {"case": "no-such-case"}).status_code == 404


def test_another_persons_attempt_is_not_found(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    owner = signed_in_client(staff[Role.TRAINEE])
    attempt = start(owner)
    other = signed_in_client(make_staff("trainee2", organisations["ngo"], Role.TRAINEE))
    for name in ("training:attempt", "training:record", "training:feedback"):
        assert other.get(url(name, attempt)).status_code == 404
    assert other.post(url("training:ask", attempt), {"question": "W_SAFE_NOW"}).status_code == 404
    assert other.post(url("training:record", attempt), PERFECT).status_code == 404
    assert PracticeAttempt.objects.get(pk=attempt).finished_at is None


def test_lessons_are_shown_with_public_summaries_in_nine_languages(staff) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(staff[Role.TRAINEE])
    page = client.get(url("training:lesson", "non-punishment")).content.decode()
    assert "The non-punishment principle" in page
    assert 'lang="th"' in page and 'lang="pt-br"' in page
    assert client.get(url("training:lesson", "no-such-lesson")).status_code == 404
    ja = client.get(url("training:lesson", "palermo", lang="ja")).content.decode()
    assert "パレルモ議定書の三つの要素" in ja


def test_researcher_and_operator_cannot_practise(staff) -> None:  # type: ignore[no-untyped-def]
    for role in (Role.RESEARCHER, Role.HOTLINE_OPERATOR):
        client = signed_in_client(staff[role])
        assert client.get(url("training:home")).status_code == 404
        assert client.post(url("training:start"), {"case": CASE}).status_code == 404
