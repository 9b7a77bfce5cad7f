"""Sign-in throttle: wrong passwords slow a guesser down without letting a stranger lock out the owner.

Before (issue 10, finding 17) five wrong passwords locked an account *name* for 15 minutes for
everyone, so anyone could keep ``operator`` locked out by typing five wrong passwords every 15
minutes. Now there are two counters, both rows of LoginThrottle shared by every server process:

- **Per (account name, client).** TIPNET_LOGIN_MAX_FAILURES wrong passwords from one client lock
  that name *for that client* for TIPNET_LOGIN_LOCK_SECONDS. A stranger locks out only himself.
- **Per account name, across all clients** (the brake on distributed guessing from many
  addresses). After TIPNET_LOGIN_NAME_MAX_FAILURES wrong passwords within the lock period, the name
  is refused to every client that has *not* signed in to it successfully before; a client that has
  (a "known" client, remembered for TIPNET_LOGIN_KNOWN_SECONDS) still gets through.

The trade-off, stated: during a large distributed attack on one name, its owner can still sign in
from a place she has signed in from before, but not from a new one until the attack stops for
TIPNET_LOGIN_LOCK_SECONDS. The password is never the only factor (a TOTP code or recovery code
follows), so the brake only has to stop bulk guessing, not every guess.

Client identity comes from tipnet.web.clientaddr (REMOTE_ADDR, or the trusted proxy's
X-Forwarded-For). The database holds only HMAC-SHA256 keys of (name, client) under SECRET_KEY,
never an address, and rows are deleted once they no longer matter.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tipnet.web.accounts.models import LoginThrottle


def _keyed(*parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _name(username: str) -> str:
    return username.strip().lower()


def _lock_seconds() -> int:
    return int(settings.TIPNET_LOGIN_LOCK_SECONDS)


def _name_max() -> int:
    return int(settings.TIPNET_LOGIN_NAME_MAX_FAILURES)


def _known_seconds() -> int:
    return int(settings.TIPNET_LOGIN_KNOWN_SECONDS)


def _rows(username: str, client: str) -> tuple[LoginThrottle, LoginThrottle]:
    """(per name and client, per name) rows, locked for this transaction."""
    name = _name(username)
    pair, _made = LoginThrottle.objects.select_for_update().get_or_create(key=_keyed("pair", name, client))
    whole, _made = LoginThrottle.objects.select_for_update().get_or_create(key=_keyed("name", name))
    return pair, whole


def _known(username: str, client: str) -> bool:
    # A "known" row uses locked_until as "known until" (no migration needed).
    return LoginThrottle.objects.filter(key=_keyed("known", _name(username), client), locked_until__gt=timezone.now()).exists()


def is_locked(*, username: str, client: str) -> bool:
    """True when this client may not try a password for this name now. Call inside a transaction."""
    now = timezone.now()
    pair, whole = _rows(username, client)
    if pair.locked_until and pair.locked_until > now:
        return True
    if whole.locked_until and whole.locked_until > now:
        return not _known(username, client)
    return False


def record_failure(*, username: str, client: str) -> None:
    """One wrong password (or unknown name) from ``client``."""
    now = timezone.now()
    lock = timedelta(seconds=_lock_seconds())
    pair, whole = _rows(username, client)
    for row, limit in ((pair, int(settings.TIPNET_LOGIN_MAX_FAILURES)), (whole, _name_max())):
        if row.updated_at and row.updated_at < now - lock:
            row.failures = 0  # an old count: the window has passed
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + lock
            row.failures = 0
        row.save()


def record_success(*, username: str, client: str) -> None:
    """The right password: this client's count is cleared and the client becomes known for the
    name. The per-name count stays: a success does not excuse other clients' guesses."""
    name = _name(username)
    LoginThrottle.objects.filter(key=_keyed("pair", name, client)).delete()
    known_until = timezone.now() + timedelta(seconds=_known_seconds())
    LoginThrottle.objects.update_or_create(
        key=_keyed("known", name, client), defaults={"failures": 0, "locked_until": known_until}
    )
    prune()


def prune() -> None:
    """Delete rows that no longer matter: counts older than the lock period that lock nothing
    (they would restart at zero anyway), expired locks, expired "known" marks."""
    now = timezone.now()
    stale = now - timedelta(seconds=_lock_seconds())
    LoginThrottle.objects.filter(updated_at__lt=stale, locked_until__isnull=True).delete()
    LoginThrottle.objects.filter(locked_until__lt=now).delete()
