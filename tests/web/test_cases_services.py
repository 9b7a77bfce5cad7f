"""Case services: sealed content, references, tasks due, optimistic locking, duplicate warning,
consent refusals and the override only a case supervisor may use (the Primero gap)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.web.cases_support import (
    ALIAS,
    HEALTH,
    NAME,
    caseworker_fixture,  # noqa: F401 (the "caseworker" fixture)
    intake_content,
    open_case,
    unlocked,
)
from tests.web.conftest import make_staff
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.cases import services
from tipnet.web.cases.models import Case, CaseEvent, CaseToken, Consent, Disclosure
from tipnet.web.cases.selectors import tasks_due


@pytest.fixture
def supervisor(staff, caseworker):  # type: ignore[no-untyped-def]
    user = staff[Role.CASE_SUPERVISOR]
    unlocked(user)
    return user


@pytest.fixture
def police(db):  # type: ignore[no-untyped-def]
    """Disclosures to the police go to an organisation of type law enforcement (issue 12)."""
    from tipnet.web.accounts.models import Organisation
    from tipnet.web.accounts.roles import OrganisationType

    return Organisation.objects.create(name="Prefectural Police", type=OrganisationType.LAW_ENFORCEMENT)


def test_a_case_gets_a_neutral_reference_per_organisation_and_year(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    first, second = open_case(caseworker), open_case(caseworker, name="Tran Thi Mai")
    year = timezone.localdate().year
    assert (first.reference, second.reference) == (f"C-{year}-000001", f"C-{year}-000002")
    other = make_staff("other_cw", organisations["other"], Role.CASEWORKER)
    unlocked(other)
    assert open_case(other).reference == f"C-{year}-000001"
    assert NAME not in first.reference
    assert AuditEvent.objects.filter(action="case.opened", target_id=str(first.pk)).exists()


def test_the_owner_reads_every_section_and_each_read_is_audited(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    content = services.case_read(actor=caseworker, case=case, private_key=unlocked(caseworker))
    assert content.sections["identity"]["names"] == [NAME]
    assert content.sections["identity"]["aliases"] == [ALIAS]
    assert content.sections["situation"]["residence_status"] == "technical_intern"
    assert content.sections["health"]["health_notes"] == HEALTH
    read = AuditEvent.objects.get(action="record.read", target_type="case", target_id=str(case.pk))
    assert read.details == {"sections": ["health", "identity", "sexual", "situation"]}


def test_a_colleague_does_not_see_health_or_sexual_history_a_supervisor_does(caseworker, supervisor, organisations) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    colleague = make_staff("colleague", organisations["ngo"], Role.CASEWORKER)
    from tipnet.web.accounts import orgkeys

    orgkeys.organisation_share_grant(actor=caseworker, private_key=unlocked(caseworker),
                                     organisation=organisations["ngo"], user=_with_keyring(colleague))
    seen = services.case_read(actor=colleague, case=case, private_key=unlocked(colleague))
    assert set(seen.sections) == {"identity", "situation"}
    assert HEALTH not in str(seen)
    assert set(services.case_read(actor=supervisor, case=case, private_key=unlocked(supervisor)).sections) == {
        "identity", "situation", "health", "sexual"}
    # The colleague's edit cannot touch, nor erase, what she does not see.
    with pytest.raises(services.CaseError):
        services.case_update(actor=colleague, case=case, expected_version=1, content={"health": {}}, status="active",
                             private_key=unlocked(colleague))
    services.case_update(actor=colleague, case=case, expected_version=1,
                         content={"identity": {"names": ["Nguyen V. Thuong"]}, "situation": {}}, status="follow_up",
                         private_key=unlocked(colleague))
    kept = services.case_read(actor=caseworker, case=Case.objects.get(pk=case.pk), private_key=unlocked(caseworker))
    assert kept.sections["health"]["health_notes"] == HEALTH
    assert kept.sections["identity"]["names"] == ["Nguyen V. Thuong"]


def _with_keyring(user):  # type: ignore[no-untyped-def]
    unlocked(user)
    return user


def test_a_stale_edit_is_refused_and_changes_nothing(caseworker, supervisor) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    services.case_update(actor=supervisor, case=case, expected_version=1, content=intake_content("Nguyen Van Thuong B"),
                         status="active", private_key=unlocked(supervisor))
    before = Case.objects.get(pk=case.pk)
    with pytest.raises(services.CaseConflict):
        services.case_update(actor=caseworker, case=case, expected_version=1, content=intake_content("Overwritten"),
                             status="closed", private_key=unlocked(caseworker))
    after = Case.objects.get(pk=case.pk)
    assert (after.version, after.status, bytes(after.ciphertext)) == (2, "active", bytes(before.ciphertext))
    assert after.version == 2 and not AuditEvent.objects.filter(action="case.updated", details__version=3).exists()


def test_closing_records_the_date_and_a_status_event(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    closed = services.case_update(actor=caseworker, case=case, expected_version=1, content={}, status="closed",
                                  private_key=unlocked(caseworker))
    assert closed.closed_on == timezone.localdate() and closed.version == 2
    assert closed.events.filter(kind=CaseEvent.Kind.STATUS).exists()


def test_intake_without_consent_to_the_interview_is_refused(caseworker) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.ConsentRefused):
        open_case(caseworker, consents={"police", "research"})
    assert not Case.objects.exists()


def test_tasks_due_this_week_include_overdue_not_later_or_done(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    today = timezone.localdate()
    soon = services.case_task_add(actor=caseworker, case=case, title="Labour inspection appointment", due_on=today + datetime.timedelta(days=3))
    later = services.case_task_add(actor=caseworker, case=case, title="Passport renewal", due_on=today + datetime.timedelta(days=30))
    done = services.case_task_add(actor=caseworker, case=case, title="Shelter intake", due_on=today)
    services.case_task_done(actor=caseworker, task=done)
    due = list(tasks_due(user=caseworker))
    assert due == [soon] and later not in due
    listed = services.tasks_due_this_week(user=caseworker, private_key=unlocked(caseworker))
    assert listed == [(soon, "Labour inspection appointment")]
    with pytest.raises(services.CaseError):
        services.case_task_add(actor=caseworker, case=case, title="", due_on=today)
    with pytest.raises(services.CaseError):
        services.case_task_add(actor=caseworker, case=case, title="Too early", due_on=case.opened_on - datetime.timedelta(days=1))


def test_the_duplicate_warning_finds_another_spelling_and_a_swapped_birth_date(caseworker) -> None:  # type: ignore[no-untyped-def]
    first = open_case(caseworker)
    open_case(caseworker, name="Maria Santos Dela Cruz", birth="1990-01-12")
    assert CaseToken.objects.filter(case=first).count() > 3
    again = intake_content("Nguyen Van Thuonng", birth="1999-03-04")
    again["identity"]["aliases"] = []
    found = services.case_duplicates_check(actor=caseworker, organisation=first.organisation, content=again,
                                           private_key=unlocked(caseworker))
    assert [d.case for d in found] == [first]
    assert "birth_date_swapped" in found[0].reasons
    stranger = intake_content("Pham Quoc Bao", birth="2001-09-30")
    stranger["identity"]["aliases"] = []
    assert services.case_duplicates_check(actor=caseworker, organisation=first.organisation, content=stranger,
                                          private_key=unlocked(caseworker)) == []
    assert AuditEvent.objects.filter(action="record.read", target_id=str(first.pk), details__purpose="duplicate_check").exists()


# --------------------------------------------------------------------------------------- consent


def test_disclosure_to_police_needs_a_current_consent(caseworker, organisations, police) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker, consents={"interview"})
    with pytest.raises(services.ConsentRefused):
        services.case_disclose(actor=caseworker, case=case, recipient=police, purpose="police")
    assert not Disclosure.objects.exists()
    consent = services.consent_record(actor=caseworker, case=case, purpose="police", given_on=timezone.localdate())
    disclosure = services.case_disclose(actor=caseworker, case=case, recipient=police, purpose="police")
    assert not disclosure.overridden
    assert AuditEvent.objects.filter(action="disclosure", recipient_organisation_id=police.pk).exists()
    services.consent_withdraw(actor=caseworker, consent=consent)
    assert Consent.objects.get(pk=consent.pk).withdrawn_on == timezone.localdate()
    with pytest.raises(services.ConsentRefused):
        services.case_disclose(actor=caseworker, case=case, recipient=police, purpose="police")
    assert Disclosure.objects.count() == 1


def test_a_referral_consent_names_its_receiver(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    shelter, trustee = organisations["other"], organisations["trustee"]
    with pytest.raises(services.CaseError):
        services.consent_record(actor=caseworker, case=case, purpose="referral", given_on=timezone.localdate())
    services.consent_record(actor=caseworker, case=case, purpose="referral", given_on=timezone.localdate(), recipient=shelter)
    services.case_disclose(actor=caseworker, case=case, recipient=shelter, purpose="referral")
    with pytest.raises(services.ConsentRefused):
        services.case_disclose(actor=caseworker, case=case, recipient=trustee, purpose="referral")


def test_a_caseworker_sending_an_override_flag_is_refused(caseworker, organisations, police) -> None:  # type: ignore[no-untyped-def]
    """The Primero gap: the server, not the client, decides who may override a missing consent."""
    case = open_case(caseworker, consents={"interview"})
    with pytest.raises(services.ConsentRefused, match="Only a case supervisor"):
        services.case_disclose(actor=caseworker, case=case, recipient=police, purpose="police",
                               override=True, reason="A life is in danger: threats by the broker tonight")
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="consent.overridden").exists()


def test_a_supervisor_overrides_with_a_reason_and_it_is_audited(caseworker, supervisor, organisations, police) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker, consents={"interview"})
    with pytest.raises(services.CaseError):
        services.case_disclose(actor=supervisor, case=case, recipient=police, purpose="police",
                               override=True, reason="")
    disclosure = services.case_disclose(actor=supervisor, case=case, recipient=police, purpose="police",
                                        override=True, reason="A life is in danger: threats by the broker tonight")
    assert disclosure.overridden and disclosure.event is not None
    audit = AuditEvent.objects.get(action="consent.overridden")
    assert audit.details["disclosure"] == disclosure.pk and "broker" not in str(audit.details)
    timeline = dict((e.kind, t) for e, t in services.case_timeline(actor=supervisor, case=case, private_key=unlocked(supervisor)))
    assert "broker" in timeline[CaseEvent.Kind.OVERRIDE]


def test_research_use_follows_the_research_consent(caseworker) -> None:  # type: ignore[no-untyped-def]
    with_consent = open_case(caseworker, consents={"interview", "research"})
    open_case(caseworker, consents={"interview"}, name="Tran Thi Mai")
    assert services.cases_with_research_consent(organisation=with_consent.organisation) == [with_consent]
    services.consent_withdraw(actor=caseworker, consent=with_consent.consents.get(purpose="research"))
    assert services.cases_with_research_consent(organisation=with_consent.organisation) == []


def test_a_return_through_iom_plans_check_ins_at_3_6_and_12_months(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    returned = case.opened_on
    tasks = services.case_return_record(actor=caseworker, case=case, returned_on=returned, through_iom=True)
    months = [(t.due_on.year - returned.year) * 12 + t.due_on.month - returned.month for t in tasks]
    assert months == [3, 6, 12] and all(t.assignee == caseworker for t in tasks)
    assert Case.objects.get(pk=case.pk).status == "follow_up"
    timeline = {e.kind: t for e, t in services.case_timeline(actor=caseworker, case=case, private_key=unlocked(caseworker))}
    assert timeline[CaseEvent.Kind.RETURN] == "Returned home through IOM"
    titles = services.task_titles(user=caseworker, private_key=unlocked(caseworker), tasks=tasks)
    assert titles[tasks[0].pk] == "Check-in 3 months after return"
    with pytest.raises(services.CaseError):
        services.case_return_record(actor=caseworker, case=case, returned_on=case.opened_on - datetime.timedelta(days=1),
                                    through_iom=False)
    assert services._months_later(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
