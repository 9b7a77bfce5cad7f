"""Rate limits without tracking: counters in memory only, keyed by a secret that changes every hour.

Where a client address exists it is turned into a keyed hash that cannot be reversed once the
hourly secret is gone; everyone behind Tor shares one address, so a site-wide limit sits beside
the per-client one. Nothing is written to disk or database. The limits come from settings
(``TIPNET_RATE_LIMITS``) so that a load test can raise them without switching them off.

Three rules keep the limits from becoming a denial of service (issue 10, finding 4):

- The client is the address the connection came from, unless that address is a configured
  reverse proxy (``TIPNET_TRUSTED_PROXIES``): then it is the right-most address in
  ``X-Forwarded-For`` that is not one of our proxies. Behind a proxy every connection comes from
  the proxy, so without this one flood would use up everyone's quota; a client cannot forge its
  way past it, because the hops it writes itself lie left of what our proxy appends.
- Only attempts that cost the server are counted (the views call ``allow`` just before a receipt
  check or a stored report): an invalid form costs nothing and uses no quota.
- A client over its own limit is refused without touching the site-wide quota, so one address
  cannot spend everyone's share.
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
    address = client_address(request)
    return bucket + ":" + hmac.new(_secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def _has_room(key: str, limit: int, window: float, now: float) -> bool:
    events = _events[key]
    while events and events[0] <= now - window:
        events.popleft()
    return len(events) < limit


def allow(request: HttpRequest, action: str) -> bool:
    """Count one costly attempt at ``action`` ("submit" or "receipt"); False, counting nothing,
    when the client's or the site's limit is reached. Call it only just before the work that costs
    (an Argon2 receipt check, a stored report), never for a request refused as invalid."""
    limits = _limits()
    now = time.monotonic()
    with _lock:
        client_key, site_key = _client_key(request, action), f"site:{action}"
        if not _has_room(client_key, limits[f"{action}_client_per_hour"], 3600, now):
            return False
        if not _has_room(site_key, limits[f"{action}_site_per_minute"], 60, now):
            return False
        _events[client_key].append(now)
        _events[site_key].append(now)
    return True


def reset() -> None:
    """For tests."""
    with _lock:
        _events.clear()
