"""Keep client addresses and secret URL parts out of every log line.

Why: the public path promises to keep no client address, and an invitation link
(``/<lang>/staff/welcome/<token>/``) stays usable until it is used or expires, so anyone who reads
a log (a host's support staff, a backup) could take over the new account. Django logs the path of a
refused CSRF check (``django.security.csrf``) and of server errors (``django.request``); gunicorn
logs ``Invalid request from ip=...``. One filter, installed on the log handlers of both (settings
LOGGING and tipnet.web.server), rewrites each record before it is written.
"""

from __future__ import annotations

import logging
import re

REMOVED_ADDRESS = "[address removed]"
REMOVED_SECRET = "[removed]"

# Path segments that carry a secret, by the segment before them.
_SECRET_SEGMENT = re.compile(r"(/welcome/)[^/\s?#\"']+")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
# IPv6: at least two colons among hex groups (also "::1" and "::ffff:1.2.3.4"); times such as
# 12:30:45 have no hex letters and no "::", and are left alone by the second condition below.
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?![\w:])")


def _is_address_like(candidate: str) -> bool:
    return "::" in candidate or any(c.isalpha() for c in candidate) or candidate.count(":") >= 4


def scrub(text: str) -> str:
    """``text`` without IP addresses and without the secret segments of our URLs."""
    text = _SECRET_SEGMENT.sub(r"\1" + REMOVED_SECRET, text)
    text = _IPV6.sub(lambda m: REMOVED_ADDRESS if _is_address_like(m.group(0)) else m.group(0), text)
    return _IPV4.sub(REMOVED_ADDRESS, text)


class ScrubFilter(logging.Filter):
    """Rewrite a record's message (and any traceback text) through ``scrub``; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep the template, drop the arguments
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        # Django attaches the request to records of django.request/django.security; a handler that
        # formats it (e.g. an e-mail handler) would print the path and the address.
        if hasattr(record, "request"):
            record.request = None
        return True
