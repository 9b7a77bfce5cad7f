"""The person's rights under APPI: erasure on request (a tombstone and the records of disclosure
remain, no fragment of the content), retention per organisation (`tipnet cases retention`), the
export for a disclosure request (recorded as a disclosure to the person), and who read or received
the record. Permissions tried as an attacker would; bad input changes nothing."""

from __future__ import annotations

import datetime
import json

import pytest
from click.testing import CliRunner
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.cases_support import (
    ALIAS,
    HEALTH,
    NAME,
    SEXUAL,
    caseworker_fixture,  # noqa: F401 (the "caseworker" fixture)
    police_organisation,
    runs_a_shelter_for_men,
)
from tests.web.conftest import make_staff, signed_in_client, url
from tests.web.test_cases_documents import case_of, client_of, key_of, pdf_bytes, upload
from tests.web.test_report_line import _database_text
from tipnet.web.accounts.models import AuditEvent, User
from tipnet.web.accounts.roles import OrganisationType, Role
from tipnet.web.cases import rights, services
from tipnet.web.cases.models import (
    Case,
    CaseDocument,
    CaseErasure,
    CaseEvent,
    CaseScreening,
    CaseTask,
    CaseToken,
    Consent,
    Disclosure,
    Referral,
    RetentionPolicy,
    SubjectAccess,
)
from tipnet.web.screening.models import ScreeningRecord

NOTE = "Thuong says the broker Le Van Quy in Vinh keeps his passport"
TASK = "Accompany Thuong to the Hamamatsu labour office"
DOC_MARK = "PASSPORT-C99188-THUONG"
DOC_TITLE = "Thuong passport scan, Vinh office"
REASON = "Thuong asked in writing on 3 May 2026 for his record to be erased"


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def supervisor(staff):  # type: ignore[no-untyped-def]
    """The NGO's case supervisor, a key holder before the organisation's key is made."""
    user = staff[Role.CASE_SUPERVISOR]
    key_of(user)
    return user


@pytest.fixture
def shelter_worker(organisations):  # type: ignore[no-untyped-def]
    user = make_staff("shelter_rights", organisations["other"], Role.CASEWORKER)
    key_of(user)
    return user


def _full_case(caseworker, supervisor, organisations, shelter_worker) -> Case:  # type: ignore[no-untyped-def]
    """A case with everything hanging on it: note, task, document, screening, a police disclosure
    and a referral to the shelter (read by the shelter)."""
    today = timezone.localdate()
    case = case_of(caseworker)
    client = client_of(caseworker)
    services.case_event_add(actor=caseworker, case=case, kind="note", occurred_on=today, text=NOTE)
    services.case_task_add(actor=caseworker, case=case, title=TASK, due_on=today)
    assert upload(client, case, data=pdf_bytes(DOC_MARK), title=DOC_TITLE).status_code == 302
    screening = ScreeningRecord.objects.create(organisation=case.organisation, staff_language="ja", person_language="vi",
                                               profile="adult_labour", catalogue_version="test")
    services.case_screening_link(actor=caseworker, case=case, screening=screening)
    police = services.case_disclose(actor=caseworker, case=case, recipient=police_organisation(), purpose="police")
    runs_a_shelter_for_men(organisations["other"])
    services.consent_record(actor=caseworker, case=case, purpose="referral", given_on=today,
                            recipient=organisations["other"])
    referral = services.referral_propose(actor=caseworker, case=case, receiver=organisations["other"],
                                         sections=["identity", "situation"], reason="needs a shelter for men",
                                         private_key=key_of(caseworker))
    services.referral_read(actor=shelter_worker, referral=referral, private_key=key_of(shelter_worker))
    assert police.pk and client.get(url("cases:case", case.pk)).status_code == 200
    return case


def _erase(client, case: Case, user: User, **overrides: str):  # type: ignore[no-untyped-def]
    data = {"reason": REASON, "confirmation": case.reference, "code": _code(user)}
    data.update(overrides)
    return client.post(url("cases:erase", case.pk), data)


