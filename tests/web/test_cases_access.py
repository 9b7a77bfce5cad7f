"""Case URLs against another organisation's case, missing against forbidden, and what a list
shows. The role-by-URL matrix for the own organisation is in test_url_access.py."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver, reverse
from django.utils import translation

from tests.web.cases_support import NAME, case_row, open_case, referral_row, unlocked
from tests.web.conftest import keyed_client, make_staff, signed_in_client, url
from tests.web.test_cases_documents import document_row
from tests.web.test_url_access import EXPECTED, _walk
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.cases.models import Case, CaseEvent, CaseTask, Consent, Referral

CASE_URLS = sorted((name, pattern) for name, pattern in _walk(get_resolver().url_patterns)
                   if name.startswith("cases:") and {"case_id", "referral_id"} & set(pattern.pattern.converters))


@pytest.fixture
def foreign(organisations):  # type: ignore[no-untyped-def]
    """A case of another organisation, with its task and consent."""
    owner = make_staff("foreign_cw", organisations["other"], Role.CASEWORKER)
    case, task, consent = case_row(organisations["other"], owner=owner)
    return case, task, consent, referral_row(case, organisations["trustee"], by=owner), document_row(case)


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.CASE_SUPERVISOR])
def test_another_organisations_case_is_not_found_on_every_case_url(role, staff, foreign) -> None:  # type: ignore[no-untyped-def]
    case, task, consent, referral, document = foreign
    client = signed_in_client(staff[role])
    targets = {"case_id": case.pk, "task_id": task.pk, "consent_id": consent.pk, "referral_id": referral.pk,
               "document_id": document.pk}
    assert CASE_URLS, "the case URLs are found from the resolver"
    for name, pattern in CASE_URLS:
        kwargs = {key: targets[key] for key in pattern.pattern.converters}
        with translation.override("en"):
            address = reverse(name, kwargs=kwargs)
        method = EXPECTED[name][0]
        data = {"kind": "note", "occurred_on": "2026-01-06", "text": "x", "title": "t", "due_on": "2026-01-07",
                "purpose": "police", "given_on": "2026-01-06", "recipient": case.organisation_id, "override": "on",
                "reason": "forged override from another organisation", "action": "revoke", "sections": ["identity"]}
        response = client.post(address, data) if method == "POST" else client.get(address)
        assert response.status_code == 404, f"{name}: {response.status_code}"
    assert CaseTask.objects.get(pk=task.pk).done_on is None
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None
    assert CaseEvent.objects.filter(case=case).count() == 0 and Consent.objects.filter(case=case).count() == 1
    assert Referral.objects.get(pk=referral.pk).state == "proposed" and Referral.objects.count() == 1
    assert not AuditEvent.objects.filter(target_type="case", target_id=str(case.pk)).exists()


def test_a_task_or_consent_of_another_case_is_not_reachable_through_ones_own(staff, organisations, foreign) -> None:  # type: ignore[no-untyped-def]
    own, _task, _consent = case_row(organisations["ngo"], owner=staff[Role.CASEWORKER])
    _case, task, consent, _referral, _document = foreign
    client = signed_in_client(staff[Role.CASEWORKER])
    assert client.post(url("cases:task_done", own.pk, task.pk)).status_code == 404
    assert client.post(url("cases:consent_withdraw", own.pk, consent.pk)).status_code == 404
    assert CaseTask.objects.get(pk=task.pk).done_on is None


def test_missing_and_forbidden_case_look_the_same(staff, foreign) -> None:  # type: ignore[no-untyped-def]
    case = foreign[0]
    client = signed_in_client(staff[Role.CASEWORKER])
    forbidden, missing = client.get(url("cases:case", case.pk)), client.get(url("cases:case", 987654))
    assert forbidden.status_code == missing.status_code == 404

    def strip(body: bytes) -> bytes:
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
        return body.replace(f"/{case.pk}/".encode(), b"/ID/").replace(b"/987654/", b"/ID/")

    assert strip(forbidden.content) == strip(missing.content)


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.NETWORK_ADMIN, Role.ORG_ADMIN, Role.HOTLINE_OPERATOR, Role.COORDINATOR])
def test_roles_without_cases_never_reach_a_case_even_in_their_own_organisation(role, organisations) -> None:  # type: ignore[no-untyped-def]
    from tipnet.web.accounts.grants import role_fits

    home = organisations["ngo"] if role_fits(role=role, organisation=organisations["ngo"]) else organisations["trustee"]
    user = make_staff(f"no_cases_{role}", home, role)
    case = case_row(home, owner=user)[0]
    client = signed_in_client(user)
    assert client.get(url("cases:list")).status_code == 404
    assert client.get(url("cases:case", case.pk)).status_code == 404


def test_the_list_shows_no_content_and_is_not_a_read(staff) -> None:  # type: ignore[no-untyped-def]
    caseworker = staff[Role.CASEWORKER]
    case = open_case(caseworker)
    body = keyed_client(caseworker).get(url("cases:list")).content.decode()
    assert case.reference in body and NAME not in body
    assert not AuditEvent.objects.filter(action="record.read", target_type="case").exists()
    unlocked(caseworker)
    assert Case.objects.count() == 1
