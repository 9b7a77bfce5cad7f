"""The role x endpoint x owner matrix of the case API: the same answers as the case pages
(test_cases_access.py), through the same access functions. A case of "Test NGO" with a referral to
"Other NGO"; every role, and a caseworker of the receiving organisation, call every endpoint with a
write token (no key unlock: the matrix is about who reaches what, not about decrypting)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.web.cases_support import case_row, referral_row
from tests.web.conftest import make_staff
from tipnet.core import crypto
from tipnet.web.accounts import keys
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.api import ratelimit
from tipnet.web.api.tokens import token_create

CASE_ROLES = {Role.CASEWORKER, Role.CASE_SUPERVISOR}
_KEYRING: list[crypto.Keyring] = []


def _give_keyring(user) -> None:  # type: ignore[no-untyped-def]
    """A key pair for the case owner (so her organisation has a key), made once: Argon2id is slow."""
    if not _KEYRING:
        _KEYRING.append(crypto.keyring_create(password="matrix matrix 9")[0])
    keys.keyring_store(user, _KEYRING[0])


@pytest.fixture(autouse=True)
def _fresh_api_limits():  # type: ignore[no-untyped-def]
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.mark.parametrize("role", [*Role.values, "receiver_caseworker"])
def test_role_by_endpoint(staff, organisations, role) -> None:  # type: ignore[no-untyped-def]
    owner = staff[Role.CASEWORKER]
    _give_keyring(owner)
    case, task, consent = case_row(organisations["ngo"], owner=owner)
    referral = referral_row(case, organisations["other"], by=owner)
    user = (make_staff("receiver_cw", organisations["other"], Role.CASEWORKER) if role == "receiver_caseworker"
            else staff[role])
    secret = token_create(actor=None, user=user, scope="write").secret
    reaches_case = role in CASE_ROLES
    reaches_referral = reaches_case or role == "receiver_caseworker"
    today = "2026-01-10"
    # (method, path, body, status when the case is reached)
    calls = [
        ("get", "/cases", None, 200),
        ("get", f"/cases/{case.pk}", None, 200),
        ("get", f"/cases/{case.pk}/content", None, 403),  # content_locked: no key unlock
        ("get", f"/cases/{case.pk}/events", None, 200),
        ("get", f"/cases/{case.pk}/tasks", None, 200),
        ("get", f"/cases/{case.pk}/consents", None, 200),
        ("post", f"/cases/{case.pk}/events", {"kind": "note", "occurred_on": today, "text": "called"}, 201),
        ("post", f"/cases/{case.pk}/tasks", {"title": "call back", "due_on": today}, 201),
        ("post", f"/cases/{case.pk}/tasks/{task.pk}/done", None, 200),
        ("post", f"/cases/{case.pk}/consents", {"purpose": "research", "given_on": today}, 201),
        ("post", f"/cases/{case.pk}/consents/{consent.pk}/withdraw", {"withdrawn_on": today}, 200),
        ("patch", f"/cases/{case.pk}", {"version": 1, "status": "closed"}, 403),  # content_locked
    ]
    referral_calls = [
        ("get", "/referrals", None, 200),
        ("get", f"/referrals/{referral.pk}", None, 200),
    ]
    results = {}
    for method, path, body, reached in calls + referral_calls:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
        response = getattr(Client(), method)("/api/v1" + path, HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs)
        results[(method, path)] = (response.status_code, response.json())
        if path == "/cases" and role == "receiver_caseworker":
            expected = 200  # she keeps cases, in her own organisation
        elif path == "/referrals" or path.startswith("/referrals/"):
            expected = reached if reaches_referral else 404
        else:
            expected = reached if reaches_case else 404
        assert response.status_code == expected, (role, method, path, response.content)
        if expected == 404:
            assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
    if role == "receiver_caseworker":
        assert results[("get", "/cases")][1]["count"] == 0
        assert results[("get", f"/referrals/{referral.pk}")][1]["side"] == "receiver"
    if reaches_case:
        # Every read of the one case was audited, as the case page's.
        reads = AuditEvent.objects.filter(action="record.read", target_type="case", target_id=str(case.pk))
        assert {e.details.get("part") for e in reads} == {"case", "timeline", "tasks", "consents"}