def test_erasure_on_request_leaves_a_tombstone_the_records_of_disclosure_and_no_fragment(  # type: ignore[no-untyped-def]
        caseworker, supervisor, organisations, shelter_worker) -> None:
    case = _full_case(caseworker, supervisor, organisations, shelter_worker)
    dump = _database_text()
    assert case.reference in dump
    client = client_of(supervisor)
    response = _erase(client, case, supervisor)
    assert response.status_code == 302 and response["Location"].endswith(f"#erased-{case.pk}")
    case.refresh_from_db()
    assert case.status == Case.Status.ERASED and bytes(case.ciphertext) == b"" and bytes(case.sealed_key) == b""
    assert case.closed_on == timezone.localdate()
    for model in (CaseEvent, CaseTask, CaseDocument, CaseToken, CaseScreening):
        assert not model.objects.filter(case=case).exists(), model
    assert not ScreeningRecord.objects.exists()
    # What stays: the tombstone, the consents, the records of disclosure, the referral without its copy.
    erasure = CaseErasure.objects.get(case=case)
    assert erasure.cause == "request" and erasure.erased_by == supervisor
    assert Disclosure.objects.filter(case=case).count() == 2
    assert Consent.objects.filter(case=case).count() >= 3
    referral = Referral.objects.get(case=case)
    assert referral.state == Referral.State.REVOKED and bytes(referral.ciphertext) == b""
    entry = AuditEvent.objects.get(action="case.erased")
    assert entry.target_id == str(case.pk) and entry.details["cause"] == "request"
    assert entry.details["referrals_revoked"] == [referral.pk] and entry.details["documents"] == 1
    assert AuditEvent.objects.filter(action="referral.revoked", target_id=str(referral.pk)).exists()
    # No fragment of the content anywhere in the database (the reason is sealed: it may name him).
    dump = _database_text()
    for needle in (NAME, "Nguyen", ALIAS, "Hamamatsu", "Kakegawa", "Nghe An", HEALTH[:20], SEXUAL[:20], "Le Van Quy",
                   "Vinh", NOTE[:20], TASK[:20], DOC_MARK, DOC_TITLE, "1999-04-03", "technical_intern", "debt_bondage",
                   "VNM", "needs a shelter", REASON[:20]):
        assert needle not in dump, needle
    assert case.reference in dump
    # The tombstone page shows it, with the sealed reason, to the supervisor; the case itself is gone.
    page = client.get(url("cases:erased")).content.decode()
    assert case.reference in page and REASON in page
    assert client.get(url("cases:case", case.pk)).status_code == 404
    assert client_of(caseworker).get(url("cases:case", case.pk)).status_code == 404
    assert case.reference not in client_of(caseworker).get(url("cases:list")).content.decode()
    assert client.post(url("cases:erase", case.pk), {"reason": REASON, "confirmation": case.reference}).status_code == 404


@pytest.mark.parametrize("bad", [
    {"reason": ""}, {"reason": "asked"}, {"confirmation": ""}, {"confirmation": "C-2026-999999"},
    {"code": ""}, {"code": "000000"}, {"code": "abcdef"},
])
def test_bad_erasure_input_changes_nothing(bad, caseworker, supervisor) -> None:  # type: ignore[no-untyped-def]
    case = case_of(caseworker)
    services.case_event_add(actor=caseworker, case=case, kind="note", occurred_on=timezone.localdate(), text=NOTE)
    before = (bytes(case.ciphertext), case.version, CaseEvent.objects.count())
    client = client_of(supervisor)
    if bad.get("code") == "000000" and _code(supervisor) == "000000":
        bad = {"code": "000001"}
    with translation.override("en"):
        response = _erase(client, case, supervisor, **bad)
    assert response.status_code == 400
    assert 'id="rights-error"' in response.content.decode()
    case.refresh_from_db()
    assert (bytes(case.ciphertext), case.version, CaseEvent.objects.count()) == before
    assert case.status == Case.Status.ACTIVE and not CaseErasure.objects.exists()
    assert not AuditEvent.objects.filter(action="case.erased").exists()


