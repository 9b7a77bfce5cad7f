"""Personal API tokens: created after a fresh second factor, shown once, stored hashed, listed,
revoked by their owner only, revoked at offboarding, issued by `tipnet token create`; every bad
token gets its own JSON error code and changes nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.conftest import make_staff, signed_in_client, url
from tipnet.cli import main
from tipnet.web.accounts.audit import Action
from tipnet.web.accounts.models import AuditEvent, User
from tipnet.web.accounts.roles import Role
from tipnet.web.accounts.services import user_offboard
from tipnet.web.api import ratelimit
from tipnet.web.api.errors import ApiError
from tipnet.web.api.models import ApiToken
from tipnet.web.api.tokens import require_scope, token_create


@pytest.fixture(autouse=True)
def _fresh_api_limits():  # type: ignore[no-untyped-def]
    ratelimit.reset()
    yield
    ratelimit.reset()


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _me(secret: str) -> tuple[int, dict]:
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    return response.status_code, response.json()


def test_token_page_creates_a_token_after_a_fresh_code_and_shows_it_once(staff) -> None:  # type: ignore[no-untyped-def]
    user = staff[Role.CASEWORKER]
    client = signed_in_client(user)
    response = client.post(url("apitokens:tokens"), {"name": "kobo", "scope": "read", "days": "30", "code": _code(user)})
    assert response.status_code == 200
    secret = response.context["issued"].secret
    assert secret.startswith("tipnet_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.key_id, token.token_hash, token.name}
    assert token.scope == "read" and 29 <= (token.expires_at - timezone.now()).days <= 30
    assert AuditEvent.objects.filter(action=Action.API_TOKEN_CREATED, target_id=str(token.pk)).exists()
    # Listed afterwards, never shown again.
    page = client.get(url("apitokens:tokens")).content.decode()
    assert "kobo" in page and secret not in page
    status, body = _me(secret)
    assert status == 200 and body["username"] == user.username
    assert body["organisations"] == [{"organisation_id": user.memberships.get().organisation_id,
                                      "organisation": "Test NGO", "organisation_type": "ngo", "roles": ["caseworker"]}]


@pytest.mark.parametrize("code", ["", "000000", "abcdef", "0123456789abcdef"])
def test_no_token_without_a_right_authenticator_code(staff, code: str) -> None:  # type: ignore[no-untyped-def]
    user = staff[Role.CASEWORKER]
    if code == "000000" and _code(user) == "000000":
        code = "000001"
    response = signed_in_client(user).post(url("apitokens:tokens"), {"scope": "write", "days": "30", "code": code})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_bad_options_on_the_page_store_nothing(staff) -> None:  # type: ignore[no-untyped-def]
    user = staff[Role.CASEWORKER]
    client = signed_in_client(user)
    for data in ({"scope": "admin", "days": "30"}, {"scope": "read", "days": "0"}, {"scope": "read", "days": "9999"}):
        assert client.post(url("apitokens:tokens"), {**data, "code": _code(user)}).status_code == 400
    assert not ApiToken.objects.exists()


def test_the_page_needs_a_full_staff_session(staff) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(url("apitokens:tokens")).status_code == 302
    half = Client()
    half.force_login(staff[Role.CASEWORKER])  # password only, no second factor
    assert half.get(url("apitokens:tokens")).status_code == 302


def test_revoke_only_ones_own_token(staff) -> None:  # type: ignore[no-untyped-def]
    owner, other = staff[Role.CASEWORKER], staff[Role.ORG_ADMIN]
    issued = token_create(actor=owner, user=owner)
    # Another person (even an admin of the same organisation) gets the same 404 as for a missing id.
    assert signed_in_client(other).post(url("apitokens:revoke", issued.token.pk)).status_code == 404
    assert signed_in_client(other).post(url("apitokens:revoke", 999999)).status_code == 404
    assert _me(issued.secret)[0] == 200
    # A forged GET does nothing.
    assert signed_in_client(owner).get(url("apitokens:revoke", issued.token.pk)).status_code == 405
    assert signed_in_client(owner).post(url("apitokens:revoke", issued.token.pk)).status_code == 302
    status, body = _me(issued.secret)
    assert status == 401 and body["error"]["code"] == "token_revoked"
    assert AuditEvent.objects.filter(action=Action.API_TOKEN_REVOKED).count() == 1


def test_offboarding_revokes_every_token(staff) -> None:  # type: ignore[no-untyped-def]
    user, admin = staff[Role.CASEWORKER], staff[Role.NETWORK_ADMIN]
    first, second = token_create(actor=user, user=user), token_create(actor=user, user=user, scope="write")
    user_offboard(actor=admin, user=user)
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    for issued in (first, second):
        assert _me(issued.secret)[1]["error"]["code"] == "token_revoked"


@pytest.mark.parametrize(("header", "code"), [
    (None, "token_missing"),
    ("Basic dXNlcjpwYXNz", "token_missing"),
    ("Bearer nonsense", "token_invalid"),
    ("Bearer tipnet_AAAAAAAAAAAA_" + "A" * 43, "token_invalid"),
])
def test_missing_or_bad_tokens(db, header: str | None, code: str) -> None:  # type: ignore[no-untyped-def]
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().get("/api/v1/me", **extra)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code


def test_a_right_id_with_a_wrong_secret_is_invalid(staff) -> None:  # type: ignore[no-untyped-def]
    issued = token_create(actor=None, user=staff[Role.CASEWORKER])
    forged = issued.secret[:-4] + ("AAAA" if not issued.secret.endswith("AAAA") else "BBBB")
    assert _me(forged) == (401, {"error": {"code": "token_invalid", "message": "The token is not valid."}})


def test_expired_token(staff) -> None:  # type: ignore[no-untyped-def]
    issued = token_create(actor=None, user=staff[Role.CASEWORKER], days=1)
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    status, body = _me(issued.secret)
    assert status == 401 and body["error"]["code"] == "token_expired"


def test_roles_are_read_at_use_time(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    user = staff[Role.CASEWORKER]
    issued = token_create(actor=None, user=user)
    user.memberships.all().delete()
    assert _me(issued.secret)[1]["organisations"] == []


def test_rate_limited_per_token(staff, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIPNET_API_RATE_LIMITS = {"token_per_minute": 3}
    issued = token_create(actor=None, user=staff[Role.CASEWORKER])
    assert [_me(issued.secret)[0] for _ in range(4)] == [200, 200, 200, 429]
    assert _me(issued.secret)[1]["error"]["code"] == "rate_limited"


def test_read_token_cannot_write(staff) -> None:  # type: ignore[no-untyped-def]
    reader = token_create(actor=None, user=staff[Role.CASEWORKER]).token
    writer = token_create(actor=None, user=staff[Role.CASEWORKER], scope="write").token
    with pytest.raises(ApiError) as refused:
        require_scope(reader, "write")
    assert (refused.value.status, refused.value.code) == (403, "insufficient_scope")
    require_scope(writer, "write")
    require_scope(reader, "read")


# --- tipnet token create ------------------------------------------------------------------------


def test_cli_prints_the_token_alone_on_the_last_line_and_audits(staff) -> None:  # type: ignore[no-untyped-def]
    user = staff[Role.RESEARCHER]
    result = CliRunner().invoke(main, ["token", "create", user.username, "--scope", "write", "--days", "7"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("tipnet_") and " " not in secret
    token = ApiToken.objects.get(user=user)
    assert token.scope == "write" and 6 <= (token.expires_at - timezone.now()).days <= 7
    event = AuditEvent.objects.get(action=Action.API_TOKEN_CREATED)
    assert event.actor_id is None and event.details["via"] == "cli"
    assert _me(secret)[0] == 200


@pytest.mark.parametrize("args", [
    ["token", "create", "nobody"],
    ["token", "create", "user_researcher", "--scope", "admin"],
    ["token", "create", "user_researcher", "--days", "0"],
    ["token", "create", "user_researcher", "--days", "366"],
    ["token", "create", "user_researcher", "--days", "many"],
])
def test_cli_bad_input_exits_2_and_stores_nothing(staff, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert not ApiToken.objects.exists()


def test_cli_refuses_a_closed_account(staff) -> None:  # type: ignore[no-untyped-def]
    user = make_staff("leaver", staff[Role.CASEWORKER].memberships.get().organisation, Role.CASEWORKER)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert CliRunner().invoke(main, ["token", "create", "leaver"]).exit_code == 2
    assert not ApiToken.objects.exists()


def test_token_page_in_japanese(staff) -> None:  # type: ignore[no-untyped-def]
    """Needs the translations of i18n-pending/api.json merged into the catalogues."""
    page = signed_in_client(staff[Role.CASEWORKER]).get(url("apitokens:tokens", lang="ja")).content.decode()
    assert "APIトークン" in page and "認証アプリのコード" in page
