"""Bad requests to the API get a clear JSON error with a stable code and store nothing; and the
role x endpoint matrix for the endpoints that exist (cases, referrals and consents come with the
cases app)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.api import ratelimit
from tipnet.web.api.models import ApiToken
from tipnet.web.api.tokens import token_create
from tipnet.web.directory.seed import directory_seed


@pytest.fixture(autouse=True)
def _fresh_api_limits():  # type: ignore[no-untyped-def]
    ratelimit.reset()
    yield
    ratelimit.reset()


def _post(secret: str, body: str | bytes, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    return Client().post("/api/v1/htcds/validate", body, content_type=content_type,
                         HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def secret(staff) -> str:  # type: ignore[no-untyped-def]
    return token_create(actor=None, user=staff[Role.CASEWORKER]).secret


def _unchanged(before: tuple[int, int]) -> bool:
    return (AuditEvent.objects.count(), ApiToken.objects.count()) == before


def test_validation_reports_every_problem_by_row_and_stores_nothing(secret) -> None:  # type: ignore[no-untyped-def]
    before = (AuditEvent.objects.count(), ApiToken.objects.count())
    body = {"records": [{"prs_Gender": "Feminine"}, {"prs_Birthdate": "2001-02-30", "prs_Gender": 3, "x": 1}]}
    response = _post(secret, json.dumps(body))
    assert response.status_code == 200
    report = response.json()
    assert report["ok"] is False and report["n_rows"] == 2
    assert [(r["row"], sorted(p["code"] for p in r["problems"])) for r in report["rows"]] == [
        (2, ["impossible_date", "unknown_field", "wrong_type"])]
    assert _unchanged(before)
    good = _post(secret, json.dumps({"records": [{"prs_Gender": "Feminine", "con_Consent": True}]})).json()
    assert good == {"ok": True, "n_rows": 1, "rows": []}


@pytest.mark.parametrize(("body", "status", "code"), [
    ("{not json", 400, "malformed_json"),
    ('{"records": "all of them"}', 422, "invalid_body"),
    ('{"records": [], "extra": true}', 422, "invalid_body"),
    ("[]", 422, "invalid_body"),
    ('{"records": [' + ",".join(["{}"] * 1001) + "]}", 422, "invalid_body"),
])
def test_bad_bodies(secret, body: str, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    before = (AuditEvent.objects.count(), ApiToken.objects.count())
    response = _post(secret, body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert _unchanged(before)


def test_wrong_method_is_a_json_error(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/api/v1/htcds/validate")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_session_cookie_is_not_a_credential(staff) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import signed_in_client

    client = signed_in_client(staff[Role.NETWORK_ADMIN])
    assert client.get("/api/v1/me").json()["error"]["code"] == "token_missing"


ENDPOINTS = [
    ("get", "/api/v1/services", None, False),
    ("get", "/api/v1/htcds/schema", None, False),
    ("get", "/api/v1/me", None, True),
    ("post", "/api/v1/htcds/validate", '{"records": []}', True),
]


@pytest.mark.parametrize("role", [*Role.values, None])
@pytest.mark.parametrize(("method", "path", "body", "needs_token"), ENDPOINTS)
def test_role_by_endpoint(staff, role, method, path, body, needs_token) -> None:  # type: ignore[no-untyped-def]
    """Every role holding a token reaches its own account and the public endpoints; without a token
    only the public endpoints answer. The directory needs no role: it is public."""
    directory_seed(demo=True)
    headers = {}
    if role is not None:
        headers["HTTP_AUTHORIZATION"] = "Bearer " + token_create(actor=None, user=staff[role]).secret
    kwargs = {"data": body, "content_type": "application/json"} if body else {}
    response = getattr(Client(), method)(path, **kwargs, **headers)
    if needs_token and role is None:
        assert response.status_code == 401 and response.json()["error"]["code"] == "token_missing"
    else:
        assert response.status_code == 200, response.content
    if path == "/api/v1/me" and role is not None:
        me = response.json()
        assert me["username"] == staff[role].username
        assert me["roles"] == [role]