def test_only_a_supervisor_of_the_owning_organisation_erases_exports_or_sees_who_read(  # type: ignore[no-untyped-def]
        caseworker, supervisor, organisations, staff) -> None:
    case = case_of(caseworker)
    stranger = make_staff("stranger_supervisor", organisations["other"], Role.CASE_SUPERVISOR)
    attackers = [caseworker, stranger, staff[Role.RESEARCHER], staff[Role.ORG_ADMIN], staff[Role.NETWORK_ADMIN],
                 staff[Role.COORDINATOR], staff[Role.TRAINEE]]
    for attacker in attackers:
        client = signed_in_client(attacker)  # no key needed: refused before any content
        assert _erase(client, case, attacker).status_code == 404, attacker
        assert client.post(url("cases:export", case.pk), {"format": "json"}).status_code == 404, attacker
        assert client.get(url("cases:rights", case.pk)).status_code == 404, attacker
    assert client.get(url("cases:erased")).status_code == 404
    # Missing and forbidden look the same.
    assert signed_in_client(stranger).get(url("cases:rights", 987654)).status_code == 404
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE and not CaseErasure.objects.exists() and not SubjectAccess.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["case.erased", "export"]).exists()
    page = client_of(caseworker).get(url("cases:case", case.pk)).content.decode()
    assert 'id="case-rights"' not in page
    assert 'id="case-rights"' in client_of(supervisor).get(url("cases:case", case.pk)).content.decode()


