"""Which client sent a request: the connection's address, or the one our reverse proxy reports.

Used only to key rate limits and sign-in throttles (as keyed hashes); never stored in clear or
logged. Why here and not in one app: the reporting line's rate limits and the staff sign-in
throttle must agree on who the client is.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in getattr(settings, "TIPNET_TRUSTED_PROXIES", ()))


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or, when REMOTE_ADDR is a trusted proxy (TIPNET_TRUSTED_PROXIES), the
    right-most hop of X-Forwarded-For that is not a trusted proxy. The hops a client writes itself
    lie left of the one our proxy appends, so a forged header changes nothing; from an untrusted
    peer the header is ignored altogether."""
    remote = request.META.get("REMOTE_ADDR", "") or "none"
    if not _trusted(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            return hop
    # Only our own proxies in the chain (or no header): the request started at a proxy.
    return hops[0] if hops else remote
