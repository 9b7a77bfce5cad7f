"""The receiving organisation's update on the referring case's timeline (the person's stay in a
shelter that takes men): sealed to the sender's key, only by the receiver, only while accepted."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.web.cases_support import (
    caseworker_fixture,  # noqa: F401 (the "caseworker" fixture)
    open_case,
    runs_a_shelter_for_men,
    unlocked,
)
from tests.web.conftest import keyed_client, make_staff, url
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.cases import services
from tipnet.web.cases.models import CaseEvent
from tipnet.web.cases.sealing import ContentError, content_open

STAY = "Staying in room 3 since tonight; sees the doctor on Monday"


@pytest.fixture
def referred(caseworker, organisations):  # type: ignore[no-untyped-def]
    """A case of the NGO referred, with consent, to "Other NGO" (a shelter that takes men)."""
    runs_a_shelter_for_men(organisations["other"])
    shelter_worker = make_staff("shelter_cw", organisations["other"], Role.CASEWORKER)
    unlocked(shelter_worker)
    case = open_case(caseworker)
    services.consent_record(actor=caseworker, case=case, purpose="referral", given_on=timezone.localdate(),
                            recipient=organisations["other"])
    referral = services.referral_propose(actor=caseworker, case=case, receiver=organisations["other"],
                                         sections=["situation"], reason="a bed tonight", private_key=unlocked(caseworker))
    return referral, shelter_worker


def test_the_shelter_records_the_stay_on_the_referring_case(caseworker, referred) -> None:  # type: ignore[no-untyped-def]
    referral, shelter_worker = referred
    shelter = keyed_client(shelter_worker)
    address = url("cases:referral_note", referral.pk)
    today = timezone.localdate().isoformat()
    # Not before the referral is accepted.
    assert shelter.post(address, {"occurred_on": today, "text": STAY}).status_code == 400
    assert shelter.post(url("cases:referral_decide", referral.pk), {"action": "accept"}).status_code == 302
    assert "referral-note-form" in shelter.get(url("cases:referral", referral.pk)).content.decode()
    before = CaseEvent.objects.filter(case=referral.case).count()
    assert shelter.post(address, {"occurred_on": today, "text": STAY}).status_code == 302
    event = CaseEvent.objects.filter(case=referral.case).order_by("-pk").first()
    assert CaseEvent.objects.filter(case=referral.case).count() == before + 1
    assert event.created_by == shelter_worker and event.kind == "note"
    # Sealed to the NGO's key: its caseworker reads it on the case page, the shelter's key does not open it.
    page = keyed_client(caseworker).get(url("cases:case", referral.case.pk)).content.decode()
    assert STAY in page and "Other NGO: " in page
    from tipnet.web.accounts import orgkeys

    shelter_private = orgkeys.organisation_private_key(user=shelter_worker, private_key=unlocked(shelter_worker),
                                                       organisation=referral.receiver)
    with pytest.raises(ContentError):
        content_open(private_key=shelter_private, sealed_key=bytes(event.sealed_key), ciphertext=bytes(event.ciphertext))
    assert STAY.encode() not in bytes(event.ciphertext)
    audit = AuditEvent.objects.filter(action="case.event_added", target_type="referral", target_id=str(referral.pk))
    assert audit.count() == 1 and STAY not in str(audit.get().details)


def test_bad_updates_are_refused_and_nothing_is_stored(referred) -> None:  # type: ignore[no-untyped-def]
    referral, shelter_worker = referred
    shelter = keyed_client(shelter_worker)
    shelter.post(url("cases:referral_decide", referral.pk), {"action": "accept"})
    before = CaseEvent.objects.filter(case=referral.case).count()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for data in ({"occurred_on": tomorrow, "text": STAY}, {"occurred_on": "2026-02-30", "text": STAY},
                 {"occurred_on": timezone.localdate().isoformat(), "text": "   "}, {"text": STAY}):
        assert shelter.post(url("cases:referral_note", referral.pk), data).status_code == 400, data
    assert CaseEvent.objects.filter(case=referral.case).count() == before


def test_only_the_receiver_writes_and_others_get_404(caseworker, referred, staff, organisations) -> None:  # type: ignore[no-untyped-def]
    referral, shelter_worker = referred
    keyed_client(shelter_worker).post(url("cases:referral_decide", referral.pk), {"action": "accept"})
    before = CaseEvent.objects.filter(case=referral.case).count()
    data = {"occurred_on": timezone.localdate().isoformat(), "text": STAY}
    # The sender writes on its own case through the case page, not as the receiver.
    assert keyed_client(caseworker).post(url("cases:referral_note", referral.pk), data).status_code == 400
    # An organisation that is neither side, and roles without cases: the same 404 as a missing referral.
    outsider = make_staff("outsider_cw", organisations["trustee"], Role.CASEWORKER)
    assert keyed_client(outsider).post(url("cases:referral_note", referral.pk), data).status_code == 404
    assert keyed_client(outsider).post(url("cases:referral_note", 999999), data).status_code == 404
    assert keyed_client(staff[Role.RESEARCHER]).post(url("cases:referral_note", referral.pk), data).status_code == 404
    assert CaseEvent.objects.filter(case=referral.case).count() == before
    # After completion no more updates.
    keyed_client(shelter_worker).post(url("cases:referral_decide", referral.pk), {"action": "complete"})
    assert keyed_client(shelter_worker).post(url("cases:referral_note", referral.pk), data).status_code == 400
