"""One-time form tokens: a reload of the receipt page or a second press of *Send* must not send a
report (or a follow-up message) twice.

Every public report form and follow-up answer form carries a fresh token: 128 random bits, the day
it was issued and the form it belongs to, signed with the site's secret key (HMAC-SHA256), so a
token from the answer form does not work on the report form and nobody can make tokens up.
Nothing is stored when the form is shown. When the form is sent, the SHA-256 hash of the token is
written in the same transaction as the report (``SpentFormToken``, unique): a second send with the
same token finds it and is told "already sent", and two sends at the same moment cannot both
commit (the unique index makes one of them fail). If the report is not stored (an error, a refused
form), the token is not spent and the reporter can simply send again.

Rows are kept ``TOKEN_LIFETIME`` days (a token older than that is refused as expired, so its row is
no longer needed) and deleted by ``tipnet purge``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tipnet.web.report.models import SpentFormToken

TOKEN_BYTES = 16  # 128 bits
TOKEN_LIFETIME = timedelta(days=7)
FORMS = ("report", "reply")


class TokenInvalid(ValueError):
    """A token that was not made here for this form, or is too old."""


class AlreadySent(Exception):
    """The token was already spent: the report or message was sent before."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(form: str, day: int, nonce: bytes) -> bytes:
    key = hashlib.sha256(b"tipnet-once-token:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, f"{form}:{day}:".encode() + nonce, hashlib.sha256).digest()[:16]


def _today() -> date:
    return timezone.localdate()


def once_token_new(*, form: str) -> str:
    """A fresh token for ``form`` ("report" or "reply"), to put in a hidden field."""
    if form not in FORMS:
        raise ValueError(form)
    day = _today().toordinal()
    nonce = secrets.token_bytes(TOKEN_BYTES)
    return f"{day}.{_b64(nonce)}.{_b64(_signature(form, day, nonce))}"


def once_token_digest(*, token: str, form: str) -> str:
    """The hash stored for ``token`` once spent; TokenInvalid unless this site made it for ``form``
    within TOKEN_LIFETIME."""
    try:
        day_text, nonce_text, signature_text = token.split(".")
        day = int(day_text)
        nonce, signature = _unb64(nonce_text), _unb64(signature_text)
    except (ValueError, TypeError) as error:
        raise TokenInvalid(token[:20]) from error
    if len(nonce) != TOKEN_BYTES or not hmac.compare_digest(signature, _signature(form, day, nonce)):
        raise TokenInvalid("signature")
    if not 0 <= _today().toordinal() - day <= TOKEN_LIFETIME.days:
        raise TokenInvalid("expired")
    return hashlib.sha256(f"{form}:".encode() + nonce).hexdigest()


def once_token_spent(*, digest: str) -> bool:
    return SpentFormToken.objects.filter(digest=digest).exists()


def once_token_spend(*, digest: str | None) -> None:
    """Record ``digest`` as spent, inside the caller's transaction; AlreadySent if it was spent
    before (or is being spent by a send that committed first). None: a form without a token (a
    page cached from before tokens existed, a script): sent as before, without this protection."""
    if digest is None:
        return
    try:
        with transaction.atomic():
            SpentFormToken.objects.create(digest=digest, spent_day=_today())
    except IntegrityError as error:
        raise AlreadySent from error


def once_tokens_purge(*, today: date | None = None) -> int:
    """Delete spent tokens that are too old to be sent again anyway."""
    cutoff = (today or _today()) - TOKEN_LIFETIME - timedelta(days=1)
    deleted, _by_model = SpentFormToken.objects.filter(spent_day__lt=cutoff).delete()
    return deleted
