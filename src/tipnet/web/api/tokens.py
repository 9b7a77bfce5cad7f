"""Writes and checks for personal API tokens (models.py says what a token is).

Services follow DESIGN.md: keyword-only, acting user first, one transaction, the audit row there.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipnet.core import crypto
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import User
from tipnet.web.api.errors import ApiError
from tipnet.web.api.models import ApiToken, Scope

PREFIX = "tipnet_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
_TOKEN = re.compile(r"tipnet_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})")
_ALPHANUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class TokenError(Exception):
    """A user-facing failure; the message is already translated."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _unlock_key(token: str) -> bytes:
    """The key wrapping a token's key unlock: BLAKE2b of the whole token under its own label (a
    different function from the stored SHA-256, which reveals nothing of it)."""
    return hashlib.blake2b(token.encode(), digest_size=crypto.KEY_BYTES, person=b"tipnet-unlock-v1").digest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole token, shown once and never stored


def _check_options(*, scope: str, days: int) -> None:
    if scope not in Scope.values:
        raise TokenError(_("The scope must be read or write."))
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(_("A token lasts from 1 to %(max)s days.") % {"max": MAX_DAYS})


@transaction.atomic
def token_create(*, actor: User | None, user: User, scope: str = Scope.READ, days: int = DEFAULT_DAYS,
                 name: str = "", private_key: bytes | None = None) -> IssuedToken:
    """Issue a token for ``user``. ``actor`` is the user themselves (the token page, after a fresh
    second factor) or None for a server administrator at the command line. ``private_key`` (the
    user's unlocked keyring key, page only) makes the token carry a key unlock."""
    _check_options(scope=scope, days=days)
    if not user.is_active:
        raise TokenError(_("This account is closed."))
    key_id = "".join(secrets.choice(_ALPHANUM) for _ in range(12))
    secret = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:80], key_id=key_id, token_hash=_digest(secret), scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
        unlock=crypto.secret_encrypt(_unlock_key(secret), private_key) if private_key else b"",
    )
    audit_record(
        actor=actor, action=Action.API_TOKEN_CREATED, target_type="api_token", target_id=token.pk,
        details={"user_id": user.pk, "scope": scope, "days": days, "via": "page" if actor else "cli",
                 "unlock": bool(private_key)},
    )
    return IssuedToken(token, secret)


def token_create_after_second_factor(*, actor: User, code: str, scope: str, days: int, name: str = "",
                                     unlock: bool = False, password: str = "") -> IssuedToken:
    """The token page: the person re-enters a code from their authenticator app first, so that an
    unattended signed-in browser is not enough to mint a long-lived credential. Only a TOTP code is
    accepted here, never a recovery code (those are for a lost phone).

    With ``unlock`` the person also re-enters her password, which opens her keyring here and now;
    the token then carries a key unlock (module docstring). The password is checked only after the
    code, so guessing it needs a fresh code each time (and the code check is throttled)."""
    from tipnet.web.accounts.services import AccountError, user_verify_second_factor

    _check_options(scope=scope, days=days)
    code = "".join(code.split())
    if not re.fullmatch(r"\d{6,8}", code):
        raise TokenError(_("Enter the 6-digit code from your authenticator app."))
    try:
        user_verify_second_factor(user=actor, code=code)  # commits its own throttle counters
    except AccountError as failure:
        raise TokenError(str(failure)) from failure
    private_key = None
    if unlock:
        from tipnet.web.accounts.keys import keyring_unlock

        try:
            private_key = keyring_unlock(actor, password=password) if password else None
        except crypto.DecryptionError:
            raise TokenError(_("The password is not right. Enter a new code and your password again.")) from None
        if private_key is None:
            raise TokenError(_("Enter your password to let the token open case content (you need an encryption key)."))
    return token_create(actor=actor, user=actor, scope=scope, days=days, name=name, private_key=private_key)


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.unlock = b""  # the wrapped key goes with the token
    token.save(update_fields=["revoked_at", "unlock"])
    audit_record(actor=actor, action=Action.API_TOKEN_REVOKED, target_type="api_token", target_id=token.pk,
                 details={"user_id": token.user_id})


@transaction.atomic
def tokens_revoke_all(*, actor: User | None, user: User) -> int:
    """Offboarding (accounts.services.user_offboard): every live token of ``user`` ends now."""
    live = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in live:
        token_revoke(actor=actor, token=token)
    return len(live)


def token_authenticate(secret: str) -> ApiToken:
    """The token for a bearer secret, or ApiError with a stable code. Looked up by its id, compared
    in constant time; a token of a closed account is "revoked" whatever its row says."""
    match = _TOKEN.fullmatch(secret.strip())
    if match is None:
        raise ApiError(401, "token_invalid", "The token is not valid.")
    token = ApiToken.objects.select_related("user").filter(key_id=match.group(1)).first()
    if token is None or not hmac.compare_digest(token.token_hash, _digest(secret.strip())):
        raise ApiError(401, "token_invalid", "The token is not valid.")
    if token.revoked_at is not None or not token.user.is_active:
        raise ApiError(401, "token_revoked", "The token was revoked.")
    if token.expired:
        raise ApiError(401, "token_expired", "The token has expired. Create a new one.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most one write a minute
    return token


def token_private_key(token: ApiToken, secret: str) -> bytes | None:
    """The user's keyring private key from the token's key unlock, for this request only; None for
    a token without one (or one that cannot be opened). ``secret`` is the bearer token itself,
    already checked by token_authenticate."""
    if not token.unlock or not token.active:
        return None
    try:
        return crypto.secret_decrypt(_unlock_key(secret.strip()), bytes(token.unlock))
    except crypto.DecryptionError:
        return None


def require_scope(token: ApiToken, scope: str) -> None:
    """A write needs a write token; any token reads."""
    if scope == Scope.WRITE and token.scope != Scope.WRITE:
        raise ApiError(403, "insufficient_scope", "This needs a token with the write scope.")
