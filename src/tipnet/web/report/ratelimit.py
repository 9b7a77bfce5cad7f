"""Rate limits without tracking: counters in memory only, keyed by a secret that changes every hour.

Where a client address exists it is turned into a keyed hash that cannot be reversed once the
hourly secret is gone; everyone behind Tor shares one address, so a site-wide limit sits beside
the per-client one. Nothing is written to disk or database. The limits come from settings
(``TIPNET_RATE_LIMITS``) so that a load test can raise them without switching them off.
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

_lock = threading.Lock()
_secret = secrets.token_bytes(32)
_secret_hour = int(time.time() // 3600)
_events: dict[str, deque[float]] = defaultdict(deque)

DEFAULTS = {
    "submit_client_per_hour": 20,
    "submit_site_per_minute": 120,
    "receipt_client_per_hour": 30,
    "receipt_site_per_minute": 240,
}


def _limits() -> dict[str, int]:
    return {**DEFAULTS, **getattr(settings, "TIPNET_RATE_LIMITS", {})}


def _client_key(request: HttpRequest, bucket: str) -> str:
    global _secret, _secret_hour
    hour = int(time.time() // 3600)
    if hour != _secret_hour:
        _secret, _secret_hour = secrets.token_bytes(32), hour
        _events.clear()
    address = request.META.get("REMOTE_ADDR", "") or "none"
    return bucket + ":" + hmac.new(_secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def _hit(key: str, limit: int, window: float, now: float) -> bool:
    events = _events[key]
    while events and events[0] <= now - window:
        events.popleft()
    if len(events) >= limit:
        return False
    events.append(now)
    return True


def allow(request: HttpRequest, action: str) -> bool:
    """Count one attempt at ``action`` ("submit" or "receipt"); False when a limit is reached."""
    limits = _limits()
    now = time.monotonic()
    with _lock:
        client_ok = _hit(_client_key(request, action), limits[f"{action}_client_per_hour"], 3600, now)
        site_ok = _hit(f"site:{action}", limits[f"{action}_site_per_minute"], 60, now)
    return client_ok and site_ok


def reset() -> None:
    """For tests."""
    with _lock:
        _events.clear()