def test_the_export_holds_everything_and_is_recorded_as_a_disclosure_to_the_person(  # type: ignore[no-untyped-def]
        caseworker, supervisor, organisations, shelter_worker) -> None:
    case = _full_case(caseworker, supervisor, organisations, shelter_worker)
    client = client_of(supervisor)
    assert client.post(url("cases:export", case.pk), {"format": "xml"}).status_code == 400
    assert not SubjectAccess.objects.exists()
    response = client.post(url("cases:export", case.pk), {"format": "json"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith(f'{case.reference}-export.json"')
    data = json.loads(response.content)
    assert data["sections"]["identity"]["names"] == [NAME] and data["sections"]["health"]["health_notes"] == HEALTH
    assert any(e["text"] == NOTE for e in data["timeline"]) and data["tasks"][0]["title"] == TASK
    assert {c["purpose"] for c in data["consents"]} >= {"interview", "police", "referral"}
    assert [d["recipient"] for d in data["disclosures"]] == ["Prefectural Police", "Other NGO"]
    assert data["referrals"][0]["receiver"] == "Other NGO" and data["referrals"][0]["sections"] == ["identity", "situation"]
    assert data["documents"][0]["title"] == DOC_TITLE and DOC_MARK not in response.content.decode()
    access = SubjectAccess.objects.get()
    assert access.case == case and access.format == "json" and access.made_by == supervisor
    audit = AuditEvent.objects.get(action="export")
    assert audit.target_id == str(case.pk) and audit.details == {"to": "data_subject", "subject_access": access.pk, "format": "json"}
    with translation.override("en"):
        page = client.post(url("cases:export", case.pk), {"format": "html"})
    body = page.content.decode()
    assert page.status_code == 200 and NAME in body and NOTE in body and "Sharing with the police" in body
    assert SubjectAccess.objects.count() == 2
    # Both exports appear as given to the person, and stay after an erasure.
    assert _erase(client, case, supervisor).status_code == 302
    assert SubjectAccess.objects.filter(case=case).count() == 2


def test_who_read_or_received_lists_reads_downloads_referral_reads_and_exports(  # type: ignore[no-untyped-def]
        caseworker, supervisor, organisations, shelter_worker) -> None:
    case = _full_case(caseworker, supervisor, organisations, shelter_worker)
    document = CaseDocument.objects.get(case=case)
    assert client_of(caseworker).get(url("cases:document", case.pk, document.pk)).status_code == 200
    client = client_of(supervisor)
    client.post(url("cases:export", case.pk), {"format": "json"})
    with translation.override("en"):
        page = client.get(url("cases:rights", case.pk))
    assert page.status_code == 200
    reads = page.content.decode().split('id="reads"')[1]
    receivers = page.content.decode().split('id="receivers"')[1].split('id="reads"')[0]
    assert "user_caseworker" in reads and "shelter_rights" in reads and "Other NGO" in reads
    assert "Opened a document" in reads and "Read the referral" in reads and "Export given to the person" in reads
    assert "Opened the case" in reads
    assert "Prefectural Police" in receivers and "Other NGO" in receivers and "The person themself" in receivers
    assert NAME not in page.content.decode(), "the list shows who and when, never the content"
    entries = rights.who_read(case=case)
    assert entries[0].what.startswith("Export") and len(entries) >= 4
    assert AuditEvent.objects.filter(action="audit.viewed", target_id=str(case.pk)).exists()


def _closed(case: Case, days_ago: int) -> Case:
    closed_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=closed_on)
    case.refresh_from_db()
    return case


def test_retention_erases_closed_cases_past_the_period_and_keeps_the_rest(  # type: ignore[no-untyped-def]
        caseworker, supervisor, organisations, staff) -> None:
    from tipnet.cli import main

    old = _closed(case_of(caseworker, name="Old Closed Person", birth="1980-01-01"), days_ago=3 * 366)
    services.case_disclose(actor=caseworker, case=old, recipient=police_organisation(), purpose="police")
    recent = _closed(case_of(caseworker, name="Recent Closed Person", birth="1981-01-01"), days_ago=200)
    active = case_of(caseworker, name="Still Active Person", birth="1982-01-01")
    Case.objects.filter(pk=active.pk).update(opened_on=datetime.date(2015, 1, 1))
    admin = signed_in_client(staff[Role.ORG_ADMIN])
    ngo = organisations["ngo"]
    for bad in ({"years": "0"}, {"years": "31"}, {"years": "two"}, {"years": "2", "organisation": organisations["other"].pk}):
        response = admin.post(url("cases:retention"), {"organisation": ngo.pk, **bad})
        assert response.status_code == 400, bad
    assert not RetentionPolicy.objects.exists() and rights.retention_years(organisation=ngo) == 5
    assert admin.post(url("cases:retention"), {"organisation": ngo.pk, "years": "2"}).status_code == 200
    assert rights.retention_years(organisation=ngo) == 2
    assert AuditEvent.objects.filter(action="case.retention_set", details__years=2).exists()

    runner = CliRunner()
    assert runner.invoke(main, ["cases", "retention", "--organisation", "No Such NGO"]).exit_code == 2
    assert runner.invoke(main, ["cases", "retention", "--today", "2026-13-40"]).exit_code == 2
    dry = runner.invoke(main, ["cases", "retention", "--dry-run"])
    assert dry.exit_code == 0 and f"would erase {old.reference}" in dry.output and "would erase 1 case(s) and 0 received referral copy(ies) in all" in dry.output
    assert not CaseErasure.objects.exists() and Case.objects.get(pk=old.pk).status == Case.Status.CLOSED
    run = runner.invoke(main, ["cases", "retention"])
    assert run.exit_code == 0 and f"erased {old.reference}" in run.output, run.output
    old.refresh_from_db()
    assert old.status == Case.Status.ERASED and bytes(old.ciphertext) == b""
    erasure = CaseErasure.objects.get(case=old)
    assert erasure.cause == "retention" and erasure.retention_years == 2 and erasure.erased_by is None
    assert Disclosure.objects.filter(case=old).count() == 1
    entry = AuditEvent.objects.get(action="case.erased")
    assert entry.actor_id is None and entry.details["years"] == 2
    for kept in (recent, active):
        kept.refresh_from_db()
        assert kept.status != Case.Status.ERASED and bytes(kept.ciphertext)
    assert "Old Closed" not in _database_text()
    # A second run finds nothing more.
    assert "erased 0 case(s) and 0 received referral copy(ies) in all" in runner.invoke(main, ["cases", "retention"]).output


def test_retention_page_only_for_its_organisations(organisations, staff) -> None:  # type: ignore[no-untyped-def]
    from tipnet.web.accounts.models import Organisation

    trustee_admin = make_staff("trustee_admin", organisations["trustee"], Role.ORG_ADMIN)
    assert signed_in_client(trustee_admin).get(url("cases:retention")).status_code == 404
    for role in (Role.RESEARCHER, Role.CASEWORKER, Role.NETWORK_ADMIN, Role.HOTLINE_OPERATOR):
        assert signed_in_client(staff[role]).get(url("cases:retention")).status_code == 404, role
    shelter = Organisation.objects.create(name="Shelter B", type=OrganisationType.NGO)
    response = signed_in_client(staff[Role.CASE_SUPERVISOR]).post(url("cases:retention"), {"organisation": shelter.pk, "years": "1"})
    assert response.status_code == 400 and not RetentionPolicy.objects.exists()


def test_without_the_unlocked_key_the_export_decrypts_and_records_nothing(caseworker, supervisor) -> None:  # type: ignore[no-untyped-def]
    case = case_of(caseworker)
    response = signed_in_client(supervisor).post(url("cases:export", case.pk), {"format": "json"})
    assert response.status_code == 403 and NAME.encode() not in response.content
    assert not SubjectAccess.objects.exists() and not AuditEvent.objects.filter(action="export").exists()


def test_erasing_a_case_received_by_transfer_erases_the_copy_sealed_to_us(caseworker, supervisor, organisations) -> None:  # type: ignore[no-untyped-def]
    from tests.web.cases_support import case_row, referral_row

    case = case_of(caseworker)
    sender_owner = make_staff("sender_cw", organisations["other"], Role.CASEWORKER)
    sender_case = case_row(organisations["other"], owner=sender_owner)[0]
    transfer = referral_row(sender_case, organisations["ngo"], by=sender_owner)
    Referral.objects.filter(pk=transfer.pk).update(kind="transfer", state="accepted", transferred_case=case,
                                                   sealed_key=b"k" * 48, ciphertext=b"sealed content of the person")
    rights.case_erase(actor=supervisor, case=case, cause="request", reason=REASON)
    transfer.refresh_from_db()
    assert bytes(transfer.ciphertext) == b"" and transfer.state == "accepted" and transfer.transferred_case_id == case.pk
    sender_case.refresh_from_db()
    assert sender_case.status == Case.Status.ACTIVE, "the sender's own case is the sender's business"


def test_a_received_copy_follows_the_receivers_own_retention(caseworker, organisations, shelter_worker) -> None:  # type: ignore[no-untyped-def]
    """The shelter holds the referral's copy as a handling operator of its own: once it has finished
    with the referral (completed or rejected) and its own period has passed, the copy is erased; the
    referral row stays as the record of provision, and the sender's case is untouched."""
    from tipnet.cli import main

    runs_a_shelter_for_men(organisations["other"])
    today = timezone.localdate()
    case = case_of(caseworker, name="Referred Long Ago", birth="1990-02-02")
    services.consent_record(actor=caseworker, case=case, purpose="referral", given_on=today,
                            recipient=organisations["other"])
    done = services.referral_propose(actor=caseworker, case=case, receiver=organisations["other"],
                                     sections=["identity", "situation"], reason="a bed", private_key=key_of(caseworker))
    services.referral_decide(actor=shelter_worker, referral=done, action="accept")
    services.referral_decide(actor=shelter_worker, referral=done, action="complete")
    still_open = services.referral_propose(actor=caseworker, case=case, receiver=organisations["other"],
                                           sections=["situation"], reason="legal help later",
                                           private_key=key_of(caseworker))
    rights.retention_set(actor=shelter_worker, organisation=organisations["other"], years=1)
    Referral.objects.filter(pk=done.pk).update(decided_at=timezone.now() - datetime.timedelta(days=400))
    runner = CliRunner()
    dry = runner.invoke(main, ["cases", "retention", "--dry-run"])
    assert dry.exit_code == 0 and f"would erase the copy of referral {done.pk}" in dry.output, dry.output
    assert bytes(Referral.objects.get(pk=done.pk).ciphertext)
    run = runner.invoke(main, ["cases", "retention"])
    assert run.exit_code == 0 and "erased 0 case(s) and 1 received referral copy(ies) in all" in run.output, run.output
    erased, kept = Referral.objects.get(pk=done.pk), Referral.objects.get(pk=still_open.pk)
    assert bytes(erased.ciphertext) == b"" and erased.state == "completed"  # the record of provision stays
    assert bytes(kept.ciphertext) and Case.objects.get(pk=case.pk).status != Case.Status.ERASED
    assert services.referral_read(actor=shelter_worker, referral=erased, private_key=key_of(shelter_worker)) == {}
    entry = AuditEvent.objects.get(action="case.erased", target_type="referral")
    assert entry.actor_id is None and entry.details["copy"] == "received" and str(entry.target_id) == str(done.pk)
