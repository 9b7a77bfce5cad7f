"""API rate limits: a sliding window in memory, per token (or per client address for the public
directory), after report/ratelimit.py. Client addresses are kept only as a keyed hash under a
secret that changes every hour; nothing is written to disk. Limits come from
``TIPNET_API_RATE_LIMITS`` (per minute) so a load test can raise them; they are never off.

In memory means per server process: with N worker processes a client gets up to N times the limit.
That bounds abuse (a runaway script, a leaked token) without a shared store.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from django.conf import settings
from django.http import HttpRequest

from tipnet.web.clientaddr import client_address

DEFAULTS = {"token_per_minute": 120, "public_per_minute": 60}

_lock = threading.Lock()
_secret = secrets.token_bytes(32)
_secret_hour = int(time.time() // 3600)
_events: dict[str, deque[float]] = defaultdict(deque)


def _limits() -> dict[str, int]:
    return {**DEFAULTS, **getattr(settings, "TIPNET_API_RATE_LIMITS", {})}


def _client_key(request: HttpRequest) -> str:
    global _secret, _secret_hour
    hour = int(time.time() // 3600)
    if hour != _secret_hour:
        _secret, _secret_hour = secrets.token_bytes(32), hour
    return "client:" + hmac.new(_secret, client_address(request).encode(), hashlib.sha256).hexdigest()[:32]


def _allow(key: str, limit: int) -> bool:
    now = time.monotonic()
    with _lock:
        events = _events[key]
        while events and events[0] <= now - 60:
            events.popleft()
        if len(events) >= limit:
            return False
        events.append(now)
        return True


def allow_token(key_id: str) -> bool:
    return _allow("token:" + key_id, _limits()["token_per_minute"])


def allow_public(request: HttpRequest) -> bool:
    return _allow(_client_key(request), _limits()["public_per_minute"])


def reset() -> None:
    """For tests."""
    with _lock:
        _events.clear()
