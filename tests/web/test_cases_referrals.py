"""Referrals: consent-gated, sections sealed to the receiving organisation's key, the state machine,
who may move it, and revocation erasing the shared copy."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from tests.web.cases_support import (
    HEALTH,
    NAME,
    caseworker_fixture,  # noqa: F401 (the "caseworker" fixture)
    open_case,
    unlocked,
)
from tests.web.conftest import keyed_client, make_staff, url
from tests.web.test_report_line import _database_text
from tipnet.web.accounts.models import AuditEvent, Organisation
from tipnet.web.accounts.roles import OrganisationType, Role
from tipnet.web.cases import services
from tipnet.web.cases.models import Referral
from tipnet.web.cases.sealing import ContentError, content_open


@pytest.fixture
def shelter_worker(organisations):  # type: ignore[no-untyped-def]
    """A caseworker of the receiving organisation ("Other NGO", a shelter that takes men)."""
    from tipnet.web.directory.models import Service

    # Receivers run a fitting service (issue 12, cases.receivers).
    Service.objects.create(organisation=organisations["other"], name="Shelter for men and women", kinds=["shelter"],
                           sexes=["male", "female"], residence=["regular", "irregular", "trainee"], nationwide=True)
    user = make_staff("shelter_cw", organisations["other"], Role.CASEWORKER)
    unlocked(user)
    return user


def _consent(caseworker, case, receiver) -> None:  # type: ignore[no-untyped-def]
    services.consent_record(actor=caseworker, case=case, purpose="referral", given_on=timezone.localdate(), recipient=receiver)


def test_a_referral_without_the_persons_consent_is_refused(caseworker, shelter_worker, organisations) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    with pytest.raises(services.ConsentRefused):
        services.referral_propose(actor=caseworker, case=case, receiver=organisations["other"], sections=["situation"],
                                  reason="needs a shelter for men", private_key=unlocked(caseworker))
    assert not Referral.objects.exists()


def test_the_receiver_reads_only_the_shared_sections_sealed_to_its_key(caseworker, shelter_worker, organisations) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    shelter = organisations["other"]
    _consent(caseworker, case, shelter)
    referral = services.referral_propose(actor=caseworker, case=case, receiver=shelter, sections=["identity", "situation"],
                                         reason="needs a shelter for men tonight", private_key=unlocked(caseworker))
    assert referral.state == "proposed" and referral.sections == ["identity", "situation"]
    assert referral.disclosure.recipient == shelter
    shared = services.referral_read(actor=shelter_worker, referral=referral, private_key=unlocked(shelter_worker))
    assert shared["sections"]["identity"]["names"] == [NAME] and "health" not in shared["sections"]
    assert HEALTH not in str(shared)
    # Sealed to the shelter's key: the NGO's key does not open it, and nothing of it is in clear.
    from tipnet.web.accounts import orgkeys

    ngo_private = orgkeys.organisation_private_key(user=caseworker, private_key=unlocked(caseworker), organisation=case.organisation)
    with pytest.raises(ContentError):
        content_open(private_key=ngo_private, sealed_key=bytes(referral.sealed_key), ciphertext=bytes(referral.ciphertext))
    assert "shelter for men tonight" not in _database_text()
    assert AuditEvent.objects.filter(action="referral.proposed", recipient_organisation_id=shelter.pk).exists()
    assert AuditEvent.objects.filter(action="record.read", target_type="referral", actor_id=shelter_worker.pk).exists()


def test_states_move_only_from_the_right_side(caseworker, shelter_worker, organisations) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    _consent(caseworker, case, organisations["other"])
    referral = services.referral_propose(actor=caseworker, case=case, receiver=organisations["other"], sections=["situation"],
                                         reason="", private_key=unlocked(caseworker))
    with pytest.raises(services.CaseError):
        services.referral_decide(actor=caseworker, referral=referral, action="accept")  # the sender cannot accept
    with pytest.raises(services.CaseError):
        services.referral_decide(actor=shelter_worker, referral=referral, action="revoke")  # nor the receiver revoke
    with pytest.raises(services.CaseError):
        services.referral_decide(actor=shelter_worker, referral=referral, action="complete")  # not yet accepted
    assert services.referral_decide(actor=shelter_worker, referral=referral, action="accept").state == "accepted"
    assert services.referral_decide(actor=shelter_worker, referral=referral, action="complete").state == "completed"
    with pytest.raises(services.CaseError):
        services.referral_decide(actor=caseworker, referral=referral, action="revoke")  # completed: too late
    timeline = [t for e, t in services.case_timeline(actor=caseworker, case=case, private_key=unlocked(caseworker))
                if e.kind == "referral"]
    assert len(timeline) == 3


def test_revocation_erases_the_shared_copy(caseworker, shelter_worker, organisations, staff) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    _consent(caseworker, case, organisations["other"])
    referral = services.referral_propose(actor=caseworker, case=case, receiver=organisations["other"], sections=["situation"],
                                         reason="", private_key=unlocked(caseworker))
    colleague = make_staff("colleague_r", organisations["ngo"], Role.CASEWORKER)
    with translation.override("en"), pytest.raises(services.CaseError, match="Only the person who referred"):
        services.referral_decide(actor=colleague, referral=referral, action="revoke")
    revoked = services.referral_decide(actor=staff[Role.CASE_SUPERVISOR], referral=referral, action="revoke")
    assert revoked.state == "revoked" and bytes(revoked.sealed_key) == b"" and bytes(revoked.ciphertext) == b""
    assert services.referral_read(actor=shelter_worker, referral=revoked, private_key=unlocked(shelter_worker)) == {}


def test_referral_pages_end_to_end_over_http(caseworker, shelter_worker, organisations) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    shelter = organisations["other"]
    _consent(caseworker, case, shelter)
    sender = keyed_client(caseworker)
    nobody_holds_a_key = sender.post(url("cases:referral_new", case.pk), {"recipient": organisations["trustee"].pk,
                                                                          "sections": ["situation"]})
    assert nobody_holds_a_key.status_code == 400 and "cannot receive referrals yet" in nobody_holds_a_key.content.decode()
    # A hotline operator reads reports, not cases: she holds no share of the trustee's organisation key.
    unlocked(make_staff("trustee_op", organisations["trustee"], Role.HOTLINE_OPERATOR))
    still = sender.post(url("cases:referral_new", case.pk), {"recipient": organisations["trustee"].pk, "sections": ["situation"]})
    # The trustee runs no service that fits him (issue 12, cases.receivers) and holds no key: refused.
    assert still.status_code == 400 and not Referral.objects.exists()
    from tipnet.web.directory.models import Service

    third = Organisation.objects.create(name="Third NGO", type=OrganisationType.NGO)
    Service.objects.create(organisation=third, name="Shelter for men", kinds=["shelter"], sexes=["male"],
                           residence=["regular", "irregular", "trainee"], nationwide=True)
    unlocked(make_staff("third_cw", third, Role.CASEWORKER))
    refused = sender.post(url("cases:referral_new", case.pk), {"recipient": third.pk, "sections": ["situation"]})
    assert refused.status_code == 403 and not Referral.objects.exists()  # a fitting receiver, but no consent for it
    response = sender.post(url("cases:referral_new", case.pk), {"recipient": shelter.pk, "sections": ["situation"],
                                                                 "reason": "a bed for a man, Vietnamese speaker"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    receiver = keyed_client(shelter_worker)
    assert referral.case.reference not in receiver.get(url("cases:referrals")).content.decode()
    page = receiver.get(url("cases:referral", referral.pk)).content.decode()
    assert "a bed for a man, Vietnamese speaker" in page and "Technical intern" in page and NAME not in page
    assert receiver.get(url("cases:case", case.pk)).status_code == 404  # the case itself stays the NGO's
    assert receiver.post(url("cases:referral_decide", referral.pk), {"action": "accept"}).status_code == 302
    assert Referral.objects.get().state == "accepted"
    assert sender.post(url("cases:referral_decide", referral.pk), {"action": "complete"}).status_code == 400
    assert "Accepted" in sender.get(url("cases:referral", referral.pk)).content.decode()


def test_offboarding_the_referrer_revokes_her_unanswered_referrals(caseworker, shelter_worker, organisations, staff) -> None:  # type: ignore[no-untyped-def]
    from tipnet.web.accounts.services import user_offboard

    first, second = open_case(caseworker), open_case(caseworker, name="Le Van Hung")
    for case in (first, second):
        _consent(caseworker, case, organisations["other"])
    waiting = services.referral_propose(actor=caseworker, case=first, receiver=organisations["other"],
                                        sections=["situation"], reason="", private_key=unlocked(caseworker))
    answered = services.referral_propose(actor=caseworker, case=second, receiver=organisations["other"],
                                         sections=["situation"], reason="", private_key=unlocked(caseworker))
    services.referral_decide(actor=shelter_worker, referral=answered, action="accept")
    user_offboard(actor=staff[Role.ORG_ADMIN], user=caseworker)
    waiting.refresh_from_db()
    answered.refresh_from_db()
    assert waiting.state == "revoked" and bytes(waiting.ciphertext) == b""
    assert answered.state == "accepted" and bytes(answered.ciphertext) != b""
    assert AuditEvent.objects.filter(action="referral.revoked", target_id=str(waiting.pk), details__offboarded=caseworker.pk).exists()


def test_the_case_page_offers_the_services_that_accept_a_man(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    from tipnet.web.directory.models import Service

    def service(name: str, sexes: list[str], languages: list[str], residence: list[str], organisation=None) -> Service:  # type: ignore[no-untyped-def]
        return Service.objects.create(organisation=organisation or organisations["other"], name=name, kinds=["shelter"],
                                      sexes=sexes, residence=residence, languages=languages, prefectures=["13"],
                                      nationwide=True, beds_total=4, beds_free=2)

    service("Shelter for women", ["female"], ["vi"], [])
    service("Shelter for men, Vietnamese", ["male"], ["vi", "ja"], ["trainee", "regular"])
    service("Shelter for men, Japanese only", ["male"], ["ja"], [])
    service("Shelter for Japanese nationals", ["male"], ["vi"], ["japanese"])
    service("Our own shelter", ["male"], ["vi"], [], organisation=organisations["ngo"])
    case = open_case(caseworker)  # a Vietnamese man, technical intern
    page = keyed_client(caseworker).get(url("cases:case", case.pk)).content.decode()
    offered = page.split('id="fitting-services"')[1].split("</ul>")[0]
    assert "Shelter for men, Vietnamese" in offered and "Shelter for men, Japanese only" in offered
    assert offered.index("Shelter for men, Vietnamese") < offered.index("Shelter for men, Japanese only")
    for absent in ("Shelter for women", "Shelter for Japanese nationals", "Our own shelter"):
        assert absent not in offered, absent


def test_a_transfer_moves_the_case_to_the_receiver(caseworker, shelter_worker, organisations) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    shelter = organisations["other"]
    _consent(caseworker, case, shelter)
    transfer = services.referral_propose(actor=caseworker, case=case, receiver=shelter, sections=["situation"],
                                         reason="he moves to Osaka", private_key=unlocked(caseworker), transfer=True)
    assert transfer.kind == "transfer" and transfer.sections == ["identity", "situation", "health", "sexual"]
    with pytest.raises(services.CaseLocked):
        services.referral_decide(actor=shelter_worker, referral=transfer, action="accept", private_key=None)
    assert Referral.objects.get(pk=transfer.pk).state == "proposed"  # nothing half-done
    accepted = services.referral_decide(actor=shelter_worker, referral=transfer, action="accept",
                                        private_key=unlocked(shelter_worker))
    taken = accepted.transferred_case
    assert taken.organisation == shelter and taken.owner == shelter_worker
    assert taken.reference == f"C-{timezone.localdate().year}-000001"
    content = services.case_read(actor=shelter_worker, case=taken, private_key=unlocked(shelter_worker))
    assert content.sections["identity"]["names"] == [NAME] and content.sections["health"]["health_notes"] == HEALTH
    assert set(taken.consents.values_list("purpose", flat=True)) >= {"interview", "referral"}
    case.refresh_from_db()
    assert case.status == "closed_referred" and case.closed_on == timezone.localdate()
    # The receiver's duplicate warning now knows him.
    found = services.case_duplicates_check(actor=shelter_worker, organisation=shelter,
                                           content={"identity": {"names": [NAME], "birth_date": "1999-04-03"}},
                                           private_key=unlocked(shelter_worker))
    assert [d.case for d in found] == [taken]


def test_transfer_needs_every_section_visible_to_the_sender(caseworker, organisations, shelter_worker) -> None:  # type: ignore[no-untyped-def]
    colleague = make_staff("colleague_t", organisations["ngo"], Role.CASEWORKER)
    unlocked(colleague)
    case = open_case(caseworker)
    _consent(caseworker, case, organisations["other"])
    with pytest.raises(services.CaseError, match="cannot see"):
        services.referral_propose(actor=colleague, case=case, receiver=organisations["other"], sections=[],
                                  reason="", private_key=unlocked(colleague), transfer=True)
