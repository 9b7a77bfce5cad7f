"""Staff keyrings and the split key that keeps an unlocked private key out of the database.

At sign-in the password unlocks the private key. It is then kept in the session encrypted under a
random key that lives only in an HttpOnly cookie, so neither a copy of the session table nor the
cookie alone reveals it; signing out or session expiry loses it.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tipnet.core import crypto
from tipnet.web.accounts.models import StaffKeyring, User

SESSION_FIELD = "tipnet_sealed_private"
COOKIE = "tipnet_k"


def _as_core(row: StaffKeyring) -> crypto.Keyring:
    return crypto.Keyring(
        public_key=bytes(row.public_key),
        password_salt=bytes(row.password_salt),
        private_by_password=bytes(row.private_by_password),
        recovery_salt=bytes(row.recovery_salt),
        private_by_recovery=bytes(row.private_by_recovery),
    )


def keyring_store(user: User, keyring: crypto.Keyring) -> StaffKeyring:
    row, _created = StaffKeyring.objects.update_or_create(
        user=user,
        defaults={
            "public_key": keyring.public_key,
            "password_salt": keyring.password_salt,
            "private_by_password": keyring.private_by_password,
            "recovery_salt": keyring.recovery_salt,
            "private_by_recovery": keyring.private_by_recovery,
        },
    )
    return row


def keyring_create_for(user: User, *, password: str) -> str:
    """Make the user's key pair; return the recovery code to show once."""
    keyring, recovery_code = crypto.keyring_create(password=password)
    keyring_store(user, keyring)
    return recovery_code


def keyring_unlock(user: User, *, password: str) -> bytes | None:
    row = StaffKeyring.objects.filter(user=user).first()
    if row is None:
        return None
    return crypto.keyring_unlock(_as_core(row), password=password)


def keyring_recover(user: User, *, recovery_code: str, new_password: str) -> bytes:
    """A forgotten password: the recovery code opens the key, which is rewrapped under the new password."""
    row = StaffKeyring.objects.get(user=user)
    private = crypto.keyring_unlock_with_recovery(_as_core(row), recovery_code=recovery_code)
    keyring_store(user, crypto.keyring_rewrap(_as_core(row), private_key=private, new_password=new_password))
    return private


def split_private_key(private_key: bytes) -> tuple[str, str]:
    """(session value, cookie value): the key encrypted under a fresh random key, and that key."""
    cookie_key = crypto.new_key()
    sealed = base64.b64encode(crypto.secret_encrypt(cookie_key, private_key)).decode()
    return sealed, base64.urlsafe_b64encode(cookie_key).decode()


def remember_private_key(request: HttpRequest, response: HttpResponse, private_key: bytes) -> None:
    request.session[SESSION_FIELD], cookie_value = split_private_key(private_key)
    response.set_cookie(
        COOKIE if not settings.SESSION_COOKIE_SECURE else "__Host-" + COOKIE,
        cookie_value,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
        path="/",
    )


def current_private_key(request: HttpRequest) -> bytes | None:
    """The signed-in staff member's private key, or None (no keyring, or key lost with the session)."""
    sealed = request.session.get(SESSION_FIELD)
    cookie = request.COOKIES.get("__Host-" + COOKIE if settings.SESSION_COOKIE_SECURE else COOKIE)
    if not sealed or not cookie:
        return None
    try:
        return crypto.secret_decrypt(base64.urlsafe_b64decode(cookie), base64.b64decode(sealed))
    except (crypto.DecryptionError, ValueError):
        return None


def public_key_of(user: User) -> bytes | None:
    row = StaffKeyring.objects.filter(user=user).only("public_key").first()
    return bytes(row.public_key) if row else None
