"""Cases, consents and referrals over the API (issue 13): the pages' access rules and services, the
token's scope, optimistic locking, audited reads, stable error codes with nothing stored, and the
key unlock that lets a token (and only a request presenting it) open sealed content."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.cases_support import (
    HEALTH,
    NAME,
    PASSWORD,
    caseworker_fixture,  # noqa: F401 (the "caseworker" fixture)
    intake_content,
    runs_a_shelter_for_men,
    unlocked,
)
from tests.web.conftest import make_staff, signed_in_client, url
from tipnet.web.accounts import keys
from tipnet.web.accounts.audit import Action
from tipnet.web.accounts.models import AuditEvent, User
from tipnet.web.accounts.roles import Role
from tipnet.web.accounts.services import user_offboard
from tipnet.web.api import ratelimit
from tipnet.web.api.models import ApiToken
from tipnet.web.api.tokens import token_create, token_private_key, token_revoke
from tipnet.web.cases import services
from tipnet.web.cases.models import Case, CaseEvent, CaseTask, Consent, Referral

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_api_limits():  # type: ignore[no-untyped-def]
    ratelimit.reset()
    yield
    ratelimit.reset()


_KEYS: dict[tuple[int, bytes], bytes] = {}


def _key(user: User) -> bytes:
    """``unlocked`` remembered per user and key pair: each unlock is a deliberately slow Argon2id."""
    public = keys.public_key_of(user)
    if public is None or (user.pk, public) not in _KEYS:
        private = unlocked(user)
        _KEYS[(user.pk, keys.public_key_of(user) or b"")] = private
        return private
    return _KEYS[(user.pk, public)]


def _open(user: User, *, name: str = NAME, birth: str = "1999-04-03") -> Case:
    return services.case_open(actor=user, organisation=user.memberships.get().organisation,
                              content=intake_content(name, birth), consents={"interview", "purpose_told", "police"},
                              private_key=_key(user))


def _token(user: User, *, scope: str = "write", unlock: bool = False) -> str:
    return token_create(actor=None, user=user, scope=scope, private_key=_key(user) if unlock else None).secret


def _call(secret: str, method: str, path: str, body: Any = None, raw: str | None = None) -> tuple[int, Any]:
    kwargs: dict[str, Any] = {}
    if body is not None or raw is not None:
        kwargs = {"data": raw if raw is not None else json.dumps(body), "content_type": "application/json"}
    response = getattr(Client(), method)(f"{API}{path}", HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs)
    return response.status_code, response.json()


def _stored() -> tuple[int, ...]:
    return (Case.objects.count(), CaseEvent.objects.count(), CaseTask.objects.count(), Consent.objects.count(),
            Referral.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def shelter_worker(organisations):  # type: ignore[no-untyped-def]
    runs_a_shelter_for_men(organisations["other"])
    user = make_staff("shelter_cw", organisations["other"], Role.CASEWORKER)
    _key(user)
    return user


# --- reading ------------------------------------------------------------------------------------------


def test_case_list_is_clear_columns_with_pages(caseworker) -> None:  # type: ignore[no-untyped-def]
    cases = [_open(caseworker, name=f"{NAME} {i}", birth=f"199{i}-01-02") for i in range(3)]
    secret = _token(caseworker, scope="read")
    status, page = _call(secret, "get", "/cases?limit=2")
    assert status == 200
    assert page["count"] == 3 and page["limit"] == 2 and page["next_offset"] == 2
    assert [c["id"] for c in page["cases"]] == [c.pk for c in sorted(cases, key=lambda c: -c.pk)][:2]
    assert set(page["cases"][0]) == {"id", "reference", "organisation_id", "organisation", "status", "opened_on",
                                     "closed_on", "owner_id", "owner", "version", "updated_at"}
    assert NAME not in json.dumps(page)
    status, rest = _call(secret, "get", "/cases?limit=2&offset=2")
    assert len(rest["cases"]) == 1 and rest["next_offset"] is None
    assert _call(secret, "get", "/cases?status=closed")[1]["count"] == 0
    status, body = _call(secret, "get", "/cases?colour=red")
    assert status == 400 and body["error"]["code"] == "invalid_query"
    status, body = _call(secret, "get", "/cases?limit=100000")
    assert status == 400 and body["error"]["code"] == "invalid_query"


def test_reading_one_case_is_audited_and_sealed_content_needs_the_unlock(caseworker, staff, organisations) -> None:  # type: ignore[no-untyped-def]
    case = _open(caseworker)
    clear = _token(caseworker, scope="read")
    before = AuditEvent.objects.filter(action=Action.RECORD_READ, target_id=str(case.pk)).count()
    status, one = _call(clear, "get", f"/cases/{case.pk}")
    assert status == 200 and one["reference"] == case.reference and one["version"] == 1
    assert one["content_unlocked"] is False and one["sections_visible"] == ["health", "identity", "sexual", "situation"]
    assert AuditEvent.objects.filter(action=Action.RECORD_READ, target_id=str(case.pk)).count() == before + 1
    status, body = _call(clear, "get", f"/cases/{case.pk}/content")
    assert status == 403 and body["error"]["code"] == "content_locked"

    keyed = _token(caseworker, scope="read", unlock=True)
    status, content = _call(keyed, "get", f"/cases/{case.pk}/content")
    assert status == 200 and content["sections"]["identity"]["names"] == [NAME]
    assert content["sections"]["health"]["health_notes"] == HEALTH
    read = AuditEvent.objects.filter(action=Action.RECORD_READ, target_id=str(case.pk)).order_by("-pk").first()
    assert read is not None and read.details["sections"] == ["health", "identity", "sexual", "situation"]

    # A colleague who does not own the case reads identity and situation only, as on the page.
    colleague = make_staff("colleague_api", organisations["ngo"], Role.CASEWORKER)
    from tipnet.web.accounts.orgkeys import organisation_share_grant

    _key(colleague)
    assert organisation_share_grant(actor=caseworker, private_key=_key(caseworker),
                                    organisation=organisations["ngo"], user=colleague)
    status, theirs = _call(_token(colleague, scope="read", unlock=True), "get", f"/cases/{case.pk}/content")
    assert status == 200 and set(theirs["sections"]) == {"identity", "situation"}
    assert HEALTH not in json.dumps(theirs)


def test_another_organisations_case_and_a_missing_one_look_the_same(caseworker, shelter_worker, staff) -> None:  # type: ignore[no-untyped-def]
    case = _open(caseworker)
    outsider = _token(shelter_worker, unlock=True)
    researcher = _token(staff[Role.RESEARCHER])
    paths = [("get", f"/cases/{case.pk}", None), ("get", f"/cases/{case.pk}/content", None),
             ("get", f"/cases/{case.pk}/events", None), ("get", f"/cases/{case.pk}/tasks", None),
             ("get", f"/cases/{case.pk}/consents", None),
             ("patch", f"/cases/{case.pk}", {"version": 1, "status": "closed"}),
             ("post", f"/cases/{case.pk}/events", {"kind": "note", "occurred_on": "2026-01-02", "text": "x"})]
    before = _stored()
    for method, path, body in paths:
        mine = _call(outsider, method, path, body)
        missing = _call(outsider, method, path.replace(str(case.pk), str(case.pk + 999)), body)
        assert mine == missing == (404, {"error": {"code": "not_found", "message": "Not found."}}), path
    assert _call(outsider, "get", "/cases")[1]["count"] == 0
    assert _call(outsider, "get", "/cases/99999999999999999999")[0] in (404, 422)
    # A researcher holds no case role: the list itself is 404, as the page.
    assert _call(researcher, "get", "/cases")[0] == 404
    assert _stored() == before


# --- writing ------------------------------------------------------------------------------------------


def test_a_read_token_writes_nothing(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = _open(caseworker)
    secret = _token(caseworker, scope="read", unlock=True)
    before = _stored()
    for method, path, body in [
        ("post", f"/cases/{case.pk}/events", {"kind": "note", "occurred_on": "2026-01-02", "text": "called"}),
        ("patch", f"/cases/{case.pk}", {"version": 1, "status": "closed"}),
        ("post", "/cases", {"content": {}, "consents": ["interview"]}),
        ("post", f"/cases/{case.pk}/consents", {"purpose": "research", "given_on": "2026-01-02"}),
    ]:
        status, answer = _call(secret, method, path, body)
        assert status == 403 and answer["error"]["code"] == "insufficient_scope", path
    assert _stored() == before


def test_update_with_optimistic_locking(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = _open(caseworker)
    secret = _token(caseworker, unlock=True)
    situation = intake_content()["situation"] | {"locations": "Kakegawa"}
    status, updated = _call(secret, "patch", f"/cases/{case.pk}", {"version": 1, "status": "follow_up",
                                                                    "content": {"situation": situation}})
    assert status == 200 and updated["version"] == 2 and updated["status"] == "follow_up"
    before = _stored()
    status, body = _call(secret, "patch", f"/cases/{case.pk}", {"version": 1, "status": "closed"})
    assert status == 409 and body["error"]["code"] == "version_conflict"
    assert _stored() == before
    content = _call(secret, "get", f"/cases/{case.pk}/content")[1]
    assert content["version"] == 2 and content["sections"]["situation"]["locations"] == "Kakegawa"
    assert content["sections"]["identity"]["names"] == [NAME]  # a section not sent is kept
    # Without the unlock the case cannot be sealed again: refused, nothing changed.
    status, body = _call(_token(caseworker), "patch", f"/cases/{case.pk}", {"version": 2, "status": "closed"})
    assert status == 403 and body["error"]["code"] == "content_locked"
    assert Case.objects.get(pk=case.pk).status == "follow_up"


def test_open_a_case_with_duplicates_and_consent_checks(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    _key(caseworker)
    secret = _token(caseworker, unlock=True)
    body = {"content": intake_content(), "consents": ["interview", "purpose_told"]}
    status, created = _call(secret, "post", "/cases", body)
    assert status == 201 and created["reference"].startswith("C-") and created["owner"] == caseworker.username
    before = _stored()
    status, again = _call(secret, "post", "/cases", body)
    assert status == 409 and again["error"]["code"] == "possible_duplicates"
    assert again["error"]["duplicates"][0]["case_id"] == created["id"]
    status, refused = _call(secret, "post", "/cases", {**body, "consents": ["purpose_told"], "confirm_new": True})
    assert status == 403 and refused["error"]["code"] == "consent_missing"
    status, elsewhere = _call(secret, "post", "/cases", {**body, "confirm_new": True,
                                                         "organisation_id": organisations["other"].pk})
    assert (status, elsewhere["error"]["code"]) == (404, "not_found")
    status, locked = _call(_token(caseworker), "post", "/cases", {**body, "confirm_new": True})
    assert status == 403 and locked["error"]["code"] == "content_locked"
    # The duplicate check's candidate reads are audited (as on the page); nothing else was stored.
    assert _stored()[:5] == before[:5]
    status, second = _call(secret, "post", "/cases", {**body, "confirm_new": True})
    assert status == 201 and second["id"] != created["id"]


@pytest.mark.parametrize(("raw", "status", "code", "field"), [
    ("{not json", 400, "malformed_json", None),
    ('{"content": {}, "consents": ["interview"], "colour": "red"}', 422, "invalid_body", "body.colour"),
    ('{"content": {"identity": {"nickname": "x"}}, "consents": ["interview"]}', 422, "invalid_body", "body.content.identity.nickname"),
    ('{"content": {"situation": {"age_trafficked": "twenty"}}, "consents": ["interview"]}', 422, "invalid_body",
     "body.content.situation.age_trafficked"),
    ('{"content": {"identity": {"birth_date": "2001-02-30"}}, "consents": ["interview"]}', 422, "invalid_body",
     "body.content.identity.birth_date"),
    ('{"content": {"identity": {"birth_date": "2099-01-01"}}, "consents": ["interview"]}', 422, "invalid_body",
     "body.content.identity.birth_date"),
    ('{"content": {"situation": {"sex": "robot"}}, "consents": ["interview"]}', 422, "invalid_body", "body.content.situation.sex"),
    ('{"content": {}, "consents": "interview"}', 422, "invalid_body", "body.consents"),
    ('[]', 422, "invalid_body", None),
])
def test_bad_input_gets_a_stable_code_and_stores_nothing(caseworker, raw, status, code, field) -> None:  # type: ignore[no-untyped-def]
    secret = _token(caseworker, unlock=True)
    before = _stored()
    got, body = _call(secret, "post", "/cases", raw=raw)
    assert (got, body["error"]["code"]) == (status, code), body
    if field:
        assert field in [p["field"] for p in body["error"]["problems"]], body
    assert _stored() == before


def test_timeline_tasks_and_consents(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    case = _open(caseworker)
    clear, keyed = _token(caseworker), _token(caseworker, unlock=True)
    today = timezone.localdate().isoformat()
    status, event = _call(clear, "post", f"/cases/{case.pk}/events", {"kind": "note", "occurred_on": today,
                                                                     "text": "Met at the church"})
    assert status == 201 and event["kind"] == "note"
    texts = {e["kind"]: e["text"] for e in _call(clear, "get", f"/cases/{case.pk}/events")[1]}
    assert texts["note"] is None  # sealed, and this token does not open it
    texts = {e["kind"]: e["text"] for e in _call(keyed, "get", f"/cases/{case.pk}/events")[1]}
    assert texts["note"] == "Met at the church"
    before = _stored()
    status, body = _call(clear, "post", f"/cases/{case.pk}/events", {"kind": "note", "occurred_on": "2999-01-01", "text": "x"})
    assert status == 400 and body["error"]["code"] == "refused"
    status, body = _call(clear, "post", f"/cases/{case.pk}/events", {"kind": "intake", "occurred_on": today, "text": "x"})
    assert status == 422 and body["error"]["code"] == "invalid_body"
    assert _stored() == before

    status, task = _call(clear, "post", f"/cases/{case.pk}/tasks", {"title": "Visa appointment", "due_on": today})
    assert status == 201 and task["assignee"] == caseworker.username and task["done_on"] is None
    assert [t["title"] for t in _call(keyed, "get", f"/cases/{case.pk}/tasks")[1]] == ["Visa appointment"]
    assert [t["title"] for t in _call(clear, "get", f"/cases/{case.pk}/tasks")[1]] == [None]
    status, done = _call(clear, "post", f"/cases/{case.pk}/tasks/{task['id']}/done")
    assert status == 200 and done["done_on"] == today
    outsider = make_staff("elsewhere", organisations["other"], Role.CASEWORKER)
    status, body = _call(clear, "post", f"/cases/{case.pk}/tasks", {"title": "x", "due_on": today, "assignee_id": outsider.pk})
    assert status == 400 and body["error"]["code"] == "refused"

    status, consent = _call(clear, "post", f"/cases/{case.pk}/consents",
                            {"purpose": "referral", "given_on": today, "recipient_id": organisations["other"].pk})
    assert status == 201 and consent["recipient"] == "Other NGO" and consent["current"] is True
    status, body = _call(clear, "post", f"/cases/{case.pk}/consents", {"purpose": "referral", "given_on": today})
    assert status == 400 and body["error"]["code"] == "refused"
    status, body = _call(clear, "post", f"/cases/{case.pk}/consents",
                         {"purpose": "referral", "given_on": today, "recipient_id": 987654})
    assert status == 422 and body["error"]["problems"][0]["field"] == "recipient_id"
    status, withdrawn = _call(clear, "post", f"/cases/{case.pk}/consents/{consent['id']}/withdraw", {})
    assert status == 200 and withdrawn["withdrawn_on"] == today and withdrawn["current"] is False
    status, body = _call(clear, "post", f"/cases/{case.pk}/consents/{consent['id']}/withdraw", {})
    assert status == 400 and body["error"]["code"] == "refused"
    purposes = [(c["purpose"], c["current"]) for c in _call(clear, "get", f"/cases/{case.pk}/consents")[1]]
    assert ("referral", False) in purposes and ("interview", True) in purposes


# --- referrals ----------------------------------------------------------------------------------------


def test_referral_propose_read_decide(caseworker, shelter_worker, organisations) -> None:  # type: ignore[no-untyped-def]
    case = _open(caseworker)
    sender, receiver = _token(caseworker, unlock=True), _token(shelter_worker, unlock=True)
    proposal = {"receiver_id": organisations["other"].pk, "sections": ["situation"], "reason": "needs a shelter for men"}
    before = _stored()
    status, body = _call(sender, "post", f"/cases/{case.pk}/referrals", proposal)
    assert status == 403 and body["error"]["code"] == "consent_missing"
    assert _stored() == before
    _call(sender, "post", f"/cases/{case.pk}/consents",
          {"purpose": "referral", "given_on": timezone.localdate().isoformat(), "recipient_id": organisations["other"].pk})
    status, referral = _call(sender, "post", f"/cases/{case.pk}/referrals", proposal)
    assert status == 201 and referral["state"] == "proposed" and referral["side"] == "sender"
    assert referral["case_id"] == case.pk

    status, inbox = _call(receiver, "get", "/referrals?direction=in")
    assert status == 200 and [r["id"] for r in inbox["referrals"]] == [referral["id"]]
    assert inbox["referrals"][0]["case_id"] is None  # the sender's case id is not the receiver's business
    assert _call(receiver, "get", "/referrals?direction=out")[1]["count"] == 0
    status, shared = _call(receiver, "get", f"/referrals/{referral['id']}/content")
    assert status == 200 and shared["reason"] == "needs a shelter for men" and set(shared["sections"]) == {"situation"}
    assert NAME not in json.dumps(shared)
    assert _call(sender, "get", f"/referrals/{referral['id']}/content")[0] == 404
    assert _call(_token(shelter_worker), "get", f"/referrals/{referral['id']}/content")[1]["error"]["code"] == "content_locked"

    status, body = _call(sender, "post", f"/referrals/{referral['id']}/decide", {"action": "accept"})
    assert status == 400 and body["error"]["code"] == "refused"
    status, accepted = _call(receiver, "post", f"/referrals/{referral['id']}/decide", {"action": "accept"})
    assert status == 200 and accepted["state"] == "accepted"
    assert _call(receiver, "post", f"/referrals/{referral['id']}/decide", {"action": "complete"})[1]["state"] == "completed"
    status, body = _call(receiver, "post", f"/referrals/{referral['id']}/decide", {"action": "destroy"})
    assert status == 422 and body["error"]["code"] == "invalid_body"
    stranger = make_staff("stranger", organisations["trustee"], Role.CASEWORKER)
    assert _call(_token(stranger), "get", f"/referrals/{referral['id']}")[0] == 404


# --- the key unlock -----------------------------------------------------------------------------------


def test_the_key_unlock_opens_only_with_the_token_and_dies_with_it(caseworker, staff) -> None:  # type: ignore[no-untyped-def]
    case = _open(caseworker)
    issued = token_create(actor=None, user=caseworker, scope="read", private_key=_key(caseworker))
    row = ApiToken.objects.get(pk=issued.token.pk)
    # What the database holds opens nothing: not the hash, not a wrong secret, not a look-alike.
    assert _key(caseworker) not in bytes(row.unlock)
    assert token_private_key(row, issued.secret) == _key(caseworker)
    assert token_private_key(row, row.token_hash) is None
    assert token_private_key(row, issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")) is None
    assert _call(issued.secret, "get", f"/cases/{case.pk}/content")[0] == 200
    token_revoke(actor=caseworker, token=row)
    row.refresh_from_db()
    assert bytes(row.unlock) == b""
    assert _call(issued.secret, "get", f"/cases/{case.pk}/content")[1]["error"]["code"] == "token_revoked"
    # Offboarding revokes every token and erases every key unlock.
    other = token_create(actor=None, user=caseworker, scope="read", private_key=_key(caseworker))
    user_offboard(actor=staff[Role.ORG_ADMIN], user=caseworker)
    assert bytes(ApiToken.objects.get(pk=other.token.pk).unlock) == b""


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_the_token_page_adds_the_unlock_only_with_the_password(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = _open(caseworker)
    client = signed_in_client(caseworker)
    form = {"name": "kobo", "scope": "read", "days": "30", "unlock": "on"}
    wrong = client.post(url("apitokens:tokens"), {**form, "code": _code(caseworker), "password": "not it"})
    assert wrong.status_code == 400 and not ApiToken.objects.filter(user=caseworker).exists()
    TOTPDevice.objects.filter(user=caseworker).update(last_t=-1)  # a new 30-second window, as a person would wait
    response = client.post(url("apitokens:tokens"), {**form, "code": _code(caseworker), "password": PASSWORD})
    assert response.status_code == 200, response.content
    secret = response.context["issued"].secret
    assert ApiToken.objects.get(user=caseworker).unlocks_content
    status, content = _call(secret, "get", f"/cases/{case.pk}/content")
    assert status == 200 and content["sections"]["identity"]["names"] == [NAME]


def test_case_endpoints_are_rate_limited_and_refuse_expired_tokens(caseworker, settings) -> None:  # type: ignore[no-untyped-def]
    case = _open(caseworker)
    settings.TIPNET_API_RATE_LIMITS = {"token_per_minute": 2}
    secret = _token(caseworker)
    assert _call(secret, "get", f"/cases/{case.pk}")[0] == 200
    assert _call(secret, "get", "/cases")[0] == 200
    status, body = _call(secret, "post", f"/cases/{case.pk}/events", {"kind": "note", "occurred_on": "2026-01-02", "text": "x"})
    assert status == 429 and body["error"]["code"] == "rate_limited"
    assert not CaseEvent.objects.filter(case=case, kind="note").exists()
    expired = token_create(actor=None, user=caseworker, scope="write")
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    status, body = _call(expired.secret, "get", f"/cases/{case.pk}")
    assert status == 401 and body["error"]["code"] == "token_expired"
    status, body = Client().get(f"{API}/cases").status_code, Client().get(f"{API}/cases").json()
    assert status == 401 and body["error"]["code"] == "token_missing"


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("patch", "/cases/{id}", {"version": 1, "content": {"secrets": {}}}, "body.content.secrets"),
    ("patch", "/cases/{id}", {"version": "one"}, "body.version"),
    ("patch", "/cases/{id}", {"status": "closed"}, "body.version"),
    ("post", "/cases/{id}/events", {"kind": "note", "occurred_on": "2026-02-30", "text": "x"}, "body.occurred_on"),
    ("post", "/cases/{id}/tasks", {"title": "x", "due_on": "soon"}, "body.due_on"),
    ("post", "/cases/{id}/consents", {"purpose": "everything", "given_on": "2026-01-02"}, "body.purpose"),
    ("post", "/cases/{id}/referrals", {"receiver_id": 1, "sections": ["diary"]}, "body.sections.0"),
])
def test_bad_writes_to_a_case_store_nothing(caseworker, method, path, body, field) -> None:  # type: ignore[no-untyped-def]
    case = _open(caseworker)
    secret = _token(caseworker, unlock=True)
    before = _stored()
    status, answer = _call(secret, method, path.replace("{id}", str(case.pk)), body)
    assert status == 422 and answer["error"]["code"] == "invalid_body", answer
    assert field in [p["field"] for p in answer["error"]["problems"]], answer
    assert _stored() == before
    assert Case.objects.get(pk=case.pk).version == 1
